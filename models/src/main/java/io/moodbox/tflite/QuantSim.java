package io.moodbox.tflite;

import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph.Add;
import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Mean;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;

import java.util.List;

/**
 * The int8 model simulated in float arithmetic, op by op: weights rounded per channel as
 * {@link TfliteWriter} rounds them, biases rounded to int32 at input scale x weight scale, and
 * every op's output rounded to its tensor's (scale, zero point). Not bit-exact (TFLite requantizes
 * with fixed-point multipliers), but close enough to rank activation ranges. One thread per
 * instance's caller; the instance itself is immutable after construction.
 */
final class QuantSim {
    private final Graph g;
    private final List<Op> ops;
    /** Per op: rounded weights, conv as [kh][kw][ic][o] so the innermost loop runs over outputs. */
    private final float[][] w;
    private final float[][] wScale;
    /** Per tensor: index of the last op that reads it (-1: none). */
    final int[] lastUse;

    QuantSim(Graph g) {
        this.g = g;
        ops = g.ops;
        w = new float[ops.size()][];
        wScale = new float[ops.size()][];
        lastUse = new int[g.tensors.size()];
        java.util.Arrays.fill(lastUse, -1);
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            switch (op) {
                case Conv c -> {
                    float[] s = TfliteWriter.weightScales(c.weights(), c.o(), 0);
                    int per = c.kh() * c.kw() * c.ic();
                    float[] r = new float[c.weights().length];
                    for (int o = 0; o < c.o(); o++)
                        for (int i = 0; i < per; i++) r[i * c.o() + o] = round(c.weights()[o * per + i], s[o]);
                    w[k] = r;
                    wScale[k] = s;
                    lastUse[c.in()] = k;
                }
                case Depthwise d -> {
                    float[] s = TfliteWriter.weightScales(d.weights(), d.c(), 3);
                    float[] r = new float[d.weights().length];
                    for (int i = 0; i < r.length; i++) r[i] = round(d.weights()[i], s[i % d.c()]);
                    w[k] = r;
                    wScale[k] = s;
                    lastUse[d.in()] = k;
                }
                case MaxPool p -> lastUse[p.in()] = k;
                case Mean m -> lastUse[m.in()] = k;
                case Add a -> { lastUse[a.a()] = k; lastUse[a.b()] = k; }
                case Softmax s -> lastUse[s.in()] = k;
            }
        }
    }

    private static float round(float v, float scale) {
        return Math.max(-127, Math.min(127, Math.round(v / scale))) * scale;
    }

    int ops() { return ops.size(); }

    /** Runs op {@code k} on the values in {@code v} (by tensor id) under activation quantization {@code q}. */
    float[] run(int k, float[][] v, Quant[] q) {
        Op op = ops.get(k);
        return switch (op) {
            case Conv c -> conv(k, c, v[c.in()], q[c.in()].scale(), q[c.out()]);
            case Depthwise d -> depthwise(k, d, v[d.in()], q[d.in()].scale(), q[d.out()]);
            case MaxPool p -> maxPool(p, v[p.in()]);
            case Add a -> {
                float[] x = v[a.a()], y = v[a.b()], r = new float[x.length];
                Quant o = q[a.out()];
                for (int i = 0; i < r.length; i++) r[i] = fq(x[i] + y[i], o);
                yield r;
            }
            case Mean m -> {
                float[] x = v[m.in()];
                int ch = g.tensor(m.in()).shape()[3], n = x.length / ch;
                double[] sum = new double[ch];
                for (int i = 0; i < x.length; i++) sum[i % ch] += x[i];
                float[] r = new float[ch];
                for (int c = 0; c < ch; c++) r[c] = fq((float) (sum[c] / n), q[m.out()]);
                yield r;
            }
            case Softmax s -> {
                float[] r = Reference.softmax(v[s.in()]);
                for (int i = 0; i < r.length; i++) r[i] = fq(r[i], q[s.out()]);
                yield r;
            }
        };
    }

    /** Runs ops {@code from..end} on a copy of {@code v}'s references; returns all values. */
    float[][] runFrom(int from, float[][] v, Quant[] q) {
        float[][] r = v.clone();
        for (int k = from; k < ops.size(); k++) r[ops.get(k).out()] = run(k, r, q);
        return r;
    }

    /** Fake quantization: round to the int8 grid of {@code q}, saturating, back to real. */
    static float fq(float v, Quant q) {
        int i = Math.round(v / q.scale()) + q.zeroPoint();
        return (Math.max(-128, Math.min(127, i)) - q.zeroPoint()) * q.scale();
    }

    private float[] bias(float[] b, float inScale, float[] ws) {
        float[] r = new float[b.length];
        for (int c = 0; c < b.length; c++) {
            double s = (double) inScale * ws[c];
            r[c] = (float) (Math.round(b[c] / s) * s);
        }
        return r;
    }

    private float[] conv(int k, Conv c, float[] x, float inScale, Quant out) {
        int[] is = g.tensor(c.in()).shape(), os = g.tensor(c.out()).shape();
        int ih = is[1], iw = is[2], oh = os[1], ow = os[2], ic = c.ic(), oc = c.o();
        int pt = Graph.padBefore(ih, c.kh(), c.stride(), c.same()), pl = Graph.padBefore(iw, c.kw(), c.stride(), c.same());
        float[] wk = w[k], b = bias(c.bias(), inScale, wScale[k]);
        float[] y = new float[oh * ow * oc], acc = new float[oc];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                System.arraycopy(b, 0, acc, 0, oc);
                for (int ky = 0; ky < c.kh(); ky++) {
                    int iy = oy * c.stride() + ky - pt;
                    if (iy < 0 || iy >= ih) continue;
                    for (int kx = 0; kx < c.kw(); kx++) {
                        int ix = ox * c.stride() + kx - pl;
                        if (ix < 0 || ix >= iw) continue;
                        int xb = (iy * iw + ix) * ic, wb = (ky * c.kw() + kx) * ic * oc;
                        for (int i = 0; i < ic; i++) {
                            float xv = x[xb + i];
                            if (xv == 0) continue;                 // ReLU zeros: common, free to skip
                            int wo = wb + i * oc;
                            for (int o = 0; o < oc; o++) acc[o] += xv * wk[wo + o];
                        }
                    }
                }
                int yb = (oy * ow + ox) * oc;
                for (int o = 0; o < oc; o++) y[yb + o] = fq(c.relu() ? Math.max(0, acc[o]) : acc[o], out);
            }
        return y;
    }

    private float[] depthwise(int k, Depthwise d, float[] x, float inScale, Quant out) {
        int[] is = g.tensor(d.in()).shape(), os = g.tensor(d.out()).shape();
        int ih = is[1], iw = is[2], oh = os[1], ow = os[2], ch = d.c();
        int pt = Graph.padBefore(ih, d.kh(), d.stride(), d.same()), pl = Graph.padBefore(iw, d.kw(), d.stride(), d.same());
        float[] wk = w[k], b = bias(d.bias(), inScale, wScale[k]);
        float[] y = new float[oh * ow * ch], acc = new float[ch];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                System.arraycopy(b, 0, acc, 0, ch);
                for (int ky = 0; ky < d.kh(); ky++) {
                    int iy = oy * d.stride() + ky - pt;
                    if (iy < 0 || iy >= ih) continue;
                    for (int kx = 0; kx < d.kw(); kx++) {
                        int ix = ox * d.stride() + kx - pl;
                        if (ix < 0 || ix >= iw) continue;
                        int xb = (iy * iw + ix) * ch, wb = (ky * d.kw() + kx) * ch;
                        for (int c = 0; c < ch; c++) acc[c] += x[xb + c] * wk[wb + c];
                    }
                }
                int yb = (oy * ow + ox) * ch;
                for (int c = 0; c < ch; c++) y[yb + c] = fq(d.relu() ? Math.max(0, acc[c]) : acc[c], out);
            }
        return y;
    }

    /** Max of already rounded values is rounded: the pool keeps its input's quantization. */
    private float[] maxPool(MaxPool p, float[] x) {
        int[] is = g.tensor(p.in()).shape(), os = g.tensor(p.out()).shape();
        int ih = is[1], iw = is[2], ch = is[3], oh = os[1], ow = os[2], k = p.k(), stride = p.stride();
        int pt = Graph.padBefore(ih, k, stride, p.same()), pl = Graph.padBefore(iw, k, stride, p.same());
        float[] y = new float[oh * ow * ch];
        java.util.Arrays.fill(y, Float.NEGATIVE_INFINITY);
        for (int oy = 0; oy < oh; oy++)
            for (int ky = 0; ky < k; ky++) {
                int iy = oy * stride + ky - pt;
                if (iy < 0 || iy >= ih) continue;
                for (int ox = 0; ox < ow; ox++)
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * stride + kx - pl;
                        if (ix < 0 || ix >= iw) continue;
                        int xb = (iy * iw + ix) * ch, yb = (oy * ow + ox) * ch;
                        for (int c = 0; c < ch; c++) y[yb + c] = Math.max(y[yb + c], x[xb + c]);
                    }
            }
        return y;
    }
}
