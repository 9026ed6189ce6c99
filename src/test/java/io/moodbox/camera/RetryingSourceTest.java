package io.moodbox.camera;

import io.moodbox.testing.FakeCamera;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** A source that dies mid-run, is missing for a while, and comes back. */
class RetryingSourceTest {

    private static Frame frame(int v) {
        byte[] px = new byte[8 * 6 * 3];
        java.util.Arrays.fill(px, (byte) v);
        return new Frame(0, 0, 8, 6, px);
    }

    @Test
    void aSourceThatDiesIsReopenedWithBackoffAndFramesKeepCounting() throws Exception {
        var opened = new ArrayList<FakeCamera>();
        var attempts = new AtomicInteger();
        var states = new ArrayList<SourceStatus.State>();
        var timing = new CameraConfig(CameraConfig.Kind.NONE, "", 640, 480, 15, false, false,
                Duration.ofMillis(10), Duration.ofMillis(40));
        FrameSource src = FrameSources.retrying("fake", () -> {
            int n = attempts.incrementAndGet();
            // 1st: works for 5 frames then dies; 2nd, 3rd: device gone; 4th: back for good.
            if (n == 2 || n == 3) throw new CameraException("fake camera not there");
            var cam = new FakeCamera(List.of(frame(n), frame(n + 100)), true);
            if (n == 1) cam.failAfter(5);
            opened.add(cam);
            return cam;
        }, timing);
        long t0 = System.nanoTime();
        var seqs = new ArrayList<Long>();
        for (int i = 0; i < 12; i++) {
            Frame f = src.next().orElseThrow();
            seqs.add(f.sequence());
            states.add(src.status().state());
            if (i == 4) assertEquals(SourceStatus.State.LIVE, src.status().state());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, attempts.get());
        assertEquals(1, opened.get(0).closedCount(), "the dead source was closed");
        for (int i = 0; i < seqs.size(); i++) assertEquals(i, seqs.get(i), "sequence continues across reconnects");
        assertTrue(ms >= 10 + 20 + 40, "backoff doubled 10, 20, 40 ms; took " + ms + " ms");
        assertEquals(SourceStatus.State.LIVE, src.status().state());
        src.close();
        assertEquals(1, opened.get(1).closedCount());
    }

    @Test
    void statusShowsRetryingWhileTheSourceIsDown() throws Exception {
        var timing = new CameraConfig(CameraConfig.Kind.NONE, "", 640, 480, 15, false, false,
                Duration.ofMillis(200), Duration.ofMillis(200));
        FrameSource src = FrameSources.retrying("fake", () -> { throw new CameraException("pipe closed"); }, timing);
        Thread reader = Thread.ofPlatform().name("moodbox-camera-test").start(() -> {
            try { src.next(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (src.status().state() != SourceStatus.State.RETRYING && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(SourceStatus.State.RETRYING, src.status().state());
        assertTrue(src.status().detail().startsWith("pipe closed; retrying in 200 ms"), src.status().detail());
        reader.interrupt();
        reader.join(2000);
        assertFalse(reader.isAlive());
        src.close();
    }
}
