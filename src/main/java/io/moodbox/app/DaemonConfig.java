package io.moodbox.app;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

/**
 * The daemon's own settings.
 *
 * @param source     where frames come from, as {@code camera.source} is written ({@code auto}, {@code clip.mp4}, ...)
 * @param errorLimit frames in a row that may fail before the box shows a problem ({@code daemon.error-limit})
 * @param privacy    privacy mode: the camera is off ({@code privacy.enabled}); changes live
 */
public record DaemonConfig(String source, int errorLimit, boolean privacy) {
    public DaemonConfig {
        if (source == null || source.isBlank())
            throw new ConfigException("camera.source must be auto, none, demo, a video file or an image folder; was empty");
        ConfigException.requireRange("daemon.error-limit", errorLimit, 1, 10_000);
    }

    /** {@code daemon.error-limit} and {@code privacy.enabled}; {@code source} is {@code camera.source}, which the camera's record defines. */
    public static DaemonConfig from(Reader reader, String source) {
        return new DaemonConfig(source,
                reader.group("daemon", "The box").integer("error-limit", 25, "Failures before a problem", "Frames in a row that may fail analysis before the box shows a problem (1..10000)."),
                reader.group("privacy", "The box").live().bool("enabled", false, "Privacy mode", "The camera is off and nothing is watched."));
    }
}
