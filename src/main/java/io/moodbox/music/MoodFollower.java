package io.moodbox.music;

import io.moodbox.mood.MoodListener;
import io.moodbox.mood.MoodState;

/**
 * Tells the player when the room's settled mood changes (or someone arrives), so the music
 * follows: a fade now or a new pick at the track's end, per {@code music.mood-change}. Ignores
 * changes while the owner holds the mood (locked) and the tracker's moment-to-moment drift.
 * Runs on the mood board's events thread; returns at once.
 */
public final class MoodFollower implements MoodListener {
    private final Player player;

    public MoodFollower(Player player) {
        this.player = player;
    }

    @Override
    public void moodChanged(MoodState old, MoodState now) {
        if (now.locked() || now.presence() != MoodState.Presence.PRESENT) return;
        if (old.presence() != MoodState.Presence.PRESENT || old.mood() != now.mood() || old.locked()) player.moodChanged();
    }
}
