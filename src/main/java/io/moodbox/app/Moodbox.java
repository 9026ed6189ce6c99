package io.moodbox.app;

import io.moodbox.app.BoxState.Phase;
import io.moodbox.camera.SourceStatus;
import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import io.moodbox.dataset.Fer2013;
import io.moodbox.device.Device;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import io.moodbox.music.PlayerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's wiring, in start order: state model, mood board and tracker, controls, the
 * pipeline's threads, the settings watcher. Everything started is closed in reverse order in
 * {@link #close()}. Read this file to see how the box fits together.
 */
public final class Moodbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Moodbox.class);

    /**
     * What the wiring takes from outside, so tests can pass fakes: where frames come from
     * ({@code null}: no camera) and how a frame becomes faces' expressions ({@code null}: this
     * build cannot analyse frames).
     */
    record Parts(FrameFeed.Opener source, Analyzer analyzer) {}

    private final Settings settings;
    private final StateModel state;
    private final MoodBoard board;
    private final MoodTracker tracker;
    private final Pipeline pipeline;
    private final Controls controls;
    private final Deque<AutoCloseable> started;
    private final CountDownLatch stop;
    private volatile boolean closed;

    private Moodbox(Settings settings, StateModel state, MoodBoard board, MoodTracker tracker, Pipeline pipeline,
                    Deque<AutoCloseable> started, CountDownLatch stop) {
        this.settings = settings;
        this.state = state;
        this.board = board;
        this.tracker = tracker;
        this.pipeline = pipeline;
        this.started = started;
        this.stop = stop;
        this.controls = new BoxControls(settings, tracker, board, this::applyPrivacy, stop::countDown);
    }

    /** Starts the box on the real parts chosen by the settings. */
    public static Moodbox start(Settings settings) {
        return start(settings, realParts(settings));
    }

    /** The wiring; tests call it with fake parts. On failure, whatever started is closed again. */
    static Moodbox start(Settings settings, Parts parts) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Instant now = Instant.now();
            boolean privacy = settings.daemon().privacy();
            String sourceName = parts.source() == null ? "none" : parts.source().name();
            StateModel state = new StateModel(new BoxState(Phase.STARTING,
                    new SourceStatus(SourceStatus.State.STARTING, sourceName, "", 0, now), privacy,
                    MoodState.initial(now), new PlayerStatus(PlayerStatus.State.NO_DEVICE, null,
                    "no music player in this build yet", 0, 0), 0, List.of(), now, now));
            started.push(state);
            Problems problems = new Problems(state);

            ExecutorService moodEvents = Executors.newSingleThreadExecutor(named("moodbox-mood-events"));
            started.push(moodEvents::shutdown);
            MoodTracker tracker = MoodTracker.create(settings.mood(), InstantSource.system());
            MoodBoard board = new MoodBoard(tracker.current(), moodEvents, Duration.ofMillis(250));
            board.addListener((old, mood) -> state.update(s -> s.withMood(mood)));

            if (parts.analyzer() != null) started.push(parts.analyzer());
            Pipeline pipeline = new Pipeline(parts.source(), parts.analyzer(), tracker, board, state, problems,
                    settings.daemon().errorLimit(), privacy);
            // TODO(issue 4, 6): music player, web server and console wire in here (the device is wired below).
            pipeline.start();
            started.push(pipeline);

            CountDownLatch stop = new CountDownLatch(1);
            Moodbox box = new Moodbox(settings, state, board, tracker, pipeline, started, stop);

            // --- device (issue 5): status LED follows the state, buttons act through Controls.
            // Never fails for want of GPIO; its problems go on the page like any other.
            Device device = Device.open(settings.device(), box.controls(), state.current(),
                    list -> { if (list.isEmpty()) problems.clear("device"); else problems.set("device", String.join(" ", list)); });
            state.addListener(device);
            started.push(device);
            // --- end device
            settings.addListener((s, keys) -> box.settingsChanged(keys));
            ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(named("moodbox-config"));
            watcher.scheduleWithFixedDelay(() -> box.watchSettings(problems), 1, 1, TimeUnit.SECONDS);
            started.push(watcher::shutdownNow);

            state.update(s -> s.withPhase(Phase.RUNNING));
            log.info("moodbox running: source {}, privacy {}, settings {}", sourceName, privacy ? "on" : "off",
                    settings.ownerFile());
            return box;
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    public StateModel state() { return state; }

    public MoodBoard mood() { return board; }

    public Controls controls() { return controls; }

    public Settings settings() { return settings; }

    /** Blocks until the owner asks the box to shut down (or {@link #requestStop()} is called). */
    public void awaitStopRequest() throws InterruptedException {
        stop.await();
    }

    public void requestStop() { stop.countDown(); }

    private void settingsChanged(Set<String> keys) {
        if (keys.contains("privacy.enabled")) applyPrivacy(settings.daemon().privacy());
        if (keys.stream().anyMatch(k -> k.startsWith("mood."))) {
            tracker.configure(settings.mood());
            log.info("Mood settings now {}", settings.mood());
        }
    }

    private void applyPrivacy(boolean on) {
        if (state.current().privacy() == on) return;
        log.info("Privacy mode {}", on ? "on: the camera is off" : "off: watching the room");
        pipeline.setPrivacy(on);
        state.update(s -> s.withPrivacy(on));
    }

    private void watchSettings(Problems problems) {
        try {
            settings.reloadIfChanged();
            settings.fileError().ifPresentOrElse(
                    e -> problems.set("settings", "The settings file has an error, previous settings kept: " + e),
                    () -> problems.clear("settings"));
        } catch (RuntimeException e) {
            log.warn("Checking the settings file failed", e);
        }
    }

    /** Stops everything in reverse start order; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        log.info("moodbox stopping");
        state.update(s -> s.withPhase(Phase.STOPPING));
        closeAll(started);
        log.info("moodbox stopped");
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing {} failed", c, e);
            }
        }
    }

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- choosing the real parts ----

    /** The frame source and analysis this build can offer for the settings' {@code camera.source}. */
    static Parts realParts(Settings settings) {
        String source = settings.daemon().source();
        FrameFeed.Opener opener = switch (source) {
            case "none" -> null;
            case "auto" -> {
                // TODO(issue 3): webcam / CSI camera detection and the demo scenes once the camera package lands.
                log.info("No camera support in this build yet{}; running without a camera",
                        Fer2013.locate().isPresent() ? " and no demo source" : "");
                yield null;
            }
            case "demo" -> throw new ConfigException("camera.source=demo is not available in this build yet; use none");
            default -> {
                Path p = Path.of(source);
                if (!Files.exists(p))
                    throw new ConfigException("camera.source " + source + " does not exist; give a video file, an image folder, demo or none");
                throw new ConfigException("camera.source: video files and image folders are not available in this build yet; use none");
            }
        };
        return new Parts(opener, null);
    }
}
