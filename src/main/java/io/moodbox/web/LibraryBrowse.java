package io.moodbox.web;

import io.moodbox.music.CoverArt;
import io.moodbox.music.Track;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The library page's browsing: search, the mood-quadrant, folder, artist and album views, and
 * cover pictures (embedded in a track's tags, else found beside it). Pure functions over {@link LibraryView#tracks()}; any
 * request thread.
 */
final class LibraryBrowse {
    /** The ways to group tracks, as the page names them. */
    static final List<String> GROUPS = List.of("quadrant", "folder", "artist", "album");
    /**
     * Names (any case, .jpg, .jpeg or .png) that players, rippers and shops leave beside an album,
     * in the order they are tried; then any picture whose name says cover or front, or Windows
     * Media Player's AlbumArt_{...}; then the only picture in the folder.
     */
    static final List<String> COVERS = List.of("cover", "folder", "front", "album", "albumart", "albumcover", "albumartsmall");
    private static final int MAX_FOLDER_ENTRIES = 2000;

    static final long MAX_COVER_BYTES = CoverArt.MAX_BYTES;

    private LibraryBrowse() {}

    /** The value of a track under a grouping: its quadrant, parent folder name, artist or album ("" unknown). */
    static String groupOf(Track t, String by) {
        return switch (by) {
            case "quadrant" -> t.valence() >= 0 ? (t.arousal() >= 0 ? "happy" : "calm") : (t.arousal() >= 0 ? "tense" : "sad");
            case "folder" -> {
                Path p = t.path() == null ? null : t.path().getParent();
                yield p == null || p.getFileName() == null ? "" : p.getFileName().toString();
            }
            case "artist" -> t.artist() == null ? "" : t.artist();
            case "album" -> t.album() == null ? "" : t.album();
            default -> throw new IllegalArgumentException("group by one of " + String.join(", ", GROUPS) + ", not '" + by + "'");
        };
    }

    /** Each value of a grouping with how many tracks have it, by name ("(unknown)" for none). */
    static List<Map<String, Object>> groups(List<Track> tracks, String by) {
        Map<String, Integer> counts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Track t : tracks) counts.merge(groupOf(t, by), 1, Integer::sum);
        List<Map<String, Object>> out = new ArrayList<>();
        counts.forEach((name, n) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("label", name.isEmpty() ? "(unknown)" : name);
            m.put("count", n);
            out.add(m);
        });
        return out;
    }

    /**
     * Tracks whose title, artist, album, genre, folder or mood contain every word of {@code query}
     * (any case), and, when {@code by} is given, whose group is {@code value}.
     */
    static List<Track> filter(List<Track> tracks, String query, String by, String value) {
        String[] words = query == null || query.isBlank() ? new String[0] : query.toLowerCase(Locale.ROOT).trim().split("\\s+");
        List<Track> out = new ArrayList<>();
        for (Track t : tracks) {
            if (by != null && !by.isBlank() && !groupOf(t, by).equalsIgnoreCase(value == null ? "" : value)) continue;
            String hay = String.join(" ", t.title(), n(t.artist()), n(t.album()), n(t.genre()), groupOf(t, "folder"), n(t.mood()))
                    .toLowerCase(Locale.ROOT);
            boolean all = true;
            for (String w : words) all &= hay.contains(w);
            if (all) out.add(t);
        }
        return out;
    }

    /**
     * A track's cover: {@code bytes} exactly as stored, {@code contentType} told by them, and
     * {@code source} the file they come from (the track itself when embedded), whose size and
     * modification time make the {@code etag} and {@code modifiedMs} that let a browser keep it.
     */
    record Cover(byte[] bytes, String contentType, Path source, boolean embedded, long modifiedMs, String etag) {}

    /**
     * The picture embedded in the track's tags, else a picture in its own folder (see
     * {@link #COVERS}; the first that is a whole JPEG or PNG); empty with why in {@code why}.
     * Embedded art wins: a tagger puts it on the track itself, so it is the one for this track or
     * album even where one folder holds several albums or a compilation.
     */
    static Optional<Cover> cover(Track t, CoverArt art, StringBuilder why) {
        if (t.path() == null) {
            why.append("the track has no file");
            return Optional.empty();
        }
        CoverArt.Lookup embedded = art.embedded(t.path());
        if (embedded.picture().isPresent()) {
            CoverArt.Picture p = embedded.picture().get();
            return stamp(t.path(), p.bytes(), p.contentType(), true);
        }
        Path dir = t.path().getParent();
        if (dir != null) {
            for (Path p : folderPictures(dir)) {
                try {
                    // A picture larger than a cover ever is would only fill the box's memory.
                    if (!Files.isRegularFile(p) || !Files.isReadable(p) || Files.size(p) > MAX_COVER_BYTES) continue;
                    byte[] bytes = Files.readAllBytes(p);
                    Optional<String> type = CoverArt.imageType(bytes);
                    if (type.isPresent()) return stamp(p, bytes, type.get(), false);
                } catch (java.io.IOException e) {
                    // gone or unreadable between the looks: try the next name
                }
            }
        }
        why.append(embedded.problem()).append(", and no JPEG or PNG named cover.jpg, folder.jpg (or the like) beside it");
        return Optional.empty();
    }

    /** The folder's pictures that may be its cover, best first (see {@link #COVERS}). */
    static List<Path> folderPictures(Path dir) {
        List<Path> pictures = new java.util.ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir)) {
            int seen = 0;
            for (Path p : entries) {
                if (++seen > MAX_FOLDER_ENTRIES) break; // a folder of thousands is not an album's
                String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png")) pictures.add(p);
            }
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
        boolean only = pictures.size() == 1;
        return pictures.stream()
                .filter(p -> rank(p, only) >= 0)
                .sorted(java.util.Comparator.comparingInt((Path p) -> rank(p, only)).thenComparing(p -> p.getFileName().toString()))
                .toList();
    }

    private static int rank(Path p, boolean only) {
        String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String stem = name.substring(0, name.lastIndexOf('.'));
        int i = COVERS.indexOf(stem);
        if (i >= 0) return i;
        if (stem.contains("back") && !stem.contains("front")) return -1; // a back cover is not the cover
        if (stem.contains("cover") || stem.contains("front") || stem.startsWith("albumart")) return COVERS.size();
        return only ? COVERS.size() + 1 : -1;
    }

    private static Optional<Cover> stamp(Path source, byte[] bytes, String type, boolean embedded) {
        long modified, size;
        try {
            modified = Files.getLastModifiedTime(source).toMillis();
            size = Files.size(source);
        } catch (java.io.IOException e) {
            modified = 0;
            size = bytes.length;
        }
        String etag = "\"" + (embedded ? "t" : "f") + Long.toHexString(size) + "-" + Long.toHexString(modified) + "-"
                + Integer.toHexString(source.toAbsolutePath().toString().hashCode()) + "\"";
        return Optional.of(new Cover(bytes, type, source, embedded, modified, etag));
    }

    private static String n(String s) { return s == null ? "" : s; }
}
