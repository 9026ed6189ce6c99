package io.moodbox.mood;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.time.Duration;

/**
 * How the room mood is smoothed and settled.
 *
 * @param halfLife    after this long, an old observation counts half as much as a new one ({@code mood.half-life-s})
 * @param switchMargin a new mood must lead the settled one by this much probability ({@code mood.switch-margin})
 * @param minHold     ... and keep leading for this long before it becomes the mood ({@code mood.hold-s})
 * @param nobodyAfter no face for this long means nobody is here ({@code mood.nobody-after-s})
 * @param maxStep     one frame never counts for more than this much time, so a stalled camera's
 *                    next frame cannot swamp the estimate ({@code mood.max-step-s})
 */
public record MoodConfig(Duration halfLife, double switchMargin, Duration minHold, Duration nobodyAfter,
                         Duration maxStep) {
    public MoodConfig {
        requireSeconds("mood.half-life-s", halfLife, 0.1, 60);
        ConfigException.requireRange("mood.switch-margin", switchMargin, 0.0, 0.5);
        requireSeconds("mood.hold-s", minHold, 0, 30);
        requireSeconds("mood.nobody-after-s", nobodyAfter, 0.5, 600);
        requireSeconds("mood.max-step-s", maxStep, 0.05, 10);
    }

    /** The {@code mood.*} keys; all change live. */
    public static MoodConfig from(Reader reader) {
        Reader r = reader.group("mood", "Room mood").live();
        return new MoodConfig(
                r.seconds("half-life-s", 0.6, "Memory (half-life)", "Seconds after which an old observation counts half as much as a new one (0.1..60); longer is calmer and slower."),
                r.decimal("switch-margin", 0.10, "Lead to switch", "How far (probability, 0..0.5) a new mood must lead the settled one before it can take over."),
                r.seconds("hold-s", 0.4, "Lead held for", "Seconds (0..30) a new mood must keep its lead before it becomes the room's mood."),
                r.seconds("nobody-after-s", 10, "Empty room after", "Seconds (0.5..600) without any face before the room counts as empty."),
                r.seconds("max-step-s", 0.3, "Longest frame step", "Most seconds (0.05..10) one frame counts for, so a late frame after a stall cannot swamp the estimate."));
    }

    /** Shipped defaults: follows a changed expression in about 1.3 s at 10 fps (median, see MoodBench). */
    public static MoodConfig defaults() {
        return from(Reader.defaults());
    }

    private static void requireSeconds(String key, Duration d, double min, double max) {
        ConfigException.requireRange(key, d.toNanos() / 1e9, min, max);
    }
}
