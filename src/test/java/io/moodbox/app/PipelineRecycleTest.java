package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.box.StateModel;
import io.moodbox.camera.Frame;
import io.moodbox.camera.SourceStatus;
import io.moodbox.mood.FaceReading;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodConfig;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import io.moodbox.music.PlayerStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pipeline hands every frame's buffer back to its source once nothing reads it (dropped in the
 * slot, or analysed and replaced as the preview's frame), never one still in use, and never twice;
 * the preview gets a copy that recycling cannot touch.
 */
class PipelineRecycleTest {
    static final int W = 64, H = 48;

    /** Makes frames from a pool of its own and checks what comes back. */
    static final class CountingFeed implements FrameFeed {
        final Map<byte[], Boolean> out = new IdentityHashMap<>();   // buffer -> handed out and not back
        final java.util.ArrayDeque<byte[]> spare = new java.util.ArrayDeque<>();
        final AtomicInteger made = new AtomicInteger(), back = new AtomicInteger(), wrong = new AtomicInteger();
        long seq;

        @Override
        public Frame next() throws InterruptedException {
            Thread.sleep(2);
            byte[] b;
            synchronized (this) {
                b = spare.poll();
                if (b == null) { b = new byte[W * H * 3]; made.incrementAndGet(); }
                out.put(b, true);
            }
            java.util.Arrays.fill(b, (byte) seq);
            return new Frame(seq++, System.nanoTime(), W, H, b);
        }

        @Override
        public synchronized void recycle(Frame f) {
            if (out.remove(f.bgr()) == null) { wrong.incrementAndGet(); return; }   // not out: twice, or not ours
            back.incrementAndGet();
            spare.push(f.bgr());
        }

        @Override public void close() { }
    }

    @Test
    void framesComeBackOnceAndThePreviewGetsACopy() throws Exception {
        CountingFeed feed = new CountingFeed();
        var analysing = new java.util.concurrent.atomic.AtomicReference<Frame>();
        Analyzer analyzer = new Analyzer() {
            @Override
            public List<FaceReading> analyze(Frame frame) {
                synchronized (feed) { if (!feed.out.containsKey(frame.bgr())) feed.wrong.incrementAndGet(); }
                byte first = frame.bgr()[0];
                try { Thread.sleep(5); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                // The camera runs ahead and drops frames meanwhile: this one must not be refilled under us.
                if (frame.bgr()[frame.bgr().length - 1] != first) feed.wrong.incrementAndGet();
                analysing.set(frame);
                return List.of();
            }

            @Override public void close() { }
        };
        Instant now = Instant.now();
        StateModel state = new StateModel(new BoxState(BoxState.Phase.STARTING,
                new SourceStatus(SourceStatus.State.STARTING, "test", "", 0, now), false,
                MoodState.initial(now), PlayerStatus.stopped(0), 0, List.of(), now, now));
        MoodTracker tracker = MoodTracker.create(MoodConfig.defaults(), InstantSource.system());
        var events = java.util.concurrent.Executors.newSingleThreadExecutor();
        MoodBoard board = new MoodBoard(tracker.current(), events, Duration.ofMillis(250));
        FrameFeed.Opener opener = new FrameFeed.Opener() {
            @Override public FrameFeed open() { return feed; }

            @Override public String name() { return "test"; }
        };
        try (Pipeline p = new Pipeline(opener, analyzer, tracker, board, state, new Problems(state), 5, false)) {
            p.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (feed.back.get() < 300 && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(feed.back.get() >= 300, "frames handed back: " + feed.back.get());
            assertTrue(p.framesDropped() > 0, "the camera ran ahead of the analysis, so the slot dropped frames");

            Frame preview = p.latestFrame();
            assertNotNull(preview);
            synchronized (feed) {
                assertFalse(feed.out.containsKey(preview.bgr()), "the preview's frame is a copy, not a buffer in use");
            }
            byte[] seen = preview.bgr().clone();
            Thread.sleep(100);
            assertArrayEquals(seen, preview.bgr(), "recycling never writes into the preview's copy");
        } finally {
            events.shutdownNow();
        }
        assertEquals(0, feed.wrong.get(), "no frame came back twice, unknown, or was refilled while analysed");
        assertTrue(feed.made.get() <= 8, "a handful of buffers serve the whole run, made " + feed.made.get());
    }
}
