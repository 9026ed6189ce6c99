package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.Op;

/**
 * Adaptive rounding of the int8 weights (after Nagel et al., "Up or Down? Adaptive Rounding for
 * Post-Training Quantization", 2020, with their layer-wise objective solved greedily): each conv
 * and depthwise weight is moved onto its int8 grid (the writer's per-channel scale, max/127), up or
 * down, so that the rounding error of each output channel, dW, makes the least output error
 * E[(dW . x)^2] = dW' C dW over the layer's input patches x seen on calibration faces (C their
 * second moment), instead of each weight's nearest step. The graph's weights are replaced by
 * the grid values, so the writer's nearest rounding then writes exactly the chosen integers;
 * each channel's largest weight stays where it is, so its scale does not change.
 */
public final class WeightRounding {
    private WeightRounding() {}

    /** What {@link #apply} did: weights moved off their nearest step, and the summed objective before and after. */
    public record Result(int flipped, int weights, double before, double after) {}

    /**
     * Rounds every conv and depthwise weight of {@code g} in place; {@code runs} are reference runs
     * (all tensors) of the float graph on calibration faces.
     */
    public static Result apply(Graph g, Iterable<float[][]> runs) {
        int n = g.ops.size();
        double[][][] second = new double[n][][];           // per op: per channel group (depthwise) or one matrix (conv)
        for (int i = 0; i < n; i++) {
            switch (g.ops.get(i)) {
                case Conv c -> second[i] = new double[1][c.kh() * c.kw() * c.ic() * c.kh() * c.kw() * c.ic()];
                case Depthwise d -> second[i] = new double[d.c()][d.kh() * d.kw() * d.kh() * d.kw()];
                default -> { }
            }
        }
        for (float[][] v : runs)
            for (int i = 0; i < n; i++) {
                switch (g.ops.get(i)) {
                    case Conv c -> accumulate(g, c.in(), c.out(), c.kh(), c.kw(), c.stride(), c.same(), c.ic(), v[c.in()], second[i][0], -1);
                    case Depthwise d -> {
                        for (int ch = 0; ch < d.c(); ch++)
                            accumulate(g, d.in(), d.out(), d.kh(), d.kw(), d.stride(), d.same(), 1, v[d.in()], second[i][ch], ch);
                    }
                    default -> { }
                }
            }
        int flipped = 0, weights = 0;
        double before = 0, after = 0;
        for (int i = 0; i < n; i++) {
            Op op = g.ops.get(i);
            if (op instanceof Conv c) {
                float[] w = c.weights().clone(), s = TfliteWriter.weightScales(w, c.o(), 0);
                int k = w.length / c.o();
                for (int o = 0; o < c.o(); o++) {
                    int[] idx = new int[k];
                    for (int j = 0; j < k; j++) idx[j] = o * k + j;
                    double[] r = round(w, idx, s[o], second[i][0], k);
                    flipped += (int) r[0]; before += r[1]; after += r[2];
                }
                weights += w.length;
                g.ops.set(i, new Conv(c.in(), c.out(), w, c.o(), c.kh(), c.kw(), c.ic(), c.bias(), c.stride(), c.same(), c.relu()));
            } else if (op instanceof Depthwise d) {
                float[] w = d.weights().clone(), s = TfliteWriter.weightScales(w, d.c(), 3);
                int k = d.kh() * d.kw();
                for (int ch = 0; ch < d.c(); ch++) {
                    int[] idx = new int[k];
                    for (int j = 0; j < k; j++) idx[j] = j * d.c() + ch;
                    double[] r = round(w, idx, s[ch], second[i][ch], k);
                    flipped += (int) r[0]; before += r[1]; after += r[2];
                }
                weights += w.length;
                g.ops.set(i, new Depthwise(d.in(), d.out(), w, d.kh(), d.kw(), d.c(), d.bias(), d.stride(), d.same(), d.relu()));
            }
        }
        return new Result(flipped, weights, before, after);
    }

    /** Adds every output position's input patch p (zeros where padded) as p p' to {@code m} (k x k, row-major). */
    private static void accumulate(Graph g, int in, int out, int kh, int kw, int stride, boolean same, int ic, float[] x, double[] m, int channel) {
        int[] is = g.tensor(in).shape(), os = g.tensor(out).shape();
        int ih = is[1], iw = is[2], c = is[3], oh = os[1], ow = os[2], k = kh * kw * ic;
        int pt = Graph.padBefore(ih, kh, stride, same), pl = Graph.padBefore(iw, kw, stride, same);
        float[] p = new float[k];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                java.util.Arrays.fill(p, 0);
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - pt;
                    if (iy < 0 || iy >= ih) continue;
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - pl;
                        if (ix < 0 || ix >= iw) continue;
                        int base = (iy * iw + ix) * c, to = (ky * kw + kx) * ic;
                        if (channel >= 0) p[to] = x[base + channel];
                        else System.arraycopy(x, base, p, to, ic);
                    }
                }
                for (int a = 0; a < k; a++) {
                    float pa = p[a];
                    if (pa == 0) continue;
                    int row = a * k;
                    for (int b = 0; b < k; b++) m[row + b] += pa * p[b];
                }
            }
    }

    /**
     * One channel's weights w[idx] (scale s) rounded down or up, greedily: from the nearest step,
     * flip the weight whose flip lowers d' C d most until none does. Returns {flips, before, after}.
     */
    private static double[] round(float[] w, int[] idx, float s, double[] m, int k) {
        double[] v = new double[k], d = new double[k], gr = new double[k];
        int[] q = new int[k];
        int keep = -1;
        for (int j = 0; j < k; j++) {
            v[j] = w[idx[j]] / s;
            q[j] = (int) Math.max(-127, Math.min(127, Math.round(v[j])));
            d[j] = q[j] - v[j];
            if (keep < 0 || Math.abs(v[j]) > Math.abs(v[keep])) keep = j;
        }
        for (int a = 0; a < k; a++) { double t = 0; for (int b = 0; b < k; b++) t += m[a * k + b] * d[b]; gr[a] = t; }
        double before = 0;
        for (int a = 0; a < k; a++) before += d[a] * gr[a];
        int flips = 0;
        for (int step = 0; step < 4 * k; step++) {
            int best = -1;
            double bestGain = -1e-12 * Math.max(before, 1e-30);
            for (int j = 0; j < k; j++) {
                if (j == keep) continue;
                int alt = q[j] >= v[j] ? q[j] - 1 : q[j] + 1;          // the other neighbour of v[j]
                if (alt < -127 || alt > 127 || Math.abs(alt - v[j]) >= 1) continue;
                double delta = alt - q[j];
                double change = 2 * delta * gr[j] + delta * delta * m[j * k + j];
                if (change < bestGain) { bestGain = change; best = j; }
            }
            if (best < 0) break;
            int alt = q[best] >= v[best] ? q[best] - 1 : q[best] + 1;
            double delta = alt - q[best];
            q[best] = alt;
            d[best] += delta;
            for (int a = 0; a < k; a++) gr[a] += delta * m[a * k + best];
            flips++;
        }
        double after = 0;
        for (int a = 0; a < k; a++) after += d[a] * gr[a];
        // Count flips as weights off their nearest step (a weight flipped twice is back).
        int off = 0;
        for (int j = 0; j < k; j++) {
            if (q[j] != Math.round(v[j])) off++;
            if (j != keep) w[idx[j]] = s * q[j];
        }
        return new double[] {off, before * s * s, after * s * s};
    }
}
