package io.moodbox.vision;

import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.config.MoodboxException;
import io.moodbox.testing.Scenes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The SSD face detector: face-api.js's weight format decoded as TensorFlow.js decodes it, the
 * box decoding and suppression, the default chain on generated scenes and empty rooms (where the
 * build could fetch the weights), and the cascades when it could not.
 */
class SsdFaceDetectorTest {

    @Test
    void weightsDecodeAsTensorflowJsDoes() {
        String manifest = """
                [{"paths": ["m.bin"], "weights": [
                  {"name": "q", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
                  {"name": "f", "shape": [2], "dtype": "float32"},
                  {"name": "h", "shape": [], "dtype": "float32", "quantization": {"dtype": "float16"}},
                  {"name": "n", "shape": [1], "dtype": "int32", "quantization": {"dtype": "uint8", "scale": 1, "min": 3}}]}]""";
        ByteBuffer bin = ByteBuffer.allocate(4 + 8 + 2 + 1).order(ByteOrder.LITTLE_ENDIAN);
        bin.put((byte) 0).put((byte) 2).put((byte) 255).put((byte) 7);
        bin.putFloat(1.25f).putFloat(-3f);
        bin.putShort(Float.floatToFloat16(0.75f));
        bin.put((byte) 2);
        var w = TfjsWeights.parse(manifest.getBytes(StandardCharsets.UTF_8), bin.array());
        assertArrayEquals(new float[]{-1f, 0f, 126.5f, 2.5f}, w.get("q").values(), 1e-6f, "q * scale + min");
        assertArrayEquals(new int[]{2, 2}, w.get("q").shape());
        assertArrayEquals(new float[]{1.25f, -3f}, w.get("f").values());
        assertArrayEquals(new float[]{0.75f}, w.get("h").values());
        assertArrayEquals(new float[]{5f}, w.get("n").values());

        var shortBin = java.util.Arrays.copyOf(bin.array(), 10);
        var e = assertThrows(MoodboxException.class, () -> TfjsWeights.parse(manifest.getBytes(StandardCharsets.UTF_8), shortBin));
        assertTrue(e.getMessage().contains("end inside f"), e.getMessage());
        var longBin = java.util.Arrays.copyOf(bin.array(), 20);
        assertThrows(MoodboxException.class, () -> TfjsWeights.parse(manifest.getBytes(StandardCharsets.UTF_8), longBin));
        assertThrows(MoodboxException.class, () -> TfjsWeights.parse("{not json".getBytes(StandardCharsets.UTF_8), bin.array()));
        assertThrows(MoodboxException.class, () -> w.get("missing"));
    }

    @Test
    void decodingPlacesBoxesOnTheirPriorsAndScoresBySigmoid() {
        // One predictor with two priors (ymin, xmin, ymax, xmax; float, hence the tolerances): the first unchanged, the second
        // moved by a tenth of its height down and grown e-fold in width.
        float[] priors = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.5f, 0.7f, 0.6f};
        float[][] boxes = {{0, 0, 0, 0, 1, 0, 0, 5}};
        float logitHigh = 2f, logitLow = -4f;
        float[][] classes = {{0, logitHigh, 0, 0, logitLow, 0}};
        var out = SsdFaceDetector.decode(boxes, classes, priors, 0.1, 1000);
        assertEquals(1, out.size(), "the second prior scores sigmoid(-4) = 0.018 < 0.1");
        Box b = out.get(0);
        assertEquals(200, b.x(), 1e-3);
        assertEquals(100, b.y(), 1e-3);
        assertEquals(200, b.w(), 1e-3);
        assertEquals(200, b.h(), 1e-3);
        double score = 1 / (1 + Math.exp(-logitHigh));
        assertEquals(0.5 + 0.5 * (score - 0.1) / 0.9, b.confidence(), 1e-9, "0.5 at the threshold, 1 at score 1");

        var low = SsdFaceDetector.decode(boxes, classes, priors, 0.01, 1000);
        assertEquals(2, low.size());
        Box m = low.get(1);
        assertEquals(0.6 * 1000 + 0.02 * 1000, m.cy(), 1e-3, "centre moved by e/10 of the prior's height");
        assertEquals(0.1 * Math.E * 1000, m.w(), 1e-3, "width times exp(e/5)");
    }

    @Test
    void suppressionKeepsTheBestBoxOfEachFace() {
        var kept = SsdFaceDetector.suppress(List.of(
                new Box(100, 100, 50, 60, 0.7),
                new Box(102, 101, 50, 60, 0.9),      // the same face, better
                new Box(80, 80, 110, 120, 0.6),      // a much larger box around it: IoU < 0.5 but the same face
                new Box(300, 100, 50, 60, 0.55)));
        assertEquals(List.of(new Box(102, 101, 50, 60, 0.9), new Box(300, 100, 50, 60, 0.55)), kept);
    }

    @Test
    void withoutWeightsTheCascadesSearch() {
        try (FaceDetector d = FaceFinders.ssdOrCascades(VisionConfig.defaults(), false)) {
            assertEquals("cascades", d.name());
        }
    }

    /** The default chain (SSD and frontal cascade searching, cascades following) on generated scenes. */
    @Test
    void findsFerFacesAndInventsNone() {
        Assumptions.assumeTrue(SsdFaceDetector.bundled(), "this build has no SSD weights (npm was unreachable)");
        var gen = Scenes.generator(SceneGenerator.Options.defaults(61));
        var empty = Scenes.generator(SceneGenerator.Options.defaults(62).withFaces(0, 0));
        var score = new SceneScore(0, 0, 0);
        int falseBoxes = 0;
        try (FaceFinder finder = FaceFinders.open(VisionConfig.defaults().withFullSearchEvery(1))) {
            assertEquals("ssd+haar, following with cascades", ((StagedFaceFinder) finder).detectorName());
            for (int s = 0; s < 15; s++) {
                var scene = gen.scene(s * gen.framesPerSegment());
                score = score.plus(SceneScore.of(scene.faces(), finder.find(scene.frame())));
            }
            for (int s = 0; s < 5; s++) falseBoxes += finder.find(empty.scene(s * empty.framesPerSegment()).frame()).size();
            assertEquals(List.of(), finder.find(new Frame(0, 0, 640, 480, new byte[640 * 480 * 3])));
            // Frames change size (an image folder): tiny, odd-sized, portrait.
            assertEquals(List.of(), finder.find(new Frame(1, 0, 16, 12, new byte[16 * 12 * 3])));
            assertEquals(List.of(), finder.find(new Frame(2, 0, 333, 217, new byte[333 * 217 * 3])));
            assertEquals(List.of(), finder.find(new Frame(3, 0, 240, 320, new byte[240 * 320 * 3])));
        }
        System.out.printf("ssd+haar on %d faces: recall %.3f precision %.3f, %d boxes in 5 empty rooms%n",
                score.truth(), score.recall(), score.precision(), falseBoxes);
        // Floors under the measured figures (README: 95.4% recall, 98.3% precision on 300 scenes).
        assertTrue(score.recall() >= 0.88, "recall " + score.recall());
        assertTrue(score.precision() >= 0.92, "precision " + score.precision());
        assertEquals(0, falseBoxes);
    }
}
