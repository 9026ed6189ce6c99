package io.moodbox.emotion;

import io.moodbox.testing.Required;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.vision.FaceCrop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The shipped model through the real interpreter: contract, batching, and clear errors. */
class EmotionClassifierTest {
    static final Path MODEL = EmotionConfig.DEFAULT_MODEL;

    private static FaceCrop crop(byte[] pixels) {
        return new FaceCrop(0, 0, 48, 48, 1f, 48, pixels);
    }

    @Test
    void shippedModelIsSmallAndKeepsTheContract() throws IOException {
        assertTrue(Files.size(MODEL) <= 100_000, "model is " + Files.size(MODEL) + " bytes");
        try (var c = EmotionClassifier.open(EmotionConfig.defaults())) {
            assertEquals(48, c.inputSize());
            byte[] gray = new byte[48 * 48];
            Arrays.fill(gray, (byte) 128);
            EmotionScores s = c.classify(List.of(crop(gray))).get(0);
            double sum = 0;
            for (float p : s.probabilities()) { assertTrue(p >= 0 && p <= 1); sum += p; }
            assertEquals(1.0, sum, 0.03, "int8 softmax at 1/256 sums to about 1");
        }
    }

    @Test
    void aBatchGivesTheSameScoresAsOneFaceAtATime() throws IOException {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found");
        var faces = Fer2013.load().split(Split.PRIVATE_TEST).subList(0, 5).stream().map(f -> crop(f.pixels())).toList();
        try (var c = EmotionClassifier.open(EmotionConfig.defaults())) {
            List<EmotionScores> batch = c.classify(faces);
            assertEquals(5, batch.size());
            for (int i = 0; i < 5; i++)
                assertArrayEquals(c.classify(List.of(faces.get(i))).get(0).probabilities(), batch.get(i).probabilities(), 1e-6f);
            assertEquals(List.of(), c.classify(List.of()));
        }
    }

    @Test
    void flipAveragingAveragesAFaceAndItsMirror() throws IOException {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found");
        byte[] face = Fer2013.load().split(Split.PRIVATE_TEST).get(3).pixels();
        byte[] mirrored = new byte[face.length];
        CnnEmotionClassifier.mirror(face, 48, mirrored, 0);
        try (var plain = EmotionClassifier.open(new EmotionConfig(MODEL, 1, false));
             var flip = EmotionClassifier.open(EmotionConfig.defaults())) {
            float[] a = plain.classify(List.of(crop(face))).get(0).probabilities();
            float[] b = plain.classify(List.of(crop(mirrored))).get(0).probabilities();
            List<EmotionScores> both = flip.classify(List.of(crop(face), crop(mirrored)));
            for (int c = 0; c < 7; c++) {
                assertEquals((a[c] + b[c]) / 2, both.get(0).probabilities()[c], 1e-6f);
                assertEquals(both.get(0).probabilities()[c], both.get(1).probabilities()[c], 1e-6f);  // a face and its mirror read alike
            }
        }
    }

    @Test
    void wrongCropSizeIsRefused() {
        try (var c = EmotionClassifier.open(EmotionConfig.defaults())) {
            var small = new FaceCrop(0, 0, 10, 10, 1f, 32, new byte[32 * 32]);
            assertThrows(IllegalArgumentException.class, () -> c.classify(List.of(small)));
        }
    }

    @Test
    void missingGarbageAndDamagedModelsAreClearErrors(@TempDir Path dir) throws IOException {
        var missing = assertThrows(ModelException.class, () -> EmotionClassifier.open(new EmotionConfig(dir.resolve("none.tflite"), 1)));
        assertTrue(missing.getMessage().contains("none.tflite") && missing.getMessage().contains("emotion.model"));

        Path garbage = dir.resolve("garbage.tflite");
        Files.writeString(garbage, "this is not a model at all");
        assertTrue(assertThrows(ModelException.class, () -> EmotionClassifier.open(new EmotionConfig(garbage, 1)))
                .getMessage().contains("not a TFLite model"));

        Path damaged = dir.resolve("damaged.tflite");
        byte[] real = Files.readAllBytes(MODEL);
        Files.write(damaged, Arrays.copyOf(real, real.length / 3));
        assertTrue(assertThrows(ModelException.class, () -> EmotionClassifier.open(new EmotionConfig(damaged, 1)))
                .getMessage().contains("damaged"));
    }

    @Test
    void configRejectsBadThreadCounts() {
        var e = assertThrows(io.moodbox.config.ConfigException.class, () -> new EmotionConfig(MODEL, 0));
        assertTrue(e.getMessage().contains("emotion.threads"));
    }
}
