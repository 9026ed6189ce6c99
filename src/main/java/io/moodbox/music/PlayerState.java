package io.moodbox.music;

import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the player must remember across a restart or power cut: volume, the current track and
 * position, whether it was playing, and the owner's queue. A tiny properties file written
 * atomically (temp file, fsync, rename), so a power cut leaves the old state or the new.
 */
record PlayerState(int volume, String trackId, double positionSeconds, boolean playing, List<String> queue) {
    private static final Logger log = LoggerFactory.getLogger(PlayerState.class);

    PlayerState {
        queue = List.copyOf(queue);
    }

    static PlayerState load(Path file) {
        if (file == null || !Files.exists(file)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            String q = p.getProperty("queue", "");
            return new PlayerState(Integer.parseInt(p.getProperty("volume", "30").trim()), p.getProperty("track", ""),
                    Double.parseDouble(p.getProperty("position", "0").trim()), Boolean.parseBoolean(p.getProperty("playing")),
                    q.isBlank() ? List.of() : Arrays.asList(q.split(",")));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Player state {} is unreadable ({}); starting fresh at a safe volume", file, e.getMessage());
            return null;
        }
    }

    /** {@code sync}: fsync around the rename, so a power cut keeps this state (a crash keeps it either way). */
    void save(Path file, boolean sync) {
        if (file == null) return;
        Properties p = new Properties();
        p.setProperty("volume", Integer.toString(volume));
        p.setProperty("track", trackId == null ? "" : trackId);
        p.setProperty("position", String.format(java.util.Locale.ROOT, "%.2f", positionSeconds));
        p.setProperty("playing", Boolean.toString(playing));
        p.setProperty("queue", String.join(",", queue));
        try {
            if (sync) AtomicFile.write(file, w -> p.store(w, "moodbox player state"));
            else AtomicFile.write(file, w -> p.store(w, "moodbox player state"), AtomicFile.Option.NO_SYNC);
        } catch (IOException e) {
            log.warn("Could not save the player state to {} ({})", file, e.getMessage());
        }
    }
}
