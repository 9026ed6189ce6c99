package io.moodbox.tools;

import io.moodbox.testing.Required;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ClassifyCommandTest {
    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    int run(String... args) {
        return ClassifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsFacesAndScoresAndDrawsThem() throws Exception {
        Required.that(Files.isRegularFile(EmotionConfig.DEFAULT_MODEL), "the emotion model is not built");
        var gen = Scenes.generator(SceneGenerator.Options.defaults(41).withFaces(2, 2).withSizes(120, 180));
        var scene = gen.scene(0);
        Path png = dir.resolve("room.png");
        var f = scene.frame();
        try (var m = new Mat(f.height(), f.width(), opencv_core.CV_8UC3, new BytePointer(f.bgr()))) {
            assertTrue(opencv_imgcodecs.imwrite(png.toString(), m));
        }
        Path broken = Files.writeString(dir.resolve("broken.jpg"), "not an image");
        Path drawn = dir.resolve("out");
        int status = run(png.toString(), broken.toString(), "--out", drawn.toString(), "--detector", "haar");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, "one of the two images failed");
        assertTrue(text.contains("room.png: "), text);
        assertTrue(text.matches("(?s).*face 1 at \\d+,\\d+ \\d+x\\d+ \\(detector 0\\.\\d\\d\\): [a-z]+ 0\\.\\d\\d, .*"), text);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken.jpg: not a readable image"), err.toString(StandardCharsets.UTF_8));
        Path result = drawn.resolve("room-faces.png");
        assertTrue(Files.size(result) > 10_000);
        try (var m = opencv_imgcodecs.imread(result.toString())) {
            assertEquals(640, m.cols());
        }
        try (var files = Files.list(drawn)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("give at least one image"));
        assertEquals(2, run("x.jpg", "--detector", "yolo"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("vision.detector must be one of auto, haar, cascades, blazeface, ssd"));
    }
}
