package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateListener;
import io.moodbox.box.StateModel;
import io.moodbox.box.BoxState.Phase;
import io.moodbox.camera.SourceStatus;
import io.moodbox.config.ConfigException;
import io.moodbox.config.MoodboxException;
import io.moodbox.config.Settings;
import io.moodbox.camera.CameraConfig;
import io.moodbox.camera.FrameSources;
import io.moodbox.device.Device;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import io.moodbox.music.AudioSink;
import io.moodbox.music.MoodFollower;
import io.moodbox.music.MusicConfig;
import io.moodbox.music.MusicLibrary;
import io.moodbox.music.Player;
import io.moodbox.music.TrackPicker;
import io.moodbox.music.TrackSource;
import io.moodbox.music.PlayerStatus;
import io.moodbox.vision.FaceFinder;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import io.moodbox.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The daemon's wiring, in start order: systemd notification, state model, mood board and tracker,
 * the pipeline's threads, the music library, controls, the LED and buttons, the web page, the settings watcher. Everything started is closed in reverse order in
 * {@link #close()}. Read this file to see how the box fits together.
 */
public final class Moodbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Moodbox.class);

    /**
     * What the wiring takes from outside, so tests can pass fakes: where frames come from
     * ({@code null}: no camera) and how a frame becomes faces' expressions ({@code null}: this
     * build cannot analyse frames).
     */
    record Parts(FrameFeed.Opener source, Analyzer analyzer, List<String> problems) {
        Parts {
            problems = List.copyOf(problems);
        }

        /** Parts that all came up as configured. */
        Parts(FrameFeed.Opener source, Analyzer analyzer) { this(source, analyzer, List.of()); }
    }

    private final Settings settings;
    private final StateModel state;
    private final MoodBoard board;
    private final MoodTracker tracker;
    private final Pipeline pipeline;
    private final Controls controls;
    private final WebServer web;
    private final LibraryService library;
    private final SystemdNotify systemd;
    private final Deque<AutoCloseable> started;
    private final CountDownLatch stop;
    private volatile boolean closed;

    private Moodbox(Settings settings, StateModel state, MoodBoard board, MoodTracker tracker, Pipeline pipeline,
                    Controls controls, LibraryService library, WebServer web, SystemdNotify systemd, Deque<AutoCloseable> started,
                    CountDownLatch stop) {
        this.settings = settings;
        this.state = state;
        this.board = board;
        this.tracker = tracker;
        this.pipeline = pipeline;
        this.controls = controls;
        this.web = web;
        this.library = library;
        this.systemd = systemd;
        this.started = started;
        this.stop = stop;
    }

    /** Starts the box on the real parts chosen by the settings. */
    public static Moodbox start(Settings settings) {
        return start(settings, realParts(settings));
    }

    /** The wiring; tests call it with fake parts. On failure, whatever started is closed again. */
    static Moodbox start(Settings settings, Parts parts) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            SystemdNotify systemd = SystemdNotify.fromEnvironment();
            started.push(systemd);
            Instant now = Instant.now();
            boolean privacy = settings.daemon().privacy();
            String sourceName = parts.source() == null ? "none" : parts.source().name();
            StateModel state = new StateModel(new BoxState(Phase.STARTING,
                    new SourceStatus(SourceStatus.State.STARTING, sourceName, "", 0, now), privacy,
                    MoodState.initial(now), PlayerStatus.stopped(0), 0, List.of(), now, now));
            started.push(state);
            Problems problems = new Problems(state);
            // What the settings file or the chosen parts could not honour: the box runs anyway and says so.
            problems.set("settings", settings.problems());
            problems.set("parts", parts.problems());

            // The room's mood: tracked on moodbox-vision, told to listeners on moodbox-mood-events.
            ExecutorService moodEvents = Executors.newSingleThreadExecutor(named("moodbox-mood-events"));
            started.push(moodEvents::shutdown);
            MoodTracker tracker = MoodTracker.create(settings.mood(), InstantSource.system());
            MoodBoard board = new MoodBoard(tracker.current(), moodEvents, Duration.ofMillis(250));
            board.addListener((old, mood) -> state.update(s -> s.withMood(mood)));

            // Seeing: camera thread -> one-slot handoff -> vision thread -> tracker -> board.
            if (parts.analyzer() != null) started.push(parts.analyzer());
            Pipeline pipeline = new Pipeline(parts.source(), parts.analyzer(), tracker, board, state, problems,
                    settings.daemon().errorLimit(), privacy);
            pipeline.start();
            started.push(pipeline);

            // Commands come back through Controls only.
            CountDownLatch stop = new CountDownLatch(1);
            Consumer<Boolean> applyPrivacy = on -> {
                if (state.current().privacy() == on) return;
                log.info("Privacy mode {}", on ? "on: the camera is off" : "off: watching the room");
                pipeline.setPrivacy(on);
                state.update(s -> s.withPrivacy(on));
            };
            // The music library scans in the background; the page shows it.
            MusicLibrary musicLibrary = MusicLibrary.open(settings.music());
            LibraryService library = new LibraryService(settings.music(), musicLibrary, problems);
            started.push(library);

            // Hearing: the picker turns the room's mood into tracks; the player plays them on moodbox-audio.
            TrackPicker picker = TrackPicker.create(settings.music());
            MusicConfig.Output output = settings.music().output();
            Player player = Player.open(settings.music(), AudioSink.of(output),
                    TrackSource.of(musicLibrary, picker, board::current));
            started.push(player);
            Player.Listener showPlayer = p -> {
                state.update(s -> s.withPlayer(p));
                soundProblem(p, output).ifPresentOrElse(text -> problems.set("sound", text), () -> problems.clear("sound"));
            };
            player.addListener(showPlayer);
            showPlayer.statusChanged(player.status());   // the audio thread may have moved on before we listened
            board.addListener(new MoodFollower(player));
            library.queueFrom(player::queue);
            library.onScanned(player::libraryChanged);
            library.start();   // after the player listens, so the first scan's end starts the music at once
            Controls controls = new BoxControls(settings, tracker, board, applyPrivacy, stop::countDown, library, player);

            // The box: the LED shows the state, the buttons act through Controls.
            Device device = Device.open(settings.device(), controls, state.current(), list -> problems.set("device", list));
            started.push(device);
            state.addListener(device);

            // The page: state out, commands in; settings through the same validation and atomic save.
            WebServer web = startWeb(settings, settings.web(), state, controls, library, pipeline, problems, new WebDevice(device));
            started.push(web);

            Moodbox box = new Moodbox(settings, state, board, tracker, pipeline, controls, library, web, systemd, started, stop);
            settings.addListener((s, keys) -> box.settingsChanged(keys, applyPrivacy));
            ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(named("moodbox-config"));
            watcher.scheduleWithFixedDelay(() -> box.watchSettings(problems), 1, 1, TimeUnit.SECONDS);
            started.push(watcher::shutdownNow);

            state.update(s -> s.withPhase(Phase.RUNNING));
            state.addListener(new StatusLine(systemd));
            systemd.status(statusLine(state.current()));
            systemd.ready();
            systemd.startWatchdog(() -> pipeline.healthy(STUCK_AFTER));
            log.info("moodbox running: source {}, privacy {}, page on port {}, settings {}", sourceName,
                    privacy ? "on" : "off", web.port(), settings.ownerFile());
            return box;
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    /**
     * What the owner should hear about the sound: the speaker they chose is missing, or auto found
     * no sound card and plays silently. A silent output chosen on purpose (null, a file) is no problem.
     */
    static Optional<String> soundProblem(PlayerStatus p, MusicConfig.Output output) {
        if (p.state() == PlayerStatus.State.NO_DEVICE) return Optional.of(p.reason());
        if (!p.audible() && output.kind() == MusicConfig.Output.Kind.AUTO)
            return Optional.of("No sound card found, so the music plays silently (tracks still follow the room). "
                    + "Plug in a speaker or USB sound card: the box finds it within "
                    + AudioSink.AUTO_PROBE_SECONDS + " s. Or choose an output in Settings (music.output).");
        return Optional.empty();
    }

    /**
     * The page on the configured address. If the owner's file chose one that cannot be bound
     * (taken, or a port below 1024 for an unprivileged service), the page comes up on the shipped
     * default instead, so the owner can still log in and mend it.
     */
    private static WebServer startWeb(Settings settings, io.moodbox.web.WebConfig config, StateModel state, Controls controls,
                                      LibraryService library, Pipeline pipeline, Problems problems, WebDevice device) {
        FramePreview preview = new FramePreview(pipeline::latestFrame, () -> settings.web().preview());
        try {
            return new WebServer(config, state, controls, new WebSettings(settings), library, preview, device).start();
        } catch (MoodboxException e) {
            var fallback = settings.webAtDefaultAddress();
            if (fallback.isEmpty()) throw e;
            log.error("{}; serving the page on {} port {} instead", e.getMessage(), fallback.get().bind(), fallback.get().port());
            WebServer other = new WebServer(fallback.get(), state, controls, new WebSettings(settings), library, preview, device).start();
            problems.set("web", "The page could not listen on " + config.bind() + " port " + config.port()
                    + " (in use, or not allowed), so it is on port " + other.port() + " for now. Choose another port in Settings.");
            return other;
        }
    }

    /** A pipeline thread that has not gone round its loop for this long is stuck (systemd's watchdog). */
    static final Duration STUCK_AFTER = Duration.ofSeconds(10);

    /**
     * Keeps {@code systemctl status} current without a {@code systemd-notify} fork per state change:
     * sends at once when the camera, presence, mood or problems change, and the frame rate at most
     * every 30 s.
     */
    private static final class StatusLine implements StateListener {
        private final SystemdNotify systemd;
        private String sentKey = "", sentText = "";
        private long sentAt;

        StatusLine(SystemdNotify systemd) { this.systemd = systemd; }

        @Override
        public void stateChanged(BoxState old, BoxState now) {
            if (!systemd.enabled()) return;
            String text = statusLine(now), key = text.replaceAll(" \\d+ fps", "");
            long t = System.nanoTime();
            if (text.equals(sentText) || (key.equals(sentKey) && t - sentAt < 30_000_000_000L)) return;
            systemd.status(text);
            sentKey = key;
            sentText = text;
            sentAt = t;
        }
    }

    /** One line for {@code systemctl status}: "camera live 15 fps, room happy (2 faces), 1 problem". */
    static String statusLine(BoxState s) {
        StringBuilder b = new StringBuilder();
        if (s.privacy()) b.append("privacy mode");
        else b.append("camera ").append(s.camera().state().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        if (s.cameraLive()) b.append(String.format(Locale.ROOT, " %.0f fps", s.fps()));
        MoodState m = s.mood();
        switch (m.presence()) {
            case PRESENT -> b.append(", room ").append(m.mood().label()).append(" (").append(m.faces())
                    .append(m.faces() == 1 ? " face)" : " faces)");
            case NOBODY -> b.append(", nobody here");
            case UNKNOWN -> b.append(", mood unknown");
        }
        if (m.locked()) b.append(", mood locked");
        if (!s.problems().isEmpty()) b.append(", ").append(s.problems().size()).append(s.problems().size() == 1 ? " problem" : " problems");
        return b.toString();
    }

    public StateModel state() { return state; }

    public MoodBoard mood() { return board; }

    public Controls controls() { return controls; }

    public Settings settings() { return settings; }

    /** The music library as the page sees it. */
    LibraryService library() { return library; }

    /** The port the page is served on. */
    public int webPort() { return web.port(); }

    /** Blocks until the owner asks the box to shut down (or {@link #requestStop()} is called). */
    public void awaitStopRequest() throws InterruptedException {
        stop.await();
    }

    public void requestStop() { stop.countDown(); }

    private void settingsChanged(Set<String> keys, Consumer<Boolean> applyPrivacy) {
        if (keys.contains("privacy.enabled")) applyPrivacy.accept(settings.daemon().privacy());
        if (keys.stream().anyMatch(k -> k.startsWith("mood."))) {
            tracker.configure(settings.mood());
            log.info("Mood settings now {}", settings.mood());
        }
        if (keys.stream().anyMatch(k -> k.startsWith("web."))) web.apply(settings.web());
    }

    private void watchSettings(Problems problems) {
        try {
            settings.reloadIfChanged();
            problems.set("settings", settings.problems());
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
        systemd.stopping();
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

    /**
     * The frame source named by {@code camera.source} ({@code auto} probes for a CSI camera, then a
     * webcam, then the demo scenes where FER2013 is, else none) and, when there is one, the face
     * finder and emotion model that analyse its frames. A missing model fails here, at startup.
     */
    static Parts realParts(Settings settings) {
        CameraConfig camera = FrameSources.resolve(settings.camera());
        if ((camera.kind() == CameraConfig.Kind.FILE || camera.kind() == CameraConfig.Kind.FOLDER)
                && !Files.exists(Path.of(camera.device())))
            throw new ConfigException("camera.source " + camera.device() + " does not exist; give a video file, an image "
                    + "folder, /dev/videoN, csi, demo, auto or none");
        if (camera.kind() == CameraConfig.Kind.NONE) {
            log.info("No camera: camera.source is {}", settings.daemon().source());
            return new Parts(null, null);
        }
        FrameFeed.Opener source = new FrameFeed.Opener() {
            @Override public FrameFeed open() { return FrameFeed.of(FrameSources.open(camera)); }

            @Override public String name() { return camera.describe(); }
        };
        List<String> problems = new ArrayList<>();
        FaceFinder finder;
        try {
            finder = FaceFinders.open(settings.vision());
        } catch (MoodboxException e) {
            // A face model named in the settings that does not load must not keep the box from starting.
            log.error("The face detector could not start ({}); using the bundled detectors (vision.detector=auto) instead", e.getMessage());
            problems.add("The face detector chosen in the settings could not start (" + e.getMessage() + "). The box uses its "
                    + "built-in detectors for now; check vision.detector and vision.blazeface-model on the Settings page.");
            finder = FaceFinders.open(settings.vision().withDetector(VisionConfig.Detector.AUTO));
        }
        try {
            EmotionClassifier classifier;
            try {
                classifier = EmotionClassifier.open(settings.emotion());
            } catch (MoodboxException e) {
                log.error("emotion.model {} does not load ({}); using the model bundled in the jar instead",
                        settings.emotion().model(), e.getMessage());
                problems.add("The emotion model " + settings.emotion().model() + " could not be loaded (" + e.getMessage()
                        + "). The box reads faces with its built-in model for now; set emotion.model on the Settings page to a "
                        + "working .tflite file (the shipped one is " + EmotionConfig.DEFAULT_MODEL + ").");
                classifier = EmotionClassifier.bundled(settings.emotion());
            }
            return new Parts(source, new FaceAnalyzer(finder, classifier), problems);
        } catch (RuntimeException e) {
            finder.close();
            throw e;
        }
    }
}
