package io.moodbox.camera;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import io.moodbox.vision.VisionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CameraConfigTest {
    static final CameraConfig BASE = CameraConfig.of(CameraConfig.Kind.NONE, "");

    @Test
    void sourcesAreReadAsPeopleWriteThem(@TempDir Path dir) throws Exception {
        assertEquals(CameraConfig.Kind.AUTO, CameraConfig.parse("auto", BASE).kind());
        assertEquals(CameraConfig.Kind.NONE, CameraConfig.parse("none", BASE).kind());
        assertEquals(CameraConfig.Kind.DEMO, CameraConfig.parse("Demo", BASE).kind());
        assertEquals("0", CameraConfig.parse("csi", BASE).device());
        assertEquals("1", CameraConfig.parse("csi:1", BASE).device());
        var cam = CameraConfig.parse("/dev/video2", BASE);
        assertEquals(CameraConfig.Kind.V4L2, cam.kind());
        assertEquals("/dev/video2", cam.device());
        assertEquals(CameraConfig.Kind.FOLDER, CameraConfig.parse(dir.toString(), BASE).kind());
        Path clip = Files.createFile(dir.resolve("clip.mp4"));
        assertEquals(CameraConfig.Kind.FILE, CameraConfig.parse(clip.toString(), BASE).kind());
    }

    @Test
    void badValuesNameTheKey() {
        var e = assertThrows(ConfigException.class, () -> CameraConfig.parse("csi:x", BASE));
        assertTrue(e.getMessage().contains("camera.source"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new CameraConfig(CameraConfig.Kind.DEMO, "", 640, 480, 0, true, true,
                Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("camera.fps must be 1..120"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new CameraConfig(CameraConfig.Kind.DEMO, "", 640, 480, 15, true, true,
                Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("camera.retry-max-s"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> VisionConfig.Detector.parse("yolo"));
        assertTrue(e.getMessage().contains("auto, haar, cascades, blazeface, ssd"), e.getMessage());
    }

    @Test
    void settingsBuildTheCameraAndVisionRecords(@TempDir Path dir) throws Exception {
        Settings s = Settings.defaults();
        assertEquals(640, s.camera().width());
        assertEquals(Duration.ofSeconds(30), s.camera().retryMax());
        assertEquals(24, s.vision().minFacePx(), "faces from 24 px: 3-4 m from a 640x480 camera");
        Path file = dir.resolve("moodbox.properties");
        Files.writeString(file, "camera.source = csi:1\ncamera.fps = 10\nvision.detector = haar\n");
        Settings owner = Settings.load(file, Map.of("MOODBOX_VISION_MAX_FACES", "3"), Map.of());
        assertEquals(CameraConfig.Kind.CSI, owner.camera().kind());
        assertEquals("1", owner.camera().device());
        assertEquals(10, owner.camera().fps());
        assertEquals(VisionConfig.Detector.HAAR, owner.vision().detector());
        assertEquals(3, owner.vision().maxFaces());
        Files.writeString(file, "vision.detect-width = 50\n");
        Settings bad = Settings.load(file, Map.of(), Map.of());
        assertEquals(400, bad.vision().detectWidth(), "a bad value falls back to its default");
        assertTrue(bad.problems().getFirst().contains("vision.detect-width must be 160..1920 pixels, was 50"), bad.problems().toString());
        var e = assertThrows(ConfigException.class, () -> bad.update(Map.of("vision.detect-width", "50")));
        assertTrue(e.getMessage().contains("vision.detect-width"), e.getMessage());
    }

    @Test
    void webcamDetectionSkipsThePisOwnVideoNodes(@TempDir Path sys) throws Exception {
        for (String[] n : new String[][]{{"video0", "unicam-image", "0"}, {"video10", "bcm2835-codec-decode", "0"}, {"video3", "USB Camera: USB Camera", "1"}}) {
            Path d = Files.createDirectories(sys.resolve(n[0]));
            Files.writeString(d.resolve("name"), n[1] + "\n");
            Files.writeString(d.resolve("index"), n[2] + "\n");
        }
        // No real webcam: the only USB node is a metadata node (index 1), and /dev/videoN must exist anyway.
        assertTrue(FrameSources.firstWebcam(sys).isEmpty());
        assertTrue(FrameSources.firstWebcam(sys.resolve("missing")).isEmpty());
    }
}
