package io.moodbox.app;

import io.moodbox.config.ConfigException;

/**
 * The daemon's own settings.
 *
 * @param source     where frames come from ({@code camera.source}): {@code auto}, {@code none},
 *                   {@code demo}, or a video file / image folder path
 * @param errorLimit frames in a row that may fail before the box shows a problem ({@code daemon.error_limit})
 * @param privacy    privacy mode: the camera is off ({@code privacy.enabled}); changes live
 */
public record DaemonConfig(String source, int errorLimit, boolean privacy) {
    public DaemonConfig {
        if (source == null || source.isBlank())
            throw new ConfigException("camera.source must be auto, none, demo, a video file or an image folder; was empty");
        ConfigException.requireRange("daemon.error_limit", errorLimit, 1, 10_000);
    }
}
