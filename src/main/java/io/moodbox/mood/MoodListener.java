package io.moodbox.mood;

/** Told of every new {@link MoodState} worth telling, on the board's events thread. Must not block. */
@FunctionalInterface
public interface MoodListener {
    void moodChanged(MoodState old, MoodState now);
}
