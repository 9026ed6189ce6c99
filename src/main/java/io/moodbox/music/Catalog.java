package io.moodbox.music;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner's catalog, {@code catalog.txt} in a library root: one line per track,
 * {@code relative/path.mp3 | mood or valence,arousal | popularity 0-100 (optional)}; '#' starts
 * a comment. A bad line is reported with its number and skipped; the rest still counts.
 */
final class Catalog {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);
    static final String FILE_NAME = "catalog.txt";

    /** One catalog line: a named mood or an explicit point, and popularity (-1 when absent). */
    record Entry(String mood, MoodPoints.Point point, int popularity) {}

    private final Map<Path, Entry> entries = new HashMap<>();

    Entry get(Path absoluteFile) { return entries.get(absoluteFile.toAbsolutePath().normalize()); }

    int size() { return entries.size(); }

    /** Reads {@code catalog.txt} of each root, if there is one; {@code problems} gets one line per bad entry. */
    static Catalog load(List<Path> roots, List<String> problems) {
        Catalog c = new Catalog();
        for (Path root : roots) {
            Path file = root.resolve(FILE_NAME);
            if (!Files.isRegularFile(file)) continue;
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(file + ": cannot be read (" + e.getMessage() + "); catalog ignored");
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int hash = line.indexOf('#');
                if (hash >= 0) line = line.substring(0, hash);
                if (line.isBlank()) continue;
                try {
                    c.add(root, line);
                } catch (IllegalArgumentException e) {
                    String msg = file + " line " + (i + 1) + ": " + e.getMessage() + "; line skipped";
                    log.warn("{}", msg);
                    problems.add(msg);
                }
            }
        }
        return c;
    }

    private void add(Path root, String line) {
        String[] f = line.split("\\|");
        if (f.length < 2 || f.length > 3) throw new IllegalArgumentException("expected 'path | mood | popularity'");
        Path p = root.resolve(f[0].trim()).toAbsolutePath().normalize();
        String moodField = f[1].trim();
        String mood;
        MoodPoints.Point point;
        if (moodField.contains(",")) {
            String[] va = moodField.split(",");
            try {
                double v = Double.parseDouble(va[0].trim()), a = Double.parseDouble(va[1].trim());
                if (va.length != 2 || Math.abs(v) > 1 || Math.abs(a) > 1) throw new NumberFormatException();
                point = new MoodPoints.Point(v, a);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("'" + moodField + "' is not 'valence,arousal' with both in -1..1");
            }
            mood = MoodPoints.nearest(point);
        } else {
            mood = MoodPoints.canonical(moodField).orElseThrow(() -> new IllegalArgumentException("unknown mood '"
                    + moodField + "'; use one of " + String.join(", ", MoodPoints.CANONICAL.keySet())));
            point = MoodPoints.point(mood);
        }
        int popularity = -1;
        if (f.length == 3 && !f[2].isBlank()) {
            try {
                popularity = Integer.parseInt(f[2].trim());
            } catch (NumberFormatException e) {
                popularity = -2;
            }
            if (popularity < 0 || popularity > 100) throw new IllegalArgumentException("popularity must be 0..100, was '" + f[2].trim() + "'");
        }
        entries.put(p, new Entry(mood, point, popularity));
    }
}
