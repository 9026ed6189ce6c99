package io.moodbox.box;

/**
 * Every command the owner can give, from a button, the web page or the console. The only way
 * back up the pipeline: nothing else reaches into a stage. Thread-safe; returns promptly. Each
 * command answers with a {@link Reply} that says, in the owner's words, what it did, or why it
 * did not: no command answers "done" for something that did not happen.
 */
public interface Controls {

    /**
     * What a command did. {@code done} is false when what was asked did not happen (nothing to
     * play, no speaker); {@code message} says what happened, or why not and what to do, for the
     * page, the console and the log.
     */
    record Reply(boolean done, String message) {
        public static Reply done(String message) { return new Reply(true, message); }

        public static Reply refused(String message) { return new Reply(false, message); }
    }

    Reply play();
    Reply pause();
    Reply togglePlay();
    Reply next();
    /** 0..100 percent; anything else is an {@link IllegalArgumentException}. */
    Reply setVolume(int percent);
    /** Holds (or releases) the current mood: the music stops following the room. */
    Reply lockMood(boolean locked);
    /** Privacy mode: the camera is off while it is on. */
    Reply setPrivacy(boolean on);
    /** Re-scans the music library in the background. */
    Reply rescan();
    /** Clean shutdown of the box (power-off is the service manager's job). */
    Reply shutdown();

    // Added for MPD clients (io.moodbox.mpd). Defaults refuse in words, so a Controls that does
    // not queue (a test fake) still answers honestly; app.BoxControls implements them.

    /** Plays the track before the current one again (the last one heard since the start). */
    default Reply previous() { return Reply.refused("This box cannot go back to an earlier track."); }

    /** Empties the owner's queue; the current track plays on and the box picks for the room after it. */
    default Reply clearQueue() { return Reply.refused("This box has no queue to clear."); }

    /**
     * The owner's word on one library track's mood (a mood name, or "auto" to hand it back to
     * its tags and sound); kept through re-scans. Refused, saying why, for an unknown track or mood.
     */
    default Reply correctMood(String trackId, String mood) {
        return Reply.refused("This box cannot change a track's mood.");
    }

    /** Plays a library track next ({@code now}: at once, skipping what plays), or queues it last. */
    default Reply queueTrack(String trackId, boolean now) {
        return Reply.refused("This box cannot queue tracks.");
    }
}
