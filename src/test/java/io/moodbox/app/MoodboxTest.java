package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.camera.Frame;
import io.moodbox.camera.SourceStatus;
import io.moodbox.config.Settings;
import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.mood.FaceReading;
import io.moodbox.mood.MoodState.Presence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.moodbox.config.MoodboxException;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The daemon's wiring end to end on a scripted frame source and a fake analyser: frames flow,
 * the mood follows, failures are reported and survived, privacy closes the camera, and the box
 * stops promptly.
 */
class MoodboxTest {
    @TempDir Path dir;
    Moodbox box;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    Settings settings(Map<String, String> env) {
        return TestSettings.load(dir, env);
    }

    String get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + box.webPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        }
    }

    /** Frames whose first byte names the emotion on show; 25 frames a second, like a camera. */
    static final class ScriptedSource implements FrameFeed.Opener {
        volatile Emotion showing = Emotion.HAPPY;
        final AtomicInteger opens = new AtomicInteger();
        final List<String> script;   // per open: "ok", "fail-open", or "die-after-N"
        final AtomicInteger closes = new AtomicInteger();

        ScriptedSource(String... script) { this.script = List.of(script); }

        @Override
        public FrameFeed open() {
            int n = opens.getAndIncrement();
            String plan = n < script.size() ? script.get(n) : "ok";
            if (plan.equals("fail-open")) throw new IllegalStateException("device unplugged");
            int dieAfter = plan.startsWith("die-after-") ? Integer.parseInt(plan.substring(10)) : Integer.MAX_VALUE;
            return new FrameFeed() {
                long seq;

                @Override
                public Frame next() throws InterruptedException {
                    Thread.sleep(40);
                    if (seq >= dieAfter) throw new IllegalStateException("pipe closed");
                    byte[] bgr = new byte[32 * 24 * 3];
                    bgr[0] = (byte) showing.ordinal();
                    return new Frame(seq++, System.nanoTime(), 32, 24, bgr);
                }

                @Override
                public void close() { closes.incrementAndGet(); }
            };
        }

        @Override
        public String name() { return "scripted"; }
    }

    /** Reads the emotion out of the frame's first byte: one face, 90% sure. */
    static final class FakeAnalyzer implements Analyzer {
        final AtomicInteger frames = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public List<FaceReading> analyze(Frame frame) {
            frames.incrementAndGet();
            if (failing.get()) throw new IllegalStateException("model exploded");
            float[] p = new float[7];
            Arrays.fill(p, 0.1f / 6);
            p[frame.bgr()[0]] = 0.9f;
            return List.of(new FaceReading(new EmotionScores(p), 100, 0.9));
        }

        @Override
        public void close() { closed.set(true); }
    }

    void await(String what, Predicate<BoxState> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.test(box.state().current())) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; state " + box.state().current());
            Thread.sleep(20);
        }
    }

    @Test
    void framesFlowToTheMoodAndTheStateModel() throws Exception {
        ScriptedSource source = new ScriptedSource();
        FakeAnalyzer analyzer = new FakeAnalyzer();
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(source, analyzer));
        List<BoxState> seen = new ArrayList<>();
        box.state().addListener((old, now) -> { synchronized (seen) { seen.add(now); } });

        await("camera live and happy", s -> s.cameraLive() && s.mood().mood() == Emotion.HAPPY);
        assertEquals(BoxState.Phase.RUNNING, box.state().current().phase());
        assertEquals(Presence.PRESENT, box.state().current().mood().presence());
        assertTrue(box.state().current().problems().isEmpty(), box.state().current().problems().toString());

        source.showing = Emotion.SAD;
        await("the mood follows", s -> s.mood().mood() == Emotion.SAD);
        await("a measured frame rate", s -> s.fps() > 5);
        String status = get("/api/status");
        assertTrue(status.contains("sad"), "the page's API shows the room's mood: " + status);
        assertEquals(Emotion.SAD, box.mood().current().mood());
        await("the music library scanned", s -> box.library().scanProgress().finishedAt() != null);
        assertEquals(1, box.library().tracksByMood().getOrDefault("calm", java.util.List.of()).size(),
                box.library().scanProgress().message());
        synchronized (seen) {
            assertTrue(seen.stream().anyMatch(s -> s.mood().mood() == Emotion.SAD));
        }

        box.controls().lockMood(true);
        source.showing = Emotion.ANGRY;
        Thread.sleep(2500);
        assertEquals(Emotion.SAD, box.state().current().mood().mood());
        assertTrue(box.state().current().mood().locked());
        box.controls().lockMood(false);
        await("released to the live mood", s -> s.mood().mood() == Emotion.ANGRY && !s.mood().locked());

        long start = System.nanoTime();
        box.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "close took too long");
        assertTrue(analyzer.closed.get());
        assertEquals(source.opens.get(), source.closes.get(), "every feed opened was closed");
        assertEquals(BoxState.Phase.STOPPING, box.state().current().phase());
    }

    @Test
    void aSourceThatDiesAndComesBackKeepsTheDaemonRunningAndTheStateSaysSo() throws Exception {
        ScriptedSource source = new ScriptedSource("die-after-10", "fail-open", "ok");
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(source, new FakeAnalyzer()));
        List<SourceStatus.State> states = new ArrayList<>();
        box.state().addListener((old, now) -> {
            synchronized (states) {
                if (states.isEmpty() || states.getLast() != now.camera().state()) states.add(now.camera().state());
            }
        });
        await("a problem reported", s -> s.camera().state() == SourceStatus.State.RETRYING
                && s.problems().stream().anyMatch(p -> p.contains("scripted") && p.contains("retrying")));
        await("live again", s -> s.cameraLive() && source.opens.get() == 3);
        await("problem cleared", s -> s.problems().isEmpty());
        await("mood watched again", s -> s.mood().presence() == Presence.PRESENT);
        // Listeners hear of changes on the events thread, after current() has moved on: wait for them.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            synchronized (states) {
                int retrying = states.indexOf(SourceStatus.State.RETRYING);
                if (retrying >= 0 && retrying < states.lastIndexOf(SourceStatus.State.LIVE)) break;
                assertTrue(System.nanoTime() < deadline, "listeners never heard RETRYING then LIVE: " + states);
            }
            Thread.sleep(20);
        }
        assertEquals(BoxState.Phase.RUNNING, box.state().current().phase());
    }

    @Test
    void repeatedAnalysisFailuresBecomeAProblemAndClearWhenItWorksAgain() throws Exception {
        FakeAnalyzer analyzer = new FakeAnalyzer();
        analyzer.failing.set(true);
        box = Moodbox.start(settings(Map.of("MOODBOX_DAEMON_ERROR_LIMIT", "5")), new Moodbox.Parts(new ScriptedSource(), analyzer));
        await("a vision problem", s -> s.problems().stream().anyMatch(p -> p.contains("model exploded")));
        assertTrue(box.state().current().cameraLive(), "the camera itself is fine");
        analyzer.failing.set(false);
        await("problem cleared and mood watched", s -> s.problems().isEmpty() && s.mood().presence() == Presence.PRESENT);
    }

    @Test
    void privacyClosesTheCameraStopsAnalysisAndIsSaved() throws Exception {
        ScriptedSource source = new ScriptedSource();
        FakeAnalyzer analyzer = new FakeAnalyzer();
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(source, analyzer));
        await("live", s -> s.cameraLive() && s.mood().presence() == Presence.PRESENT);

        box.controls().setPrivacy(true);
        await("camera off", s -> s.privacy() && s.camera().state() == SourceStatus.State.OFF
                && s.mood().presence() == Presence.UNKNOWN);
        assertEquals(source.opens.get(), source.closes.get(), "the source is closed in privacy mode");
        int analysed = analyzer.frames.get();
        Thread.sleep(500);
        assertEquals(analysed, analyzer.frames.get(), "no frame is analysed in privacy mode");
        assertTrue(Files.readString(dir.resolve("moodbox.properties")).matches("(?s).*privacy.enabled\\s*=\\s*true.*"));

        box.controls().setPrivacy(false);
        await("watching again", s -> !s.privacy() && s.cameraLive() && s.mood().presence() == Presence.PRESENT);
    }

    @Test
    void privacyEditedInTheOwnersFileAppliesLive() throws Exception {
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(new ScriptedSource(), new FakeAnalyzer()));
        await("live", BoxState::cameraLive);
        Files.writeString(dir.resolve("moodbox.properties"), "privacy.enabled = true\n");
        await("privacy from the file", s -> s.privacy() && s.camera().state() == SourceStatus.State.OFF);
        Files.writeString(dir.resolve("moodbox.properties"), "privacy.enabled = perhaps\n");
        await("the bad edit reported", s -> s.problems().stream().anyMatch(p -> p.contains("privacy.enabled")));
        assertTrue(box.state().current().privacy(), "previous settings kept");
    }

    @Test
    void aStartupFailureNamesTheFixAndClosesWhatHadStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            Settings s = settings(Map.of("MOODBOX_WEB_PORT", Integer.toString(taken.getLocalPort())));
            ScriptedSource source = new ScriptedSource();
            FakeAnalyzer analyzer = new FakeAnalyzer();
            MoodboxException e = assertThrows(MoodboxException.class, () -> Moodbox.start(s, new Moodbox.Parts(source, analyzer)));
            assertTrue(e.getMessage().contains("web.port " + taken.getLocalPort()), e.getMessage());
            assertTrue(analyzer.closed.get(), "the analyser was closed");
            assertEquals(source.opens.get(), source.closes.get(), "every feed opened was closed");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                    && (t.getName().equals("moodbox-camera") || t.getName().equals("moodbox-vision"))), "pipeline threads stopped");
        }
    }

    @Test
    void withoutACameraTheDaemonRunsAndSaysSo() throws Exception {
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(null, null));
        await("no camera", s -> s.camera().state() == SourceStatus.State.NO_CAMERA
                && s.problems().stream().anyMatch(p -> p.startsWith("No camera")));
        assertEquals(Presence.UNKNOWN, box.state().current().mood().presence());
        assertEquals(BoxState.Phase.RUNNING, box.state().current().phase());
    }

    @Test
    void theOwnersShutdownReleasesTheWaitingMainThread() throws Exception {
        box = Moodbox.start(settings(Map.of()), new Moodbox.Parts(null, null));
        Thread main = new Thread(() -> {
            try {
                box.awaitStopRequest();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        main.start();
        box.controls().shutdown();
        main.join(5000);
        assertFalse(main.isAlive());
    }
}
