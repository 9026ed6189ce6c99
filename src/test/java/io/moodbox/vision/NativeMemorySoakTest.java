package io.moodbox.vision;

import io.moodbox.camera.CameraConfig;
import io.moodbox.camera.FrameSource;
import io.moodbox.camera.FrameSources;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Many frames through the native stages (FFmpeg decode, OpenCV detect and prepare): JavaCPP's
 * native allocations must not grow per frame and must return to the baseline after close.
 * {@code -Dmoodbox.soak.frames=10000} for the long soak; the default keeps the suite fast.
 */
class NativeMemorySoakTest {
    static final int FRAMES = Integer.getInteger("moodbox.soak.frames", 400);

    @Test
    void nativeMemoryReturnsToBaseline(@TempDir Path dir) throws Exception {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(31).withTiming(0.5, 10));
        Path video = dir.resolve("soak.mp4");
        gen.writeVideo(video, 20);
        System.gc();
        long baseline = Pointer.totalBytes();
        long afterWarmup = -1, peak = 0;
        var cfg = new VisionConfig(VisionConfig.Detector.AUTO, 160, 48, 0, 8, null, 10);
        try (FrameSource src = FrameSources.openDirect(CameraConfig.of(CameraConfig.Kind.FILE, video.toString()).asFastAsPossible(true));
             FaceFinder finder = FaceFinders.open(cfg)) {
            for (int i = 0; i < FRAMES; i++) {
                finder.find(src.next().orElseThrow());
                if (i == 20) afterWarmup = Pointer.totalBytes();
                if (i > 20) peak = Math.max(peak, Pointer.totalBytes());
            }
        }
        System.gc();
        long end = Pointer.totalBytes();
        System.out.printf("soak %d frames: baseline %d, after warm-up %d, peak %d, end %d bytes%n", FRAMES, baseline, afterWarmup, peak, end);
        assertTrue(peak <= afterWarmup + 64 * 1024, "native memory grew from " + afterWarmup + " to " + peak + " bytes");
        assertTrue(end <= baseline + 16 * 1024, "native memory left after close: " + (end - baseline) + " bytes");
    }
}
