package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Add;
import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Mean;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;

/**
 * Runs a {@link Graph} in plain Java float arithmetic: the reference the exported TFLite models
 * are tested against, and the source of activation ranges for int8 calibration.
 */
public final class Reference {
    private final Graph g;

    public Reference(Graph g) { this.g = g; }

    /** Every tensor's values for one input (NHWC, batch 1), indexed by tensor id. */
    public float[][] runAll(float[] input) {
        float[][] v = new float[g.tensors.size()][];
        if (input.length != g.tensor(g.input).size())
            throw new IllegalArgumentException("input has " + input.length + " values, expected " + g.tensor(g.input).size());
        v[g.input] = input;
        for (Op op : g.ops) v[op.out()] = run(op, v);
        return v;
    }

    public float[] run(float[] input) { return runAll(input)[g.output]; }

    /** One op on the values in {@code v} (by tensor id), with the op's own weights: it need not be the graph's now. */
    float[] run(Op op, float[][] v) {
        return switch (op) {
            case Conv c -> conv(c, v[c.in()]);
            case Depthwise d -> depthwise(d, v[d.in()]);
            case MaxPool p -> maxPool(p, v[p.in()]);
            case Add a -> { float[] r = v[a.a()].clone(); float[] b = v[a.b()]; for (int i = 0; i < r.length; i++) r[i] += b[i]; yield r; }
            case Mean m -> mean(m, v[m.in()]);
            case Softmax s -> softmax(v[s.in()]);
        };
    }

    private float[] conv(Conv c, float[] x) {
        int[] is = g.tensor(c.in()).shape(), os = g.tensor(c.out()).shape();
        int ih = is[1], iw = is[2], oh = os[1], ow = os[2];
        int pt = Graph.padBefore(ih, c.kh(), c.stride(), c.same()), pl = Graph.padBefore(iw, c.kw(), c.stride(), c.same());
        float[] y = new float[oh * ow * c.o()];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < c.o(); o++) {
                    double acc = c.bias()[o];
                    for (int ky = 0; ky < c.kh(); ky++) {
                        int iy = oy * c.stride() + ky - pt;
                        if (iy < 0 || iy >= ih) continue;
                        for (int kx = 0; kx < c.kw(); kx++) {
                            int ix = ox * c.stride() + kx - pl;
                            if (ix < 0 || ix >= iw) continue;
                            int xb = (iy * iw + ix) * c.ic(), wb = ((o * c.kh() + ky) * c.kw() + kx) * c.ic();
                            for (int i = 0; i < c.ic(); i++) acc += x[xb + i] * c.weights()[wb + i];
                        }
                    }
                    y[(oy * ow + ox) * c.o() + o] = (float) (c.relu() ? Math.max(0, acc) : acc);
                }
        return y;
    }

    private float[] depthwise(Depthwise d, float[] x) {
        int[] is = g.tensor(d.in()).shape(), os = g.tensor(d.out()).shape();
        int ih = is[1], iw = is[2], oh = os[1], ow = os[2], ch = d.c();
        int pt = Graph.padBefore(ih, d.kh(), d.stride(), d.same()), pl = Graph.padBefore(iw, d.kw(), d.stride(), d.same());
        float[] y = new float[oh * ow * ch];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < ch; c++) {
                    double acc = d.bias()[c];
                    for (int ky = 0; ky < d.kh(); ky++) {
                        int iy = oy * d.stride() + ky - pt;
                        if (iy < 0 || iy >= ih) continue;
                        for (int kx = 0; kx < d.kw(); kx++) {
                            int ix = ox * d.stride() + kx - pl;
                            if (ix < 0 || ix >= iw) continue;
                            acc += x[(iy * iw + ix) * ch + c] * d.weights()[(ky * d.kw() + kx) * ch + c];
                        }
                    }
                    y[(oy * ow + ox) * ch + c] = (float) (d.relu() ? Math.max(0, acc) : acc);
                }
        return y;
    }

    /** Max pool; padded positions are ignored (as TFLite does), not counted as zeros. */
    private float[] maxPool(MaxPool p, float[] x) {
        int[] is = g.tensor(p.in()).shape(), os = g.tensor(p.out()).shape();
        int ih = is[1], iw = is[2], ch = is[3], oh = os[1], ow = os[2], k = p.k(), stride = p.stride();
        int pt = Graph.padBefore(ih, k, stride, p.same()), pl = Graph.padBefore(iw, k, stride, p.same());
        float[] y = new float[oh * ow * ch];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int c = 0; c < ch; c++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * stride + ky - pt;
                        if (iy < 0 || iy >= ih) continue;
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * stride + kx - pl;
                            if (ix >= 0 && ix < iw) m = Math.max(m, x[(iy * iw + ix) * ch + c]);
                        }
                    }
                    y[(oy * ow + ox) * ch + c] = m;
                }
        return y;
    }

    private float[] mean(Mean m, float[] x) {
        int ch = g.tensor(m.in()).shape()[3], n = x.length / ch;
        double[] sum = new double[ch];
        for (int i = 0; i < x.length; i++) sum[i % ch] += x[i];
        float[] y = new float[ch];
        for (int c = 0; c < ch; c++) y[c] = (float) (sum[c] / n);
        return y;
    }

    static float[] softmax(float[] x) {
        double m = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : x) m = Math.max(m, v);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) { y[i] = (float) Math.exp(x[i] - m); sum += y[i]; }
        for (int i = 0; i < x.length; i++) y[i] /= (float) sum;
        return y;
    }
}
