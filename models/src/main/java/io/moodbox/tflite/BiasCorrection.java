package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.Op;

/**
 * Empirical bias correction (after Nagel et al., "Data-Free Quantization", 2019). Rounding a
 * channel's weights to int8 shifts the mean of its output a little, the same way on every
 * image; through a dozen layers those shifts add up and move the logits. Each conv and
 * depthwise is run with its int8-rounded weights on the float network's own inputs, and the mean
 * difference per output channel over calibration images is taken off its bias.
 */
public final class BiasCorrection {
    private BiasCorrection() {}

    /** Corrects the biases of {@code g} in place from runs on {@code inputs}; returns the largest shift applied. */
    public static float apply(Graph g, Iterable<float[]> inputs) {
        Graph rounded = roundedTwin(g);
        var exact = new Reference(g);
        var quant = new Reference(rounded);
        double[][] sum = new double[g.tensors.size()][];
        long[] count = new long[g.tensors.size()];
        for (float[] x : inputs) {
            float[][] f = exact.runAll(x);
            // Each op of the rounded twin sees the float network's inputs: only its own rounding shows.
            quant.runAll(x, (t, v) -> {
                if (t == g.input) return v;
                int[] s = g.tensor(t).shape();
                int c = s[s.length - 1];
                if (sum[t] == null) sum[t] = new double[c];
                for (int i = 0; i < v.length; i++) sum[t][i % c] += v[i] - f[t][i];
                count[t] += v.length / c;
                return f[t];
            });
        }
        float largest = 0;
        for (int i = 0; i < g.ops.size(); i++) {
            Op op = g.ops.get(i);
            if (count[op.out()] == 0) continue;
            float[] shift = new float[sum[op.out()].length];
            for (int c = 0; c < shift.length; c++) {
                shift[c] = (float) (sum[op.out()][c] / count[op.out()]);
                largest = Math.max(largest, Math.abs(shift[c]));
            }
            switch (op) {
                case Conv c -> g.ops.set(i, new Conv(c.in(), c.out(), c.weights(), c.o(), c.kh(), c.kw(), c.ic(),
                        minus(c.bias(), shift), c.stride(), c.same(), c.relu()));
                case Depthwise d -> g.ops.set(i, new Depthwise(d.in(), d.out(), d.weights(), d.kh(), d.kw(), d.c(),
                        minus(d.bias(), shift), d.stride(), d.same(), d.relu()));
                default -> { }
            }
        }
        return largest;
    }

    /** A copy of {@code g} whose conv and depthwise weights are rounded as the int8 writer rounds them. */
    static Graph roundedTwin(Graph g) {
        Graph r = new Graph(1, 1, 1);
        r.tensors.clear();
        r.tensors.addAll(g.tensors);
        r.output = g.output;
        for (Op op : g.ops) {
            r.ops.add(switch (op) {
                case Conv c -> new Conv(c.in(), c.out(), TfliteWriter.roundTrip(c.weights(), c.o(), 0), c.o(), c.kh(), c.kw(),
                        c.ic(), c.bias(), c.stride(), c.same(), c.relu());
                case Depthwise d -> new Depthwise(d.in(), d.out(), TfliteWriter.roundTrip(d.weights(), d.c(), 3), d.kh(), d.kw(),
                        d.c(), d.bias(), d.stride(), d.same(), d.relu());
                default -> op;
            });
        }
        return r;
    }

    private static float[] minus(float[] a, float[] b) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] -= b[i];
        return r;
    }
}
