package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.camera.CameraConfig;
import io.moodbox.camera.Frame;
import io.moodbox.camera.FrameSources;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.camera.SourceStatus;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodState.Presence;
import io.moodbox.testing.FakeCamera;
import io.moodbox.testing.Scenes;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The daemon on real parts: generated scenes of FER2013 PrivateTest faces, the real face finder
 * and the shipped int8 emotion model, through the camera package's retrying source, with the
 * camera vanishing mid-run and coming back. Skipped where FER2013 is absent.
 */
class RealChainTest {
    @TempDir Path dir;
    Moodbox box;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    void await(String what, Predicate<BoxState> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(box.state().current())) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; state " + box.state().current());
            Thread.sleep(20);
        }
    }

    @Test
    void scenesFlowThroughTheRealChainAndACameraThatDiesComesBack() throws Exception {
        SceneGenerator scenes = Scenes.generator(SceneGenerator.Options.defaults(11).withFaces(1, 2).withSizes(96, 160));
        List<Frame> frames = new ArrayList<>();
        // Frames from ten different layouts, so the test does not hang on one the detector misses.
        for (int i = 0; i < 40; i++) frames.add(scenes.scene(i * scenes.framesPerSegment() / 4).frame());
        AtomicInteger opens = new AtomicInteger();
        CameraConfig timing = CameraConfig.of(CameraConfig.Kind.FILE, "scenes");
        FrameFeed.Opener source = new FrameFeed.Opener() {
            @Override
            public FrameFeed open() {
                // The first camera is unplugged after 150 frames; the retrying source reopens it.
                return FrameFeed.of(FrameSources.retrying("scenes", () -> opens.getAndIncrement() == 0
                        ? new PacedCamera(new FakeCamera(frames, true).failAfter(150))
                        : new PacedCamera(new FakeCamera(frames, true)), timing));
            }

            @Override public String name() { return "scenes"; }
        };
        Analyzer analyzer = new FaceAnalyzer(FaceFinders.open(VisionConfig.defaults()),
                EmotionClassifier.open(EmotionConfig.defaults()));
        box = Moodbox.start(TestSettings.load(dir, Map.of()), new Moodbox.Parts(source, analyzer));
        List<SourceStatus.State> states = new ArrayList<>();
        // Seen by the listener, not polled: the camera may be back before a poll reads the problem.
        var reported = new java.util.concurrent.atomic.AtomicBoolean();
        box.state().addListener((old, now) -> {
            synchronized (states) {
                if (states.isEmpty() || states.getLast() != now.camera().state()) states.add(now.camera().state());
            }
            if (now.camera().state() == SourceStatus.State.RETRYING && now.problems().stream().anyMatch(p -> p.contains("scenes")))
                reported.set(true);
        });

        await("faces seen", s -> s.mood().presence() == Presence.PRESENT && s.mood().faces() >= 1);
        MoodState mood = box.state().current().mood();
        float sum = 0;
        for (float p : mood.emotions()) sum += p;
        assertEquals(1, sum, 0.01, "the room's distribution");
        assertTrue(mood.valence() >= -1 && mood.valence() <= 1 && mood.arousal() >= -1 && mood.arousal() <= 1);

        await("the camera fails", s -> s.camera().state() == SourceStatus.State.RETRYING);
        await("the camera is back", s -> s.cameraLive() && opens.get() >= 2 && s.problems().isEmpty());
        assertTrue(reported.get(), "while retrying, the state named the failing camera among its problems");
        await("watching again", s -> s.mood().presence() == Presence.PRESENT && s.fps() > 0);
        assertEquals(BoxState.Phase.RUNNING, box.state().current().phase());

        long start = System.nanoTime();
        box.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    /** Plays a fake camera at about 20 frames a second, as a real one would. */
    static final class PacedCamera implements io.moodbox.camera.FrameSource {
        private final FakeCamera camera;

        PacedCamera(FakeCamera camera) { this.camera = camera; }

        @Override
        public java.util.Optional<Frame> next() throws InterruptedException {
            Thread.sleep(50);
            return camera.next();
        }

        @Override public SourceStatus status() { return camera.status(); }

        @Override public void close() { camera.close(); }
    }
}
