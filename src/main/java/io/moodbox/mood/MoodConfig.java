package io.moodbox.mood;

import io.moodbox.config.ConfigException;

import java.time.Duration;

/**
 * How the room mood is smoothed and settled.
 *
 * @param halfLife    after this long, an old observation counts half as much as a new one ({@code mood.half_life_s})
 * @param switchMargin a new mood must lead the settled one by this much probability ({@code mood.switch_margin})
 * @param minHold     ... and keep leading for this long before it becomes the mood ({@code mood.hold_s})
 * @param nobodyAfter no face for this long means nobody is here ({@code mood.nobody_after_s})
 * @param maxStep     one frame never counts for more than this much time, so a stalled camera's
 *                    next frame cannot swamp the estimate ({@code mood.max_step_s})
 */
public record MoodConfig(Duration halfLife, double switchMargin, Duration minHold, Duration nobodyAfter,
                         Duration maxStep) {
    public MoodConfig {
        requireSeconds("mood.half_life_s", halfLife, 0.1, 60);
        ConfigException.requireRange("mood.switch_margin", switchMargin, 0.0, 0.5);
        requireSeconds("mood.hold_s", minHold, 0, 30);
        requireSeconds("mood.nobody_after_s", nobodyAfter, 0.5, 600);
        requireSeconds("mood.max_step_s", maxStep, 0.05, 10);
    }

    /** Shipped defaults: follows a changed expression in about 1.3 s at 10 fps (median, see MoodBench). */
    public static MoodConfig defaults() {
        return new MoodConfig(Duration.ofMillis(600), 0.10, Duration.ofMillis(400), Duration.ofSeconds(10),
                Duration.ofMillis(300));
    }

    private static void requireSeconds(String key, Duration d, double min, double max) {
        ConfigException.requireRange(key, d.toNanos() / 1e9, min, max);
    }
}
