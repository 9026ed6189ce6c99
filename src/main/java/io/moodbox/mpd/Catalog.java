package io.moodbox.mpd;

import io.moodbox.music.Track;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The library as MPD clients see it, built once per scan (the library's track list is a new list
 * after each): each track's URI relative to its music folder (with the folder's name in front when
 * there are several folders), the folder tree for {@code lsinfo}, and one virtual playlist per
 * mood ({@code mood-happy}). Immutable.
 */
final class Catalog {
    static final String PLAYLIST_PREFIX = "mood-";

    final List<Track> source;
    final List<Track> tracks;
    private final Map<String, Track> byUri = new LinkedHashMap<>();
    private final Map<String, String> uriById = new HashMap<>();
    final Map<String, List<Track>> byMood = new LinkedHashMap<>();
    /** When this scan's tracks were first seen: MPD's "database updated". */
    final java.time.Instant builtAt = java.time.Instant.now();

    Catalog(List<Track> library, List<Path> roots) {
        source = library;
        List<Path> abs = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
        for (Track t : library) {
            String uri = uri(t.path(), abs);
            String unique = uri;
            for (int i = 2; byUri.containsKey(unique); i++) unique = uri + "#" + i;
            byUri.put(unique, t);
            uriById.put(t.id(), unique);
            byMood.computeIfAbsent(t.mood() == null || t.mood().isBlank() ? "unknown" : t.mood(), m -> new ArrayList<>()).add(t);
        }
        tracks = List.copyOf(library);
        byMood.replaceAll((m, l) -> List.copyOf(l));
    }

    private static String uri(Path path, List<Path> roots) {
        Path p = path.toAbsolutePath().normalize();
        for (Path r : roots) {
            if (!p.startsWith(r)) continue;
            String rel = r.relativize(p).toString().replace('\\', '/');
            return roots.size() == 1 ? rel : r.getFileName() + "/" + rel;
        }
        return p.getFileName().toString();
    }

    String uri(Track t) { return uriById.getOrDefault(t.id(), t.path().getFileName().toString()); }

    Track byUri(String uri) { return byUri.get(uri); }

    /** Tracks whose URI is {@code dir} or lies under it ("" is everything). */
    List<Track> under(String dir) {
        String d = trimSlashes(dir);
        if (d.isEmpty()) return tracks;
        Track one = byUri.get(d);
        if (one != null) return List.of(one);
        List<Track> out = new ArrayList<>();
        byUri.forEach((u, t) -> { if (u.startsWith(d + "/")) out.add(t); });
        return out;
    }

    /** Whether {@code dir} is a folder of the tree. */
    boolean isDirectory(String dir) {
        String d = trimSlashes(dir);
        if (d.isEmpty()) return true;
        for (String u : byUri.keySet()) if (u.startsWith(d + "/")) return true;
        return false;
    }

    /** The sub-folders directly in {@code dir}, sorted. */
    List<String> directories(String dir) {
        String d = trimSlashes(dir), prefix = d.isEmpty() ? "" : d + "/";
        TreeSet<String> out = new TreeSet<>();
        for (String u : byUri.keySet()) {
            if (!u.startsWith(prefix)) continue;
            int slash = u.indexOf('/', prefix.length());
            if (slash > 0) out.add(u.substring(0, slash));
        }
        return List.copyOf(out);
    }

    /** The tracks directly in {@code dir}. */
    List<Track> files(String dir) {
        String d = trimSlashes(dir), prefix = d.isEmpty() ? "" : d + "/";
        List<Track> out = new ArrayList<>();
        byUri.forEach((u, t) -> { if (u.startsWith(prefix) && u.indexOf('/', prefix.length()) < 0) out.add(t); });
        return out;
    }

    List<String> playlists() {
        List<String> names = new ArrayList<>();
        for (String m : byMood.keySet()) names.add(PLAYLIST_PREFIX + m);
        Collections.sort(names);
        return names;
    }

    /** The tracks of a mood playlist, or null when there is no such playlist. */
    List<Track> playlist(String name) {
        if (name == null || !name.startsWith(PLAYLIST_PREFIX)) return null;
        return byMood.get(name.substring(PLAYLIST_PREFIX.length()).toLowerCase(Locale.ROOT));
    }

    private static String trimSlashes(String s) {
        String d = s == null ? "" : s.trim();
        while (d.startsWith("/")) d = d.substring(1);
        while (d.endsWith("/")) d = d.substring(0, d.length() - 1);
        return d;
    }
}
