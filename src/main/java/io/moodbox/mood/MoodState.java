package io.moodbox.mood;

import io.moodbox.emotion.Emotion;

import java.time.Instant;

/**
 * The room's mood at one moment, immutable. {@code emotions} is the smoothed distribution over
 * {@link Emotion} (sums to 1; all zero when nobody is there); {@code mood} the settled mood,
 * which only changes when a new one holds (hysteresis); valence/arousal in [-1, 1].
 */
public record MoodState(Presence presence, Emotion mood, float[] emotions, double valence, double arousal,
                        double confidence, int faces, boolean locked, Instant at) {

    public enum Presence {
        /** The camera is off or not working: the mood is not being watched. */
        UNKNOWN,
        /** The camera is live and sees nobody. */
        NOBODY,
        /** Someone is there. */
        PRESENT
    }

    public MoodState {
        emotions = emotions.clone();
    }

    @Override public float[] emotions() { return emotions.clone(); }

    /** Before anything is seen. */
    public static MoodState initial(Instant at) {
        return new MoodState(Presence.UNKNOWN, Emotion.NEUTRAL, new float[Emotion.values().length], 0, 0, 0, 0, false, at);
    }
}
