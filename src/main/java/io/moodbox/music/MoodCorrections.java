package io.moodbox.music;

import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The owner's word on a track's mood, set on the page: one line per file, {@code path<TAB>mood},
 * kept beside the library cache ({@code mood-corrections.tsv}) and apart from it, so a re-scan or
 * a cache thrown away never forgets one. Written atomically (temp file, fsync, rename): a power
 * cut leaves the old or the new list. A damaged line is skipped and reported; the rest counts.
 * Thread-safe (its own lock; never waits on a scan).
 */
final class MoodCorrections {
    private static final Logger log = LoggerFactory.getLogger(MoodCorrections.class);
    static final String FILE_NAME = "mood-corrections.tsv";
    private static final String HEADER = "moodbox-mood-corrections\t1";

    private final Path file;
    private final Map<String, String> moods = new TreeMap<>();

    MoodCorrections(Path file) {
        this.file = file;
        if (!Files.exists(file)) return;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
                log.warn("Mood corrections {} have an unknown format; they are not used (the file is left as it is)", file);
                return;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split("\t", -1);
                Optional<String> mood = f.length == 2 ? MoodPoints.canonical(f[1]) : Optional.empty();
                if (mood.isEmpty()) log.warn("Mood corrections {} line {} is damaged; skipped", file, i + 1);
                else moods.put(LibraryCache.unescape(f[0]), mood.get());
            }
        } catch (IOException e) {
            log.warn("Mood corrections {} could not be read ({}); tracks keep the mood their tags or sound give", file, e.getMessage());
        }
    }

    /** The owner's mood for a file, if they set one. */
    synchronized Optional<String> get(Path track) { return Optional.ofNullable(moods.get(track.toString())); }

    /**
     * Sets ({@code mood} a canonical mood) or clears ({@code mood} null) the owner's word for a
     * file and saves the list; on a failed save nothing changes and the IOException says why.
     */
    synchronized void set(Path track, String mood) throws IOException {
        String key = track.toString(), old = moods.get(key);
        if (mood == null) moods.remove(key);
        else moods.put(key, mood);
        try {
            save();
        } catch (IOException | RuntimeException e) {
            if (old == null) moods.remove(key);
            else moods.put(key, old);
            throw e;
        }
    }

    private void save() throws IOException {
        AtomicFile.write(file, w -> {
            w.write(HEADER);
            w.write('\n');
            for (var e : moods.entrySet()) w.write(LibraryCache.escape(e.getKey()) + "\t" + e.getValue() + "\n");
        });
    }
}
