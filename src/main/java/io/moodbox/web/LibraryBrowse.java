package io.moodbox.web;

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
 * cover pictures found beside the music. Pure functions over {@link LibraryView#tracks()}; any
 * request thread.
 */
final class LibraryBrowse {
    /** The ways to group tracks, as the page names them. */
    static final List<String> GROUPS = List.of("quadrant", "folder", "artist", "album");
    /** Folder pictures a player or a ripper leaves beside an album, in the order they are tried. */
    static final List<String> COVERS = List.of("cover.jpg", "cover.png", "folder.jpg", "folder.png", "front.jpg", "front.png",
            "album.jpg", "album.png", "Cover.jpg", "Folder.jpg", "Front.jpg");

    static final long MAX_COVER_BYTES = 8L << 20;

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

    /** A picture in the track's own folder under one of the {@link #COVERS} names. */
    static Optional<Path> cover(Track t) {
        Path dir = t.path() == null ? null : t.path().getParent();
        if (dir == null) return Optional.empty();
        for (String name : COVERS) {
            Path p = dir.resolve(name);
            try {
                // A picture larger than a cover ever is would only fill the box's memory.
                if (Files.isRegularFile(p) && Files.isReadable(p) && Files.size(p) <= MAX_COVER_BYTES) return Optional.of(p);
            } catch (java.io.IOException e) {
                // gone between the two looks: no cover
            }
        }
        return Optional.empty();
    }

    private static String n(String s) { return s == null ? "" : s; }
}
