package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.Op;

import java.util.List;

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

    /**
     * Adaptive rounding layer by layer on the int8 network's own inputs (AdaRound's sequential
     * form): op by op, each layer's input patches x come from the int8 simulation ({@link QuantSim}
     * under {@code q}) of the layers before it, already rounded, and the target stays the float
     * network's output W x_f, so the objective E[(W_q x - W x_f)^2] = d' C d + 2 d' E[x e] + E[e^2]
     * (e = W (x - x_f)) lets this layer's rounding make up for the error the earlier ones and the
     * int8 activations left. {@code inputs} are calibration faces (the graph's input values).
     */
    public static Result applySequential(Graph g, List<float[]> inputs, Calibration.Quant[] q) {
        int n = g.ops.size(), faces = inputs.size();
        List<Op> floatOps = List.copyOf(g.ops);
        var ref = new Reference(g);
        int[] lastUse = new QuantSim(g).lastUse;
        float[][][] fv = new float[faces][][], qv = new float[faces][][];
        for (int f = 0; f < faces; f++) {
            fv[f] = new float[g.tensors.size()][];
            qv[f] = new float[g.tensors.size()][];
            fv[f][g.input] = inputs.get(f);
            qv[f][g.input] = inputs.get(f);
        }
        int flipped = 0, weights = 0;
        double before = 0, after = 0;
        for (int i = 0; i < n; i++) {
            Op op = g.ops.get(i);
            if (op instanceof Conv c) {
                int k = c.kh() * c.kw() * c.ic();
                double[] m = new double[k * k], lin = new double[c.o() * k];
                for (int f = 0; f < faces; f++)
                    accumulate(g, c.in(), c.out(), c.kh(), c.kw(), c.stride(), c.same(), c.ic(), qv[f][c.in()], fv[f][c.in()],
                            c.weights(), c.o(), m, lin, -1);
                float[] w = c.weights().clone(), s = TfliteWriter.weightScales(w, c.o(), 0);
                for (int o = 0; o < c.o(); o++) {
                    int[] idx = new int[k];
                    for (int j = 0; j < k; j++) idx[j] = o * k + j;
                    double[] r = round(w, idx, s[o], m, lin, o * k, k);
                    flipped += (int) r[0]; before += r[1]; after += r[2];
                }
                weights += w.length;
                g.ops.set(i, new Conv(c.in(), c.out(), w, c.o(), c.kh(), c.kw(), c.ic(), c.bias(), c.stride(), c.same(), c.relu()));
            } else if (op instanceof Depthwise d) {
                int k = d.kh() * d.kw();
                float[] w = d.weights().clone(), s = TfliteWriter.weightScales(w, d.c(), 3);
                for (int ch = 0; ch < d.c(); ch++) {
                    double[] m = new double[k * k], lin = new double[k];
                    for (int f = 0; f < faces; f++)
                        accumulate(g, d.in(), d.out(), d.kh(), d.kw(), d.stride(), d.same(), 1, qv[f][d.in()], fv[f][d.in()],
                                d.weights(), d.c(), m, lin, ch);
                    int[] idx = new int[k];
                    for (int j = 0; j < k; j++) idx[j] = j * d.c() + ch;
                    double[] r = round(w, idx, s[ch], m, lin, 0, k);
                    flipped += (int) r[0]; before += r[1]; after += r[2];
                }
                weights += w.length;
                g.ops.set(i, new Depthwise(d.in(), d.out(), w, d.kh(), d.kw(), d.c(), d.bias(), d.stride(), d.same(), d.relu()));
            }
            var sim = new QuantSim(g);                       // its weights are this op's new grid values
            Op floatOp = floatOps.get(i);
            for (int f = 0; f < faces; f++) {
                fv[f][op.out()] = ref.run(floatOp, fv[f]);
                qv[f][op.out()] = sim.run(i, qv[f], q);
                for (int t = 0; t < lastUse.length; t++)
                    if (lastUse[t] == i) { fv[f][t] = null; qv[f][t] = null; }   // no later op reads it
            }
        }
        return new Result(flipped, weights, before, after);
    }

    /**
     * For every output position: the int8 network's input patch p (zeros where padded) adds p p'
     * to {@code m}, and, per output channel o, p (W_o . (p - p_f)) to {@code lin} (o x k), p_f
     * being the float network's patch. With {@code channel} >= 0 (depthwise) only that channel;
     * with {@code lin} null only {@code m} ({@code xf} and {@code w} unused).
     */
    private static void accumulate(Graph g, int in, int out, int kh, int kw, int stride, boolean same, int ic, float[] x, float[] xf,
                                   float[] w, int oc, double[] m, double[] lin, int channel) {
        int[] is = g.tensor(in).shape(), os = g.tensor(out).shape();
        int ih = is[1], iw = is[2], c = is[3], oh = os[1], ow = os[2], k = kh * kw * ic;
        int pt = Graph.padBefore(ih, kh, stride, same), pl = Graph.padBefore(iw, kw, stride, same);
        float[] p = new float[k], dp = new float[k];
        int outs = channel >= 0 ? 1 : oc;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                java.util.Arrays.fill(p, 0);
                if (lin != null) java.util.Arrays.fill(dp, 0);
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * stride + ky - pt;
                    if (iy < 0 || iy >= ih) continue;
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * stride + kx - pl;
                        if (ix < 0 || ix >= iw) continue;
                        int base = (iy * iw + ix) * c, to = (ky * kw + kx) * ic;
                        if (channel >= 0) p[to] = x[base + channel];
                        else System.arraycopy(x, base, p, to, ic);
                        if (lin == null) continue;
                        if (channel >= 0) dp[to] = x[base + channel] - xf[base + channel];
                        else for (int i = 0; i < ic; i++) dp[to + i] = x[base + i] - xf[base + i];
                    }
                }
                for (int a = 0; a < k; a++) {
                    float pa = p[a];
                    if (pa == 0) continue;
                    int row = a * k;
                    for (int b = 0; b < k; b++) m[row + b] += pa * p[b];
                }
                for (int o = 0; lin != null && o < outs; o++) {
                    double e = 0;
                    if (channel >= 0) for (int j = 0; j < k; j++) e += w[j * oc + channel] * dp[j];
                    else for (int j = 0, wb = o * k; j < k; j++) e += w[wb + j] * dp[j];
                    if (e == 0) continue;
                    int lb = o * k;
                    for (int j = 0; j < k; j++) lin[lb + j] += p[j] * e;
                }
            }
    }

    /** Adds every output position's input patch p (zeros where padded) as p p' to {@code m} (k x k, row-major). */
    private static void accumulate(Graph g, int in, int out, int kh, int kw, int stride, boolean same, int ic, float[] x, double[] m, int channel) {
        accumulate(g, in, out, kh, kw, stride, same, ic, x, null, null, 0, m, null, channel);
    }

    /**
     * One channel's weights w[idx] (scale s) rounded down or up, greedily: from the nearest step,
     * flip the weight whose flip lowers d' C d most until none does. Returns {flips, before, after}.
     */
    private static double[] round(float[] w, int[] idx, float s, double[] m, int k) {
        return round(w, idx, s, m, null, 0, k);
    }

    /**
     * The same with a linear term: the objective is d' C d + 2 d' b (b in weight-step units, from
     * {@code lin} at {@code at}), the output error when the layer's input already carries the
     * int8 network's error. Returns {flips, before, after} without the constant E[e^2].
     */
    private static double[] round(float[] w, int[] idx, float s, double[] m, double[] lin, int at, int k) {
        double[] v = new double[k], d = new double[k], gr = new double[k];
        int[] q = new int[k];
        int keep = -1;
        for (int j = 0; j < k; j++) {
            v[j] = w[idx[j]] / s;
            q[j] = (int) Math.max(-127, Math.min(127, Math.round(v[j])));
            d[j] = q[j] - v[j];
            if (keep < 0 || Math.abs(v[j]) > Math.abs(v[keep])) keep = j;
        }
        // gr = C d + b: half the objective's gradient; before/after = d' (gr + b) = d'Cd + 2d'b.
        double[] lb = new double[k];
        if (lin != null) for (int a = 0; a < k; a++) lb[a] = lin[at + a] / s;
        for (int a = 0; a < k; a++) { double t = lb[a]; for (int b = 0; b < k; b++) t += m[a * k + b] * d[b]; gr[a] = t; }
        double before = 0;
        for (int a = 0; a < k; a++) before += d[a] * (gr[a] + lb[a]);
        int flips = 0;
        for (int step = 0; step < 4 * k; step++) {
            int best = -1;
            double bestGain = -1e-12 * Math.max(Math.abs(before), 1e-30);
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
        for (int a = 0; a < k; a++) after += d[a] * (gr[a] + lb[a]);
        // Count flips as weights off their nearest step (a weight flipped twice is back).
        int off = 0;
        for (int j = 0; j < k; j++) {
            if (q[j] != Math.round(v[j])) off++;
            if (j != keep) w[idx[j]] = s * q[j];
        }
        return new double[] {off, before * s * s, after * s * s};
    }
}
