package io.moodbox.camera;

import io.moodbox.testing.Scenes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** A video file source on a generated scene video: frames, count, content, pacing, looping. */
class FileSourceTest {
    @TempDir static Path dir;
    static Path video;
    static SceneGenerator gen;
    static final int FRAMES = 24;

    @BeforeAll
    static void writeVideo() throws Exception {
        gen = Scenes.generator(SceneGenerator.Options.defaults(11).withTiming(1.0, 12));
        video = dir.resolve("scenes.mp4");
        gen.writeVideo(video, FRAMES);
        assertTrue(Files.size(video) > 10_000);
    }

    private static CameraConfig config(boolean loop, boolean realtime) {
        return new CameraConfig(CameraConfig.Kind.FILE, video.toString(), 640, 480, 15, loop, realtime,
                java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(40));
    }

    @Test
    void playsEveryFrameOnceThenEnds() throws Exception {
        try (FrameSource src = FrameSources.openDirect(config(false, false))) {
            int n = 0;
            for (Optional<Frame> f; (f = src.next()).isPresent(); n++) {
                Frame fr = f.get();
                assertEquals(n, fr.sequence());
                assertEquals(640, fr.width());
                assertEquals(480, fr.height());
                if (n == 5 || n == 17) {
                    // Lossy MPEG-4, but close to what the generator drew for that index.
                    assertTrue(meanAbsDiff(fr.bgr(), gen.scene(n).frame().bgr()) < 4.0, "frame " + n + " matches its scene");
                }
                assertEquals(SourceStatus.State.LIVE, src.status().state());
            }
            assertEquals(FRAMES, n);
            assertEquals(SourceStatus.State.ENDED, src.status().state());
            assertTrue(src.next().isEmpty(), "stays ended");
        }
    }

    @Test
    void recycledBuffersAreRefilledWithTheNextFramesPixels() throws Exception {
        try (FrameSource src = FrameSources.openDirect(config(false, false))) {
            byte[] first = null;
            for (int n = 0; n < FRAMES; n++) {
                Frame fr = src.next().orElseThrow();
                if (n == 0) first = fr.bgr();
                else assertSame(first, fr.bgr(), "frame " + n + " reuses the buffer handed back");
                if (n == 5 || n == 17)
                    assertTrue(meanAbsDiff(fr.bgr(), gen.scene(n).frame().bgr()) < 4.0, "frame " + n + " holds its own scene");
                src.recycle(fr);
            }
        }
    }

    @Test
    void aFrameNotHandedBackIsNeverOverwritten() throws Exception {
        try (FrameSource src = FrameSources.openDirect(config(false, false))) {
            Frame kept = src.next().orElseThrow();
            byte[] snapshot = kept.bgr().clone();
            for (int n = 1; n < FRAMES; n++) {
                Frame fr = src.next().orElseThrow();
                assertNotSame(kept.bgr(), fr.bgr());
                src.recycle(fr);
            }
            assertArrayEquals(snapshot, kept.bgr(), "the frame still held keeps its pixels");
        }
    }

    @Test
    void theRetryingSourcePassesFramesBackToTheGrabber() throws Exception {
        try (FrameSource src = FrameSources.open(config(false, false))) {
            Frame a = src.next().orElseThrow();
            src.recycle(a);
            Frame b = src.next().orElseThrow();
            assertSame(a.bgr(), b.bgr(), "the wrapper's frame shares the grabber's buffer, which comes back");
            assertEquals(1, b.sequence());
        }
    }

    @Test
    void loopsBackToTheStart() throws Exception {
        try (FrameSource src = FrameSources.openDirect(config(true, false))) {
            Frame first = src.next().orElseThrow();
            for (int i = 1; i < FRAMES; i++) src.next().orElseThrow();
            Frame again = src.next().orElseThrow();
            assertEquals(FRAMES, again.sequence(), "sequence keeps counting");
            assertTrue(meanAbsDiff(first.bgr(), again.bgr()) < 1.0, "after the end comes the first frame again");
            for (int i = 0; i < FRAMES + 5; i++) assertTrue(src.next().isPresent());
        }
    }

    @Test
    void realtimePlaybackKeepsTheFilesFrameRate() throws Exception {
        try (FrameSource src = FrameSources.openDirect(config(false, true))) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 13; i++) src.next().orElseThrow();
            double seconds = (System.nanoTime() - t0) / 1e9;
            // 12 frame periods at 12 fps take at least a second; only the lower bound is safe on a busy machine.
            assertTrue(seconds >= 0.95, "paced at the file's 12 fps, took " + seconds + " s");
        }
    }

    @Test
    void aMissingFileIsReportedNotThrownByTheRetryingSource() throws Exception {
        var cfg = new CameraConfig(CameraConfig.Kind.FILE, dir.resolve("nope.mp4").toString(), 640, 480, 15, false, false,
                java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(5));
        var e = assertThrows(CameraException.class, () -> FrameSources.openDirect(cfg));
        assertTrue(e.getMessage().contains("nope.mp4"), e.getMessage());
        try (FrameSource src = FrameSources.open(cfg)) {
            Thread t = Thread.ofVirtual().start(() -> {
                try { src.next(); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
            });
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (src.status().state() != SourceStatus.State.NO_CAMERA && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(SourceStatus.State.NO_CAMERA, src.status().state());
            assertTrue(src.status().detail().contains("not found"), src.status().detail());
            t.interrupt();
            t.join(2000);
            assertFalse(t.isAlive(), "an interrupt ends the wait");
        }
    }

    @Test
    void aCorruptFileSaysSo() throws Exception {
        Path junk = Files.write(dir.resolve("junk.mp4"), new byte[]{0, 1, 2, 3, 'n', 'o', 't', ' ', 'v', 'i', 'd', 'e', 'o'});
        var e = assertThrows(CameraException.class,
                () -> FrameSources.openDirect(CameraConfig.of(CameraConfig.Kind.FILE, junk.toString())));
        assertTrue(e.getMessage().startsWith("could not open video file " + junk), e.getMessage());
    }

    static double meanAbsDiff(byte[] a, byte[] b) {
        assertEquals(a.length, b.length);
        long s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs((a[i] & 255) - (b[i] & 255));
        return (double) s / a.length;
    }
}
