package io.moodbox.music;

import io.moodbox.mood.MoodState;

import java.util.List;
import java.util.Optional;

/**
 * Turns the room's mood into the next track: a target point on the valence/arousal plane from
 * the policy ({@code match}, {@code uplift} or {@code iso}), then the library's best track for it
 * (distance, the owner's plays and skips in this mood, catalog popularity, no repeats within the
 * window). Every pick says why, in words. Not thread-safe: call from one thread (the player's
 * audio thread asks through {@link TrackSource}).
 */
public interface TrackPicker {

    /** A chosen track, the target it was chosen for, and why. */
    record Pick(Track track, double targetValence, double targetArousal, String reason) {}

    /** The best track in {@code library} for {@code room}; empty only when the library is empty. */
    Optional<Pick> pick(MoodState room, List<Track> library);

    /** The owner let {@code track} play to the end ({@code skipped} false) or skipped it, in {@code room}'s mood. */
    void feedback(Track track, MoodState room, boolean skipped);

    static TrackPicker create(MusicConfig config) {
        return new PolicyPicker(config, new Taste(config.tasteFile()), new java.util.SplittableRandom());
    }
}
