package io.moodbox.music;

import io.moodbox.emotion.Emotion;
import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The owner's plays and skips per track and room emotion, persisted as a small properties file
 * written atomically after each change ({@code <trackId>.<emotion>.plays / .skips}). A missing
 * file is a fresh start; a damaged one is set aside, reported, and started afresh.
 * Not thread-safe (the picker's thread only).
 */
final class Taste {
    private static final Logger log = LoggerFactory.getLogger(Taste.class);
    private final Path file;
    private final Properties counts = new Properties();

    Taste(Path file) {
        this.file = file;
        if (file != null && Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                counts.load(r);
            } catch (IOException | IllegalArgumentException e) {
                log.warn("Plays/skips file {} is unreadable ({}); starting afresh", file, e.getMessage());
                counts.clear();
            }
        }
    }

    int plays(String trackId, Emotion e) { return get(trackId + "." + e.label() + ".plays"); }

    int skips(String trackId, Emotion e) { return get(trackId + "." + e.label() + ".skips"); }

    void record(String trackId, Emotion e, boolean skipped) {
        String k = trackId + "." + e.label() + (skipped ? ".skips" : ".plays");
        counts.setProperty(k, Integer.toString(get(k) + 1));
        save();
    }

    private int get(String key) {
        try {
            return Integer.parseInt(counts.getProperty(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void save() {
        if (file == null) return;
        try {
            AtomicFile.write(file, w -> counts.store(w, "moodbox: the owner's plays and skips per track and room emotion"));
        } catch (IOException e) {
            log.warn("Could not save plays/skips to {} ({})", file, e.getMessage());
        }
    }
}
