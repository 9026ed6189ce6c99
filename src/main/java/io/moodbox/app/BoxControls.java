package io.moodbox.app;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodTracker;
import io.moodbox.music.Player;
import io.moodbox.music.PlayerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The box's {@link Controls}: each command goes to the one stage that owns it. Settings the owner
 * expects to survive a restart (privacy) are saved through {@link Settings#update}, whose listener
 * applies them live; if saving fails the change still applies now and the reason is logged.
 */
final class BoxControls implements Controls {
    private static final Logger log = LoggerFactory.getLogger(BoxControls.class);

    private final Settings settings;
    private final MoodTracker tracker;
    private final MoodBoard board;
    private final Consumer<Boolean> privacy;
    private final Runnable stop;
    private final Runnable rescan;
    private final Player player;

    BoxControls(Settings settings, MoodTracker tracker, MoodBoard board, Consumer<Boolean> privacy, Runnable stop,
                Runnable rescan, Player player) {
        this.player = player;
        this.settings = settings;
        this.tracker = tracker;
        this.board = board;
        this.privacy = privacy;
        this.stop = stop;
        this.rescan = rescan;
    }

    @Override public void play() { player.play(); }

    @Override public void pause() { player.pause(); }

    @Override public void togglePlay() {
        if (player.status().state() == PlayerStatus.State.PLAYING) player.pause();
        else player.play();
    }

    @Override public void next() { player.next(); }

    @Override public void setVolume(int percent) {
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("volume must be 0..100, was " + percent);
        player.setVolume(percent);
    }

    @Override public void rescan() { rescan.run(); }

    @Override
    public void lockMood(boolean locked) {
        board.publish(tracker.lock(locked));
    }

    @Override
    public void setPrivacy(boolean on) {
        try {
            settings.update(Map.of("privacy.enabled", Boolean.toString(on)));
        } catch (ConfigException e) {
            log.warn("Privacy {} applies now but was not saved: {}", on ? "on" : "off", e.getMessage());
        }
        privacy.accept(on);
    }

    @Override
    public void shutdown() {
        log.info("Shutdown requested by the owner");
        stop.run();
    }
}
