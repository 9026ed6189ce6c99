package io.moodbox.app;

import io.moodbox.box.Controls;
import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import io.moodbox.music.Player;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.PlayerStatus.State;
import io.moodbox.music.Track;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The box's {@link Controls}: each command goes to the one stage that owns it, and the reply is
 * judged from what that stage reports now (the player's status, the library's size), so the
 * owner hears "nothing to play" rather than "ok". Settings the owner expects to survive a restart
 * (privacy) are saved through {@link Settings#update}, whose listener applies them live; if saving
 * fails the change still applies now and the reply says it will not last.
 */
final class BoxControls implements Controls {
    private static final Logger log = LoggerFactory.getLogger(BoxControls.class);

    private final Settings settings;
    private final MoodTracker tracker;
    private final MoodBoard board;
    private final Consumer<Boolean> privacy;
    private final Runnable stop;
    private final LibraryService library;
    private final Player player;

    BoxControls(Settings settings, MoodTracker tracker, MoodBoard board, Consumer<Boolean> privacy, Runnable stop,
                LibraryService library, Player player) {
        this.player = player;
        this.settings = settings;
        this.tracker = tracker;
        this.board = board;
        this.privacy = privacy;
        this.stop = stop;
        this.library = library;
        player.addListener(this::heard);
        heard(player.status());
    }

    // What was heard before the current track, newest last, for previous(); guarded by this.
    private final java.util.ArrayDeque<io.moodbox.music.Track> heard = new java.util.ArrayDeque<>();
    private io.moodbox.music.Track current;

    /** On the audio thread: remembers the track that was playing when a new one starts. */
    private synchronized void heard(PlayerStatus s) {
        var t = s.track();
        if (t == null || (current != null && current.id().equals(t.id()))) return;
        if (current != null) {
            heard.addLast(current);
            if (heard.size() > 50) heard.removeFirst();
        }
        current = t;
    }

    @Override
    public Reply play() {
        PlayerStatus s = player.status();
        if (s.state() == State.PLAYING) return Reply.done(withSound("Already playing.", s));
        Reply empty = emptyLibrary("Nothing to play");
        if (empty != null) return empty;
        player.play();
        if (s.state() == State.NO_DEVICE) return Reply.refused(s.reason());
        return Reply.done(withSound(s.state() == State.PAUSED ? "Playing again." : "Playing.", s));
    }

    @Override
    public Reply pause() {
        PlayerStatus s = player.status();
        if (s.state() == State.PAUSED) return Reply.done("Already paused.");
        if (s.state() == State.STOPPED || s.track() == null) return Reply.refused("Nothing is playing, so there is nothing to pause.");
        player.pause();
        return Reply.done("Paused.");
    }

    @Override
    public Reply togglePlay() {
        return player.status().state() == State.PLAYING ? pause() : play();
    }

    @Override
    public Reply next() {
        Reply empty = emptyLibrary("Nothing to skip to");
        if (empty != null) return empty;
        PlayerStatus s = player.status();
        player.next();
        if (library.tracks().size() == 1) return Reply.done(withSound("The library has only this one track, so it starts again.", s));
        if (s.state() == State.NO_DEVICE) return Reply.refused("Skipped to the next pick, but " + lowerFirst(s.reason()));
        return Reply.done(withSound("Skipped; the next pick for the room's mood starts now.", s));
    }

    @Override
    public Reply setVolume(int percent) {
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("volume must be 0..100, was " + percent);
        player.setVolume(percent);
        PlayerStatus s = player.status();
        if (s.state() == State.NO_DEVICE) return Reply.done("Volume " + percent + "%, but " + lowerFirst(s.reason()));
        return Reply.done(withSound("Volume " + percent + "%.", s));
    }

    @Override
    public Reply correctMood(String trackId, String mood) {
        try {
            Track t = library.correct(trackId, mood);
            player.libraryChanged();
            return Reply.done("\"" + t.displayName() + "\" is now " + t.mood() + " (" + t.decidedBy() + ").");
        } catch (IllegalArgumentException | UnsupportedOperationException | io.moodbox.config.MoodboxException e) {
            return Reply.refused("The mood was not changed: " + e.getMessage() + ".");
        }
    }

    @Override
    public Reply queueTrack(String trackId, boolean now) {
        Track t = library.tracks().stream().filter(x -> x.id().equals(trackId)).findFirst().orElse(null);
        if (t == null) return Reply.refused("No track " + trackId + " in the library (a re-scan may have removed it).");
        int ahead = player.queue().size();
        player.enqueue(t);
        if (!now) return Reply.done("\"" + t.displayName() + "\" is queued" + (ahead > 0 ? " after " + ahead + " more." : " to play next."));
        if (ahead > 0) return Reply.done("\"" + t.displayName() + "\" is queued after the " + ahead + " tracks you queued before it.");
        player.next();
        PlayerStatus s = player.status();
        if (s.state() == State.NO_DEVICE) return Reply.done("Playing \"" + t.displayName() + "\", but " + lowerFirst(s.reason()));
        return Reply.done(withSound("Playing \"" + t.displayName() + "\".", s));
    }

    @Override
    public Reply rescan() {
        if (library.rescan()) return Reply.done("Re-scanning the music library; the page shows its progress.");
        var p = library.scanProgress();
        return Reply.refused("A library scan is already running" + (p.total() > 0 ? " (" + p.done() + " of " + p.total()
                + " files)" : "") + "; it picks up new files too.");
    }

    @Override
    public Reply lockMood(boolean locked) {
        MoodState m = tracker.lock(locked);
        board.publish(m);
        if (!locked) return Reply.done("The music follows the room's mood again.");
        String held = "Holding the mood at " + m.mood().label() + ": the music no longer follows the room until you release it.";
        return Reply.done(m.presence() == MoodState.Presence.PRESENT ? held : held + " (Nobody is seen right now.)");
    }

    @Override
    public Reply setPrivacy(boolean on) {
        String now = on ? "Privacy on: the camera is off." : "Privacy off: the camera watches the room again.";
        try {
            settings.update(Map.of("privacy.enabled", Boolean.toString(on)));
        } catch (ConfigException e) {
            log.warn("Privacy {} applies now but was not saved: {}", on ? "on" : "off", e.getMessage());
            privacy.accept(on);
            return Reply.done(now + " It could not be saved, so a restart goes back to the saved setting ("
                    + e.getMessage() + ").");
        }
        privacy.accept(on);
        return Reply.done(now);
    }

    @Override
    public Reply previous() {
        io.moodbox.music.Track back;
        synchronized (this) {
            back = null;
            while (!heard.isEmpty() && back == null) {
                var t = heard.pollLast();
                if (library.tracks().stream().anyMatch(x -> x.id().equals(t.id()))) back = t;
            }
            if (back != null) current = back;   // so going back twice goes further back, not forth
        }
        if (back == null) return Reply.refused("There is no earlier track to go back to since the box started.");
        PlayerStatus s = player.status();
        player.playNow(back);
        if (s.state() == State.NO_DEVICE) return Reply.refused("Went back to " + back.displayName() + ", but " + lowerFirst(s.reason()));
        return Reply.done(withSound("Back to " + back.displayName() + ".", s));
    }

    @Override
    public Reply clearQueue() {
        int n = player.queue().size();
        player.clearQueue();
        if (n == 0) return Reply.done("The queue was already empty; the box picks for the room after this track.");
        return Reply.done("Cleared " + n + (n == 1 ? " queued track" : " queued tracks") + "; the box picks for the room after this track.");
    }

    @Override
    public Reply shutdown() {
        log.info("Shutdown requested by the owner");
        stop.run();
        return Reply.done("Shutting down.");
    }

    /** A refusal when the library has no tracks (still scanning, or really empty); else null. */
    private Reply emptyLibrary(String what) {
        if (!library.tracks().isEmpty()) return null;
        if (library.scanProgress().running())
            return Reply.refused(what + " yet: the music library is still being scanned.");
        return Reply.refused(what + ": the music library is empty. Put music into " + library.rootsInWords()
                + " and press Re-scan.");
    }

    /** Adds, when nothing is heard, why: the owner should not turn the volume up into a missing speaker. */
    private static String withSound(String done, PlayerStatus s) {
        return s.audible() ? done : done + " Nothing is heard (sound: " + s.output() + ").";
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
