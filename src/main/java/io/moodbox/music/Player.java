package io.moodbox.music;

import java.util.List;

/**
 * The speaker: plays what a {@link TrackSource} picks through an {@link AudioSink}, on its own
 * audio thread ({@code moodbox-audio}). Commands are thread-safe and return at once; the audio
 * thread applies them within one buffer (~25 ms). Volume, the current track, its position and
 * the queue are saved atomically and restored at the next start, with the volume capped at
 * {@code music.max-start-volume}. With no audio device the player keeps running, reports
 * {@link PlayerStatus.State#NO_DEVICE} and retries every few seconds.
 */
public interface Player extends AutoCloseable {

    /** Told of each status change (state, track, volume) and about once a second of the position, on the audio thread. Must not block. */
    @FunctionalInterface
    interface Listener {
        void statusChanged(PlayerStatus status);
    }

    void play();

    void pause();

    /** Skips to the next pick (the owner skipped: the picker learns from it). */
    void next();

    /** 0..100 percent; the gain follows a square law (50% = -12 dB), changed smoothly. */
    void setVolume(int percent);

    /**
     * The room's mood changed: per {@code music.mood-change}, fade the current track out and a
     * newly picked one in, or let the current track end and pick then.
     */
    void moodChanged();

    /** The library changed (a scan ended): a player waiting for something to play looks again now. */
    void libraryChanged();

    /** Plays {@code track} after the current one, before any automatic pick. */
    void enqueue(Track track);

    /** Plays {@code track} now, ahead of the queue (going back to it: counts as a skip of the current one). */
    void playNow(Track track);

    /** Empties the owner's queue; the current track plays on. */
    void clearQueue();

    PlayerStatus status();

    /** Tracks queued by the owner (and restored after a restart), next first. */
    List<Track> queue();

    void addListener(Listener listener);

    /** Stops the audio thread, saves the state, closes the output. */
    @Override
    void close();

    /**
     * A started player. On a first start it plays at once (at {@code music.volume}, capped); after a
     * restart it restores the saved state from {@code config.playerStateFile()} and plays again if
     * it was playing.
     */
    static Player open(MusicConfig config, AudioSink sink, TrackSource source) {
        return new StreamPlayer(config, sink, source);
    }
}
