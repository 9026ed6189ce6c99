package io.moodbox.mood;

/** Told of every new {@link MoodState}, on the board's events thread. Must not block. */
public interface MoodListener {
    default void moodChanged(MoodState old, MoodState now) {}
}
