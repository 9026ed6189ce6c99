package io.moodbox.tflite;

import io.moodbox.tflite.Calibration.Quant;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter against the plain-Java float reference, through the real TFLite interpreter:
 * each op Mini-Xception uses alone (int8 within a couple of LSB of the reference computed on the
 * same dequantized input), and a small network using all of them (float32 exact, int8 close).
 */
class TfliteWriterTest {
    private final Random rnd = new Random(42);

    private float[] randn(int n, double std) {
        return TinyNets.randn(rnd, n, std);
    }

    /** A graph on an 10x10x3 input made of one op (plus a first layer where the op needs channels). */
    private Graph single(BiFunction<Graph, Integer, Integer> op) {
        Graph g = new Graph(10, 10, 3);
        int out = op.apply(g, g.input());
        g.output(out);
        return g;
    }

    private float[] image(int n) {
        return TinyNets.image(rnd, n);
    }

    /** Max |int8 - reference| over several inputs, in LSB of the output scale. */
    private double int8ErrorLsb(Graph g) {
        var cal = new Calibration(g);
        var ref = new Reference(g);
        int inSize = g.tensor(g.input()).size();
        for (int i = 0; i < 512; i++) cal.observe(ref.runAll(image(inSize)));
        Quant[] q = cal.quantization();
        Quant out = q[g.output()];
        double worst = 0;
        try (var tfl = new TfliteRun(TfliteWriter.int8(g, cal, "test"))) {
            assertEquals(out.scale(), tfl.out().params().scale(), 1e-9);
            assertEquals(out.zeroPoint(), tfl.out().params().zero_point());
            for (int k = 0; k < 16; k++) {
                float[] x = image(inSize);
                byte[] qx = new byte[inSize];
                float[] dq = new float[inSize];
                for (int i = 0; i < inSize; i++) { qx[i] = Calibration.INPUT.quantize(x[i]); dq[i] = Calibration.INPUT.dequantize(qx[i]); }
                float[] expected = ref.run(dq);
                byte[] got = tfl.runInt8(qx);
                assertEquals(expected.length, got.length);
                // Values beyond the calibrated range saturate by design: compare within it.
                float lo = out.dequantize(-128), hi = out.dequantize(127);
                for (int i = 0; i < got.length; i++) {
                    float e = Math.max(lo, Math.min(hi, expected[i]));
                    worst = Math.max(worst, Math.abs(out.dequantize(got[i]) - e) / out.scale());
                }
            }
        }
        return worst;
    }

    private void assertLsb(Graph g, double tolerance) {
        double err = int8ErrorLsb(g);
        System.out.printf("%s: %.2f LSB%n", g.tensor(g.output()).name(), err);
        assertTrue(err <= tolerance, g.tensor(g.output()).name() + ": int8 is " + err + " LSB from the reference, tolerance " + tolerance);
    }

    @Test
    void conv2dValidWithRelu() {
        Graph g = single((gr, in) -> gr.conv("c", in, randn(6 * 3 * 3 * 3, 0.3), 6, 3, 3, randn(6, 0.1), 1, false, true));
        assertLsb(g, 2.0);
    }

    @Test
    void conv2dStridedPointwiseAndSame() {
        Graph g = single((gr, in) -> {
            int a = gr.conv("pw", in, randn(5 * 3, 0.5), 5, 1, 1, randn(5, 0.1), 2, false, false);
            return a;
        });
        assertLsb(g, 2.0);
        Graph same = single((gr, in) -> gr.conv("s", in, randn(7 * 9 * 3, 0.3), 7, 3, 3, randn(7, 0.1), 1, true, false));
        assertLsb(same, 2.0);
    }

    @Test
    void depthwiseSame() {
        Graph g = single((gr, in) -> gr.depthwise("dw", in, randn(9 * 3, 0.4), 3, 3, new float[3], 1, true, false));
        assertLsb(g, 2.0);
    }

    @Test
    void aNearlyDeadChannelGetsANormalScaleAndStaysExact() {
        float[] w = randn(9 * 3, 0.4);
        for (int i = 1; i < w.length; i += 3) w[i] = (float) (w[i] * 1e-38);   // channel 1 trained down to nothing
        float[] scales = TfliteWriter.weightScales(w, 3, 3);
        for (float s : scales) assertTrue(Float.isFinite(s) && s >= TfliteWriter.MIN_WEIGHT_SCALE, "scale " + s);
        assertEquals(TfliteWriter.MIN_WEIGHT_SCALE, scales[1]);
        Graph g = single((gr, in) -> gr.depthwise("dw", in, w, 3, 3, new float[3], 1, true, false));
        assertLsb(g, 2.0);
    }

    @Test
    void maxPoolSameOnEvenAndOddSizesKeepsQuantization() {
        Graph even = single((gr, in) -> gr.maxPool("p", in, 3, 2, true));          // 10 -> 5, pad at the end
        assertLsb(even, 1.0);
        Graph odd = single((gr, in) -> gr.maxPool("p2", gr.maxPool("p1", in, 3, 2, true), 3, 2, true)); // 5 -> 3
        assertLsb(odd, 1.0);
    }

    @Test
    void meanAsGlobalPoolingWithItsOwnScale() {
        Graph g = single((gr, in) -> gr.mean("gap", gr.conv("c", in, randn(5 * 27, 0.4), 5, 3, 3, randn(5, 0.1), 1, true, false)));
        var cal = new Calibration(g);
        var ref = new Reference(g);
        for (int i = 0; i < 64; i++) cal.observe(ref.runAll(image(300)));
        Quant[] q = cal.quantization();
        int conv = g.ops().get(0).out();
        // The averages span less than the values averaged: a finer step is the point of MEAN.
        assertTrue(q[g.output()].scale() < q[conv].scale(), "mean scale " + q[g.output()].scale() + " vs input " + q[conv].scale());
        assertLsb(g, 1.5);
    }

    @Test
    void addOfTwoBranches() {
        Graph g = single((gr, in) -> gr.add("add", gr.conv("a", in, randn(4 * 3, 0.5), 4, 1, 1, randn(4, 0.1), 1, false, false),
                gr.conv("b", in, randn(4 * 27, 0.3), 4, 3, 3, randn(4, 0.1), 1, true, true)));
        assertLsb(g, 3.0);
    }

    @Test
    void softmaxAtScaleOneOver256() {
        // The int8 logits' own rounding (up to 1 LSB of their scale) passes through softmax: allow 4.
        Graph g = single((gr, in) -> gr.softmax("sm", gr.mean("flat",
                gr.conv("logits", in, randn(7 * 100 * 3, 0.2), 7, 10, 10, randn(7, 0.3), 1, false, false))));
        assertLsb(g, 4.0);
    }

    /** A miniature Mini-Xception: every op, the residual module, and the head. */
    private Graph tinyXception() {
        return TinyNets.xception(rnd, true, 0.2);
    }

    @Test
    void float32ModelMatchesTheReference() {
        Graph g = tinyXception();
        var ref = new Reference(g);
        try (var tfl = new TfliteRun(TfliteWriter.float32(g, "test"))) {
            for (int k = 0; k < 8; k++) {
                float[] x = image(256);
                assertArrayEquals(ref.run(x), tfl.runFloat(x), 1e-5f);
            }
        }
    }

    @Test
    void int8ModelFollowsTheReferenceThroughTheWholeNetwork() {
        Graph g = tinyXception();
        double err = int8ErrorLsb(g);
        assertTrue(err <= 6.0, "int8 softmax differs from float by " + err + " LSB (1/256)");
    }

    @Test
    void int8ModelDeclaresTheModelContract() {
        Graph g = tinyXception();
        var cal = new Calibration(g);
        var ref = new Reference(g);
        for (int i = 0; i < 8; i++) cal.observe(ref.runAll(image(256)));
        try (var tfl = new TfliteRun(TfliteWriter.int8(g, cal, "test"))) {
            assertEquals(1f / 255f, tfl.in().params().scale(), 1e-9);
            assertEquals(-128, tfl.in().params().zero_point());
            assertEquals(1f / 256f, tfl.out().params().scale(), 1e-9);
            assertEquals(-128, tfl.out().params().zero_point());
        }
    }

    @Test
    void percentileCalibrationIgnoresRareOutliers() {
        Graph g = single((gr, in) -> gr.conv("c", in, randn(2 * 3, 0.5), 2, 1, 1, new float[2], 1, false, false));
        var minMax = new Calibration(g);
        var pct = new Calibration(g, 99.9);
        var ref = new Reference(g);
        for (int i = 0; i < 50; i++) {
            float[] x = image(300);
            if (i == 7) java.util.Arrays.fill(x, 0, 3, 1000f);          // one pixel far out of range
            float[][] all = ref.runAll(x);
            minMax.observe(all);
            pct.observe(all);
        }
        float wide = minMax.quantization()[g.output()].scale(), narrow = pct.quantization()[g.output()].scale();
        assertTrue(narrow * 20 < wide, "percentile scale " + narrow + " should ignore the outlier (min/max " + wide + ")");
    }

    /** Runs of the reference on random images, for channel ranges. */
    private java.util.List<float[][]> runs(Graph g, int n) {
        var ref = new Reference(g);
        var out = new java.util.ArrayList<float[][]>();
        for (int i = 0; i < n; i++) out.add(ref.runAll(image(g.tensor(g.input()).size())));
        return out;
    }

    /** conv1 (ReLU) -> depthwise -> pointwise (ReLU) -> head; conv1's channels span ranges 1:1/40. */
    private Graph skewed() {
        Graph g = new Graph(12, 12, 1);
        float[] w1 = randn(4 * 9, 0.5), b1 = randn(4, 0.05);
        for (int k = 9; k < 18; k++) w1[k] /= 40;                      // channel 1 is 40x quieter
        b1[1] /= 40;
        int x = g.conv("conv1", g.input(), w1, 4, 3, 3, b1, 1, false, true);
        float[] dw = randn(9 * 4, 0.4);
        for (int k = 2; k < dw.length; k += 4) dw[k] *= 30;             // and depthwise channel 2 30x louder
        x = g.depthwise("dw", x, dw, 3, 3, new float[4], 1, true, false);
        x = g.conv("pw", x, randn(6 * 4, 0.5), 6, 1, 1, randn(6, 0.1), 1, true, true);
        x = g.conv("head", x, randn(7 * 9 * 6, 0.2), 7, 3, 3, randn(7, 0.1), 1, false, false);
        g.softmax("scores", g.mean("logits", x));
        return g;
    }

    @Test
    void equalizationKeepsTheFunction() {
        for (Graph g : new Graph[] {tinyXception(), skewed()}) {
            var before = new Reference(g);
            float[][] inputs = new float[8][];
            float[][] expected = new float[8][];
            for (int i = 0; i < 8; i++) {
                inputs[i] = image(g.tensor(g.input()).size());
                expected[i] = before.runAll(inputs[i])[g.output()].clone();
            }
            int groups = Equalization.apply(g, Equalization.channelRanges(g, runs(g, 64)));
            assertTrue(groups >= 2, "equalized " + groups + " groups");
            var after = new Reference(g);
            for (int i = 0; i < 8; i++) assertArrayEquals(expected[i], after.run(inputs[i]), 1e-5f);
        }
    }

    @Test
    void equalizationEvensOutChannelRangesAndCutsInt8Error() {
        Graph g = skewed();
        int conv1 = 1;
        float[] before = Equalization.channelRanges(g, runs(g, 64))[conv1];
        assertTrue(max(before) > 20 * min(before), "the test graph should start skewed");
        double errBefore = int8ErrorLsb(g);
        Equalization.apply(g, Equalization.channelRanges(g, runs(g, 64)));
        // conv1 feeds only a depthwise conv: equalized fully, for free.
        float[] after = Equalization.channelRanges(g, runs(g, 64))[conv1];
        assertTrue(max(after) < 1.3 * min(after), "conv1 channel ranges after: " + java.util.Arrays.toString(after));
        double errAfter = int8ErrorLsb(g);
        System.out.printf("skewed network: %.2f LSB before equalization, %.2f after%n", errBefore, errAfter);
        assertTrue(errAfter < errBefore, "int8 error " + errAfter + " LSB after equalization, " + errBefore + " before");
    }

    private static float max(float[] v) { float m = v[0]; for (float x : v) m = Math.max(m, x); return m; }

    /** Smallest range among live channels (a channel ReLU always zeroes has nothing to equalize). */
    private static float min(float[] v) { float m = Float.MAX_VALUE; for (float x : v) if (x > 0) m = Math.min(m, x); return m; }

    @Test
    void shapesFollowTensorFlowPadding() {
        assertEquals(22, Graph.outSize(44, 3, 2, true));
        assertEquals(0, Graph.padBefore(44, 3, 2, true));   // even: the extra row goes at the end
        assertEquals(6, Graph.outSize(11, 3, 2, true));
        assertEquals(1, Graph.padBefore(11, 3, 2, true));
        assertEquals(46, Graph.outSize(48, 3, 1, false));
    }
}
