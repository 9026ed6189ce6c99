package io.moodbox.emotion;

import io.moodbox.testing.Required;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Split;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The evaluator's test-time views: what each one is, and that their scores are averaged. */
class ModelEvaluatorTest {
    private static final int S = 4;

    @Test
    void aShiftMovesThePixelsAndRepeatsTheEdge() {
        byte[] p = new byte[S * S];
        for (int i = 0; i < p.length; i++) p[i] = (byte) i;
        byte[] right = ModelEvaluator.shift(p, S, 1, 0);
        assertArrayEquals(new byte[] {0, 0, 1, 2}, java.util.Arrays.copyOfRange(right, 0, 4));
        assertArrayEquals(new byte[] {12, 12, 13, 14}, java.util.Arrays.copyOfRange(right, 12, 16));
        byte[] up = ModelEvaluator.shift(p, S, 0, -1);
        assertArrayEquals(new byte[] {4, 5, 6, 7}, java.util.Arrays.copyOfRange(up, 0, 4));
        assertArrayEquals(new byte[] {12, 13, 14, 15}, java.util.Arrays.copyOfRange(up, 12, 16));
    }

    @Test
    void fourViewsAverageTheFaceTheRightShiftAndTheirMirrors() throws java.io.IOException {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found");
        byte[] face = Fer2013.load(Split.PUBLIC_TEST).all().get(7).pixels();
        try (var m = new TfliteModel(EmotionConfig.DEFAULT_MODEL, 1)) {
            int n = m.size();
            byte[] right = new byte[n * n], mirror = new byte[n * n], rightMirror = new byte[n * n];
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) {
                    right[y * n + x] = face[y * n + Math.max(0, x - 1)];
                    mirror[y * n + x] = face[y * n + n - 1 - x];
                }
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) rightMirror[y * n + x] = right[y * n + n - 1 - x];
            float[] expected = new float[7];
            for (byte[] v : List.of(face, mirror, right, rightMirror)) {
                float[] s = m.run(v, 1);
                for (int c = 0; c < 7; c++) expected[c] += s[c] / 4;
            }
            assertArrayEquals(expected, ModelEvaluator.scores(m, face, 4), 1e-6f);
            assertArrayEquals(m.run(face, 1), ModelEvaluator.scores(m, face, 1), 0f);
        }
    }

    @Test
    void anOddOrOutOfRangeViewCountIsRefusedClearly() {
        for (int views : new int[] {0, 3, 12}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ModelEvaluator.evaluate(EmotionConfig.DEFAULT_MODEL, List.of(), null, 1, views));
            assertTrue(e.getMessage().contains("views must be 1 or an even number from 2 to 10"), e.getMessage());
        }
    }

    @Test
    void severalModelsAreReadAsTheAverageOfTheirScores() throws java.io.IOException {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found");
        var faces = Fer2013.load(Split.PUBLIC_TEST).all().subList(0, 300);
        java.nio.file.Path a = EmotionConfig.DEFAULT_MODEL, b = a.resolveSibling("emotion-minixception-float32.tflite");
        int[][] confusion = new int[7][7];
        int changed = 0;
        try (var ma = new TfliteModel(a, 1); var mb = new TfliteModel(b, 1)) {
            for (var f : faces) {
                float[] sa = ModelEvaluator.scores(ma, f.pixels(), 2), sb = ModelEvaluator.scores(mb, f.pixels(), 2), sum = new float[7];
                for (int c = 0; c < 7; c++) sum[c] = sa[c] + sb[c];
                int top = ModelEvaluator.argmax(sum, 0);
                confusion[f.label()][top]++;
                if (top != ModelEvaluator.argmax(sa, 0)) changed++;
            }
        }
        assertTrue(changed > 0, "the premise: the second model changes some decisions of the first");
        var both = ModelEvaluator.evaluate(List.of(a, b), faces, List.of(b, b), 1, 2);
        assertArrayEquals(confusion, both.confusion(), "every face decided on the summed scores");
        assertEquals(java.nio.file.Files.size(a) + java.nio.file.Files.size(b), both.modelBytes());
        assertTrue(ModelEvaluator.format(both).startsWith("models averaged: " + a + " + " + b), ModelEvaluator.format(both));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelEvaluator.evaluate(List.of(a, b), faces, List.of(b), 1, 1));
        assertTrue(e.getMessage().contains("one float twin per model"), e.getMessage());
    }
}
