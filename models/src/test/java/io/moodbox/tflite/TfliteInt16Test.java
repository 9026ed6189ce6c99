package io.moodbox.tflite;

import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.TfliteWriter.WideOutput;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 16x8 writer ({@link TfliteWriter#int16x8}) through the real TFLite interpreter: each op
 * alone in int16 lands within an int16 step or two of the float reference run on the same int8
 * input with the same int8-rounded weights (so what is left is the writer's activation, bias and
 * scale rounding against the kernels'), and a small network in 16x8 sits far closer to float
 * than the same network in int8.
 */
class TfliteInt16Test {
    private final Random rnd = new Random(7);

    private float[] randn(int n, double std) {
        return TinyNets.randn(rnd, n, std);
    }

    private float[] image(int n) {
        return TinyNets.image(rnd, n);
    }

    private Graph single(BiFunction<Graph, Integer, Integer> op) {
        Graph g = new Graph(10, 10, 3);
        g.output(op.apply(g, g.input()));
        return g;
    }

    private Calibration calibrate(Graph g, int n) {
        var cal = new Calibration(g);
        var ref = new Reference(g);
        for (int i = 0; i < n; i++) cal.observe(ref.runAll(image(g.tensor(g.input()).size())));
        return cal;
    }

    /** int16 from op {@code from} on (by index), int8 before. */
    private static Quant[] wideFrom(Graph g, Quant[] int16, int from) {
        Quant[] w = new Quant[int16.length];
        for (int i = from; i < g.ops().size(); i++) w[g.ops().get(i).out()] = int16[g.ops().get(i).out()];
        return w;
    }

    /** The same graph with every weight replaced by its int8 per-channel rounding, as the writer rounds it. */
    private static Graph roundedWeights(Graph g) {
        for (int i = 0; i < g.ops.size(); i++) {
            Op op = g.ops.get(i);
            if (op instanceof Conv c)
                g.ops.set(i, new Conv(c.in(), c.out(), rounded(c.weights(), c.o(), 0), c.o(), c.kh(), c.kw(), c.ic(), c.bias(), c.stride(), c.same(), c.relu()));
            else if (op instanceof Depthwise d)
                g.ops.set(i, new Depthwise(d.in(), d.out(), rounded(d.weights(), d.c(), 3), d.kh(), d.kw(), d.c(), d.bias(), d.stride(), d.same(), d.relu()));
        }
        return g;
    }

    private static float[] rounded(float[] w, int channels, int axis) {
        float[] s = TfliteWriter.weightScales(w, channels, axis);
        int block = w.length / channels;
        float[] r = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = axis == 0 ? i / block : i % channels;
            r[i] = s[c] * Math.max(-127, Math.min(127, Math.round(w[i] / s[c])));
        }
        return r;
    }

    /** Max |interpreter - reference| over 16 inputs, in int16 steps of the output, the whole graph in int16. */
    private double int16ErrorSteps(Graph g) {
        Calibration cal = calibrate(g, 256);
        Quant[] q16 = cal.int16Quantization();
        Quant out = q16[g.output()];
        byte[] model = TfliteWriter.int16x8(g, cal.quantization(), wideFrom(g, q16, 0), WideOutput.FLOAT32, "test");
        var ref = new Reference(roundedWeights(g));
        int n = g.tensor(g.input()).size();
        double worst = 0;
        try (var tfl = new TfliteRun(model)) {
            for (int k = 0; k < 16; k++) {
                float[] x = image(n);
                byte[] qx = new byte[n];
                float[] dq = new float[n];
                for (int i = 0; i < n; i++) { qx[i] = Calibration.INPUT.quantize(x[i]); dq[i] = Calibration.INPUT.dequantize(qx[i]); }
                float[] expected = ref.run(dq), got = tfl.runInt8ToFloat(qx);
                assertEquals(expected.length, got.length);
                float hi = out.scale() * 32767;
                for (int i = 0; i < got.length; i++) {
                    float e = Math.max(-hi, Math.min(hi, expected[i]));
                    // The float output is the int16 value dequantized: it must sit on the int16 grid.
                    double steps = got[i] / out.scale();
                    assertEquals(Math.rint(steps), steps, 0.01, "output " + got[i] + " is not on the int16 grid of scale " + out.scale());
                    worst = Math.max(worst, Math.abs(got[i] - e) / out.scale());
                }
            }
        }
        System.out.printf("%s in 16x8: %.2f int16 steps%n", g.tensor(g.output()).name(), worst);
        return worst;
    }

    @Test
    void convWithReluAndStridedPointwiseRoundAsTheKernel() {
        assertTrue(int16ErrorSteps(single((g, in) -> g.conv("c", in, randn(6 * 27, 0.3), 6, 3, 3, randn(6, 0.1), 1, false, true))) <= 2.0);
        assertTrue(int16ErrorSteps(single((g, in) -> g.conv("pw", in, randn(5 * 3, 0.5), 5, 1, 1, randn(5, 0.1), 2, false, false))) <= 2.0);
        assertTrue(int16ErrorSteps(single((g, in) -> g.conv("s", in, randn(7 * 27, 0.3), 7, 3, 3, randn(7, 0.1), 1, true, false))) <= 2.0);
    }

    @Test
    void depthwiseMaxPoolMeanAndAddRoundAsTheKernels() {
        assertTrue(int16ErrorSteps(single((g, in) -> g.depthwise("dw", in, randn(27, 0.4), 3, 3, randn(3, 0.1), 1, true, false))) <= 2.0);
        assertTrue(int16ErrorSteps(single((g, in) -> g.maxPool("p", g.conv("c", in, randn(4 * 3, 0.5), 4, 1, 1, randn(4, 0.1), 1, true, false), 3, 2, true))) <= 2.0);
        assertTrue(int16ErrorSteps(single((g, in) -> g.mean("gap", g.conv("c", in, randn(5 * 27, 0.4), 5, 3, 3, randn(5, 0.1), 1, true, false)))) <= 2.0);
        assertTrue(int16ErrorSteps(single((g, in) -> g.add("add", g.conv("a", in, randn(4 * 3, 0.5), 4, 1, 1, randn(4, 0.1), 1, false, false),
                g.conv("b", in, randn(4 * 27, 0.3), 4, 3, 3, randn(4, 0.1), 1, true, true)))) <= 3.0);
    }

    /** Like TfliteWriterTest's: every op, a residual module and the head. */
    private Graph tinyXception() {
        return TinyNets.xception(rnd, true, 0.2);
    }

    /** Max |probability - reference| over 32 inputs for the model; output int8 (1/256) or float. */
    private double probabilityError(Graph g, byte[] model, Graph rounded) {
        var ref = new Reference(rounded);
        double worst = 0;
        try (var tfl = new TfliteRun(model)) {
            boolean int8Out = tfl.out().type() == org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
            for (int k = 0; k < 32; k++) {
                float[] x = image(256);
                byte[] qx = new byte[256];
                float[] dq = new float[256];
                for (int i = 0; i < 256; i++) { qx[i] = Calibration.INPUT.quantize(x[i]); dq[i] = Calibration.INPUT.dequantize(qx[i]); }
                float[] e = ref.run(dq);
                float[] p = new float[e.length];
                if (int8Out) { byte[] q = tfl.runInt8(qx); for (int i = 0; i < p.length; i++) p[i] = Calibration.SOFTMAX.dequantize(q[i]); }
                else p = tfl.runInt8ToFloat(qx);
                for (int i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i] - e[i]));
            }
        }
        return worst;
    }

    @Test
    void wholeNetworkIn16x8IsFarCloserToFloatThanInt8() {
        Graph g = tinyXception();
        Calibration cal = calibrate(g, 256);
        Quant[] q8 = cal.quantization(), q16 = cal.int16Quantization();
        assertEquals(TfliteWriter.SOFTMAX16, q16[g.output()]);
        Graph rounded = roundedWeights(tinyXception16Copy(g));
        double e8 = probabilityError(g, TfliteWriter.int8(g, cal, "test"), rounded);
        double e16 = probabilityError(g, TfliteWriter.int16x8(g, q8, wideFrom(g, q16, 0), WideOutput.FLOAT32, "test"), rounded);
        double mixed = probabilityError(g, TfliteWriter.int16x8(g, q8, wideFrom(g, q16, 5), WideOutput.FLOAT32, "test"), rounded);
        System.out.printf("tiny network, max probability error: int8 %.5f, 16x8 %.5f, int16 from the add on %.5f%n", e8, e16, mixed);
        assertTrue(e16 < 1e-3, "16x8 probabilities are " + e16 + " from the reference");
        assertTrue(e16 * 8 < e8, "16x8 error " + e16 + " should be far below int8's " + e8);
        assertTrue(mixed < e8, "int16 from the add on: " + mixed + ", int8 " + e8);
    }

    /** A structural copy of g sharing nothing mutable with it (roundedWeights replaces ops in place). */
    private static Graph tinyXception16Copy(Graph g) {
        Graph c = new Graph(16, 16, 1);
        c.tensors.clear();
        c.tensors.addAll(g.tensors);
        c.ops.addAll(g.ops);
        c.output(g.output());
        return c;
    }

    @Test
    void int8OutputKeepsTheAppliancesContract() {
        Graph g = tinyXception();
        Calibration cal = calibrate(g, 64);
        Quant[] q16 = cal.int16Quantization();
        try (var tfl = new TfliteRun(TfliteWriter.int16x8(g, cal.quantization(), wideFrom(g, q16, 0), WideOutput.INT8, "test"))) {
            assertEquals(org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8, tfl.in().type());
            assertEquals(1f / 255f, tfl.in().params().scale(), 1e-9);
            assertEquals(-128, tfl.in().params().zero_point());
            assertEquals(org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8, tfl.out().type());
            assertEquals(1f / 256f, tfl.out().params().scale(), 1e-9);
            assertEquals(-128, tfl.out().params().zero_point());
        }
        double err = probabilityError(g, TfliteWriter.int16x8(g, cal.quantization(), wideFrom(g, q16, 0), WideOutput.INT8, "test"),
                roundedWeights(tinyXception16Copy(g)));
        assertTrue(err <= 1.0 / 256, "int8 scores of the 16x8 network are " + err + " from the reference, more than their own step");
    }

    @Test
    void refusesAsymmetricInt16AndAWideInput() {
        Graph g = tinyXception();
        Calibration cal = calibrate(g, 16);
        Quant[] q16 = wideFrom(g, cal.int16Quantization(), 0);
        Quant[] bad = q16.clone();
        bad[g.ops().get(0).out()] = new Quant(0.001f, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> TfliteWriter.int16x8(g, cal.quantization(), bad, WideOutput.INT8, "t"));
        assertTrue(e.getMessage().contains("zero point 0"), e.getMessage());
        Quant[] wideIn = q16.clone();
        wideIn[g.input()] = new Quant(1f / 32767, 0);
        assertThrows(IllegalArgumentException.class, () -> TfliteWriter.int16x8(g, cal.quantization(), wideIn, WideOutput.INT8, "t"));
    }
}
