package io.moodbox.music;

import io.moodbox.mood.MoodState;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the player plays next, and who hears how each track ended. The player's audio thread
 * calls it; {@link #of} joins a library, a picker and the room's current mood.
 */
public interface TrackSource {
    /** The next track with the reason it was chosen; empty when there is nothing to play. */
    Optional<TrackPicker.Pick> next();

    /** A track by id (to restore the queue after a restart); empty if it has left the library. */
    Optional<Track> find(String id);

    /** The track ended: played through, or skipped by the owner. */
    default void finished(Track track, boolean skipped) {}

    /** The usual source: the picker's choice from the library for the mood {@code room} returns now. */
    static TrackSource of(MusicLibrary library, TrackPicker picker, Supplier<MoodState> room) {
        return new TrackSource() {
            @Override
            public synchronized Optional<TrackPicker.Pick> next() {
                return picker.pick(room.get(), library.tracks());
            }

            @Override
            public Optional<Track> find(String id) {
                List<Track> all = library.tracks();
                return all.stream().filter(t -> t.id().equals(id)).findFirst();
            }

            @Override
            public synchronized void finished(Track track, boolean skipped) {
                picker.feedback(track, room.get(), skipped);
            }
        };
    }
}
