package io.moodbox.mood;

import java.time.InstantSource;
import java.util.List;

/**
 * Turns each analysed frame's faces into the room's mood: faces combined by size and detector
 * confidence, smoothed over time (half-life), with hysteresis so a new mood takes over only when
 * it holds; presence (somebody, nobody, not watching) and the owner's lock.
 *
 * <p>Times are {@link System#nanoTime()} nanoseconds (the frame's capture time), so smoothing
 * follows real time, not frame count. Thread-safe; normally called from {@code moodbox-vision}
 * (frames) and from a command thread (lock).
 */
public interface MoodTracker {

    /** One analysed frame with the faces seen in it (none is a valid observation). */
    MoodState observe(List<FaceReading> faces, long nanos);

    /** The camera is off, in privacy mode or failing: the room is not being watched. */
    MoodState notWatching(long nanos);

    /** Holds the current mood (the music stops following the room) or lets it follow again. */
    MoodState lock(boolean locked);

    MoodState current();

    /** Applies changed settings live; the estimate so far is kept. */
    void configure(MoodConfig config);

    static MoodTracker create(MoodConfig config, InstantSource clock) {
        return new RoomMoodTracker(config, clock);
    }
}
