package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adaptive rounding ({@link WeightRounding}): every weight lands on the writer's int8 grid one
 * step down or up from where it was, the scales stay, the writer then writes exactly those
 * integers, and each layer's output on the calibration inputs is closer to the float layer's than
 * with nearest rounding; through the real interpreter, the int8 network's scores too.
 */
class WeightRoundingTest {
    private final Random rnd = new Random(11);

    private float[] randn(int n, double std) {
        return TinyNets.randn(rnd, n, std);
    }

    /** Smooth, correlated inputs (like faces), where the patch second moment is far from diagonal. */
    private float[] image(int h, int w) {
        float a = rnd.nextFloat(), b = rnd.nextFloat() * 0.3f, c = rnd.nextFloat() * 0.3f;
        float[] x = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int k = 0; k < w; k++) x[y * w + k] = Math.min(1, Math.max(0, a + b * y / h - c * k / w + 0.05f * rnd.nextFloat()));
        return x;
    }

    private Graph net() {
        Graph g = new Graph(16, 16, 1);
        int x = g.conv("conv1", g.input(), randn(8 * 9, 0.5), 8, 3, 3, randn(8, 0.1), 1, false, true);
        int y = g.depthwise("dw", x, randn(9 * 8, 0.4), 3, 3, new float[8], 1, true, false);
        y = g.conv("pw", y, randn(16 * 8, 0.4), 16, 1, 1, randn(16, 0.1), 1, true, true);
        y = g.conv("head", y, randn(7 * 9 * 16, 0.15), 7, 3, 3, randn(7, 0.1), 2, true, false);
        g.softmax("scores", g.mean("logits", y));
        return g;
    }

    private List<float[][]> runs(Graph g, int n) {
        var ref = new Reference(g);
        List<float[][]> r = new ArrayList<>();
        for (int i = 0; i < n; i++) r.add(ref.runAll(image(16, 16)));
        return r;
    }

    private static Graph copy(Graph g) {
        Graph c = new Graph(g.tensor(g.input()).shape()[1], g.tensor(g.input()).shape()[2], g.tensor(g.input()).shape()[3]);
        c.tensors.clear();
        c.tensors.addAll(g.tensors);
        c.ops.addAll(g.ops);
        c.output(g.output());
        return c;
    }

    private static float[] weights(Op op) {
        return op instanceof Conv c ? c.weights() : ((Depthwise) op).weights();
    }

    private static float[] scales(Op op) {
        return op instanceof Conv c ? TfliteWriter.weightScales(c.weights(), c.o(), 0) : TfliteWriter.weightScales(((Depthwise) op).weights(), ((Depthwise) op).c(), 3);
    }

    private static int channel(Op op, int i) {
        return op instanceof Conv c ? i / (c.weights().length / c.o()) : i % ((Depthwise) op).c();
    }

    @Test
    void weightsLandOnTheirGridOneStepDownOrUpWithTheSameScales() {
        Graph g = net(), before = copy(g);
        var r = WeightRounding.apply(g, runs(g, 40));
        assertTrue(r.flipped() > 0, "nothing was rounded away from its nearest step");
        assertTrue(r.after() < r.before(), "objective " + r.before() + " -> " + r.after());
        for (int k = 0; k < g.ops().size(); k++) {
            Op was = before.ops().get(k), now = g.ops().get(k);
            if (!(was instanceof Conv || was instanceof Depthwise)) continue;
            float[] s = scales(was), w0 = weights(was), w1 = weights(now);
            assertArrayEquals(s, scales(now), 0f, "scales changed");
            for (int i = 0; i < w0.length; i++) {
                float sc = s[channel(was, i)];
                double q = w1[i] / sc;
                assertEquals(Math.rint(q), q, 1e-3, "weight " + i + " is off its grid");
                assertTrue(Math.abs(q - w0[i] / sc) < 1, "weight " + i + " moved more than a step: " + w0[i] / sc + " -> " + q);
            }
        }
    }

    /** Mean squared error of every conv's output against the float graph's, each layer fed the float layer's input. */
    private static double layerError(Graph g, Graph rounded, List<float[][]> runs) {
        double se = 0;
        long n = 0;
        for (int k = 0; k < g.ops().size(); k++) {
            if (!(g.ops().get(k) instanceof Conv || g.ops().get(k) instanceof Depthwise)) continue;
            // A one-op graph of the rounded layer, fed the float network's input to it.
            int in = in(g.ops().get(k));
            Graph one = alone(rounded.ops().get(k), g.tensor(in).shape());
            Graph ref = alone(g.ops().get(k), g.tensor(in).shape());
            var a = new Reference(one);
            var b = new Reference(ref);
            for (float[][] v : runs) {
                float[] ya = a.run(v[in]), yb = b.run(v[in]);
                for (int i = 0; i < ya.length; i++) { se += (ya[i] - yb[i]) * (double) (ya[i] - yb[i]); n++; }
            }
        }
        return se / n;
    }

    private static Graph nearest(Graph g) {
        Graph c = copy(g);
        for (int i = 0; i < c.ops.size(); i++) {
            Op op = c.ops.get(i);
            if (op instanceof Conv cv) c.ops.set(i, new Conv(cv.in(), cv.out(), onGrid(cv.weights(), cv.o(), 0), cv.o(), cv.kh(), cv.kw(), cv.ic(), cv.bias(), cv.stride(), cv.same(), cv.relu()));
            else if (op instanceof Depthwise d) c.ops.set(i, new Depthwise(d.in(), d.out(), onGrid(d.weights(), d.c(), 3), d.kh(), d.kw(), d.c(), d.bias(), d.stride(), d.same(), d.relu()));
        }
        return c;
    }

    private static float[] onGrid(float[] w, int channels, int axis) {
        float[] s = TfliteWriter.weightScales(w, channels, axis), r = new float[w.length];
        int block = w.length / channels;
        for (int i = 0; i < w.length; i++) {
            float sc = s[axis == 0 ? i / block : i % channels];
            r[i] = sc * Math.round(w[i] / sc);
        }
        return r;
    }

    @Test
    void layerOutputsAreCloserToFloatThanWithNearestRounding() {
        Graph g = net();
        List<float[][]> calib = runs(g, 40), heldOut = runs(g, 40);
        Graph adaptive = copy(g);
        WeightRounding.apply(adaptive, calib);
        double near = layerError(g, nearest(g), heldOut), ada = layerError(g, adaptive, heldOut);
        System.out.printf("layer output MSE on held-out inputs: nearest %.4g, adaptive %.4g%n", near, ada);
        assertTrue(ada < 0.8 * near, "adaptive rounding " + ada + " vs nearest " + near);
    }

    @Test
    void theWriterWritesTheChosenIntegersAndTheInterpreterFollows() {
        Graph g = net();
        List<float[][]> calib = runs(g, 60);
        Graph adaptive = copy(g);
        WeightRounding.apply(adaptive, calib);
        // Nearest rounding of grid values is the identity: the writer's int8 weights are the chosen ones,
        // so the float graph of the grid values is what the int8 model computes but for activation rounding.
        for (int k = 0; k < g.ops().size(); k++)
            if (adaptive.ops().get(k) instanceof Conv || adaptive.ops().get(k) instanceof Depthwise)
                assertArrayEquals(weights(adaptive.ops().get(k)), weights(nearest(adaptive).ops().get(k)), 1e-6f);
        var cal = new Calibration(adaptive);
        for (float[][] v : runs(adaptive, 60)) cal.observe(v);
        var ref = new Reference(adaptive);
        try (var tfl = new TfliteRun(TfliteWriter.int16x8(adaptive, cal.quantization(), wideAll(adaptive, cal), TfliteWriter.WideOutput.FLOAT32, "t"))) {
            for (int k = 0; k < 8; k++) {
                float[] x = image(16, 16);
                byte[] qx = new byte[x.length];
                float[] dq = new float[x.length];
                for (int i = 0; i < x.length; i++) { qx[i] = Calibration.INPUT.quantize(x[i]); dq[i] = Calibration.INPUT.dequantize(qx[i]); }
                assertArrayEquals(ref.run(dq), tfl.runInt8ToFloat(qx), 2e-4f, "16x8 with adaptive weights vs the float graph of those weights");
            }
        }
    }

    @Test
    void sequentialRoundingLandsOnTheGridAndBringsTheInt8NetworkCloserToFloat() {
        Graph g = net();
        List<float[][]> calib = runs(g, 60), heldOut = runs(g, 60);
        var cal = new Calibration(g);
        for (float[][] v : calib) cal.observe(v);
        Graph sequential = copy(g), adaptive = copy(g);
        var r = WeightRounding.applySequential(sequential, calib.stream().map(v -> v[g.input()]).toList(), cal.quantization());
        WeightRounding.apply(adaptive, calib);
        assertTrue(r.flipped() > 0 && r.after() < r.before(), r.toString());
        for (int k = 0; k < g.ops().size(); k++) {
            Op was = g.ops().get(k), now = sequential.ops().get(k);
            if (!(was instanceof Conv || was instanceof Depthwise)) continue;
            float[] s = scales(was), w0 = weights(was), w1 = weights(now);
            assertArrayEquals(s, scales(now), 0f, "scales changed");
            for (int i = 0; i < w0.length; i++) {
                double q = w1[i] / s[channel(was, i)];
                assertEquals(Math.rint(q), q, 1e-3, "weight " + i + " is off its grid");
                assertTrue(Math.abs(q - w0[i] / s[channel(was, i)]) < 1, "weight " + i + " moved more than a step");
            }
        }
        // End to end, the int8 simulation's logits on held-out inputs against the float network's.
        int logits = g.tensors().stream().filter(t -> t.name().equals("logits")).findFirst().orElseThrow().id();
        double near = logitError(g, nearest(g), cal, heldOut, logits), ada = logitError(g, adaptive, cal, heldOut, logits),
                seq = logitError(g, sequential, cal, heldOut, logits);
        System.out.printf("int8 logit MSE on held-out inputs: nearest %.4g, adaptive %.4g, sequential %.4g%n", near, ada, seq);
        assertTrue(seq < ada && seq < 0.8 * near, "sequential " + seq + " vs adaptive " + ada + ", nearest " + near);
    }

    private static double logitError(Graph g, Graph rounded, Calibration cal, List<float[][]> runs, int logits) {
        var sim = new QuantSim(rounded);
        double se = 0;
        long n = 0;
        for (float[][] v : runs) {
            float[][] start = new float[g.tensors().size()][];
            start[g.input()] = v[g.input()];
            float[] y = sim.runFrom(0, start, cal.quantization())[logits];
            for (int i = 0; i < y.length; i++) { se += (y[i] - v[logits][i]) * (double) (y[i] - v[logits][i]); n++; }
        }
        return se / n;
    }

    private static Calibration.Quant[] wideAll(Graph g, Calibration cal) {
        Calibration.Quant[] all = cal.int16Quantization(), w = new Calibration.Quant[all.length];
        for (Op op : g.ops()) w[op.out()] = all[op.out()];
        return w;
    }

    private static int in(Op op) {
        return op instanceof Conv c ? c.in() : ((Depthwise) op).in();
    }

    /** A one-op graph of the layer {@code op} (its activation left out), on an input of {@code shape}. */
    private static Graph alone(Op op, int[] shape) {
        Graph one = new Graph(shape[1], shape[2], shape[3]);
        int out = switch (op) {
            case Conv c -> one.conv("c", one.input(), c.weights(), c.o(), c.kh(), c.kw(), c.bias(), c.stride(), c.same(), false);
            case Depthwise d -> one.depthwise("d", one.input(), d.weights(), d.kh(), d.kw(), d.bias(), d.stride(), d.same(), false);
            default -> throw new AssertionError();
        };
        one.output(out);
        return one;
    }
}
