package io.moodbox.camera;

import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class FolderSourceTest {
    @TempDir Path dir;

    private void image(String name, int w, int h, int b, int g, int r) {
        try (var m = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(b, g, r, 0))) {
            assertTrue(opencv_imgcodecs.imwrite(dir.resolve(name).toString(), m));
        }
    }

    private CameraConfig config(boolean loop) {
        return new CameraConfig(CameraConfig.Kind.FOLDER, dir.toString(), 640, 480, 15, loop, false,
                Duration.ofMillis(5), Duration.ofMillis(5));
    }

    @Test
    void playsImagesInNameOrderSkippingBrokenFiles() throws Exception {
        image("b.png", 64, 48, 0, 0, 200);
        image("a.jpg", 80, 60, 200, 0, 0);
        Files.writeString(dir.resolve("c.jpg"), "not a jpeg");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        image("d.bmp", 32, 32, 0, 200, 0);
        try (FrameSource src = FrameSources.openDirect(config(false))) {
            Frame a = src.next().orElseThrow();
            assertEquals(80, a.width());
            assertEquals(60, a.height());
            assertTrue((a.bgr()[0] & 255) > 180 && (a.bgr()[2] & 255) < 30, "blue first (a.jpg), in BGR order");
            Frame b = src.next().orElseThrow();
            assertEquals(200, b.bgr()[2] & 255, "then b.png, red");
            Frame d = src.next().orElseThrow();
            assertEquals(200, d.bgr()[1] & 255, "c.jpg skipped, d.bmp green");
            assertEquals(2, d.sequence());
            assertTrue(src.next().isEmpty());
            assertEquals(SourceStatus.State.ENDED, src.status().state());
        }
    }

    @Test
    void loopsWhenAsked() throws Exception {
        image("x.png", 16, 16, 1, 2, 3);
        try (FrameSource src = FrameSources.openDirect(config(true))) {
            for (int i = 0; i < 5; i++) assertEquals(i, src.next().orElseThrow().sequence());
        }
    }

    @Test
    void anEmptyFolderSaysSo() {
        var e = assertThrows(CameraException.class, () -> FrameSources.openDirect(config(false)));
        assertTrue(e.getMessage().contains("holds no images"), e.getMessage());
    }
}
