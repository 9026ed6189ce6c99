package io.moodbox.tflite;

import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;

import java.util.Arrays;

/**
 * Activation ranges seen by the float {@link Reference} on calibration images, turned into
 * int8 per-tensor (scale, zero point) pairs that obey TFLite's kernel constraints: max-pools
 * keep their input's quantization, softmax outputs 1/256 with zero point -128, and the
 * input is pixel/255 (scale 1/255, zero point -128, so q = pixel - 128).
 */
public final class Calibration {

    /** real = scale * (q - zeroPoint), q in [-128, 127]. */
    public record Quant(float scale, int zeroPoint) {
        public byte quantize(float real) {
            return (byte) Math.max(-128, Math.min(127, Math.round(real / scale) + zeroPoint));
        }

        public float dequantize(int q) { return scale * (q - zeroPoint); }
    }

    public static final Quant INPUT = new Quant(1f / 255f, -128);
    public static final Quant SOFTMAX = new Quant(1f / 256f, -128);

    private static final int KEEP = 1 << 18;          // values sampled per tensor for percentiles

    private final Graph g;
    private final float[] min, max;
    private final double percentile;
    private final float[][] kept;
    private final int[] keptCount;
    private final java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
    private int samples;

    /** Ranges from the minimum and maximum seen. */
    public Calibration(Graph g) {
        this(g, 100);
    }

    /**
     * Ranges from the {@code percentile} (and 100 - it) of a random sample of each tensor's values,
     * so a few outliers don't coarsen every other value's step; 100 = min/max.
     */
    public Calibration(Graph g, double percentile) {
        this.g = g;
        this.percentile = percentile;
        min = new float[g.tensors.size()];
        max = new float[g.tensors.size()];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        kept = percentile < 100 ? new float[g.tensors.size()][KEEP] : null;
        keptCount = new int[g.tensors.size()];
    }

    /** Records the ranges of one reference run (all tensors, from {@link Reference#runAll}). */
    public void observe(float[][] values) {
        for (int t = 0; t < values.length; t++) {
            for (float v : values[t]) {
                if (v < min[t]) min[t] = v;
                if (v > max[t]) max[t] = v;
            }
            if (kept != null) {
                // Reservoir sampling: every value seen so far has the same chance to be kept.
                for (float v : values[t]) {
                    int n = keptCount[t]++;
                    if (n < KEEP) kept[t][n] = v;
                    else { long j = rnd.nextLong(n + 1L); if (j < KEEP) kept[t][(int) j] = v; }
                }
            }
        }
        samples++;
    }

    public int samples() { return samples; }

    /** Whether value samples were kept (a percentile below 100), as {@link RangeSearch} needs. */
    boolean sampled() { return kept != null; }

    /** The kept sample of one tensor's values, sorted ascending. */
    float[] sortedSample(int t) {
        if (kept == null) throw new IllegalStateException("min/max calibration keeps no samples");
        float[] v = Arrays.copyOf(kept[t], Math.min(keptCount[t], KEEP));
        Arrays.sort(v);
        return v;
    }

    /**
     * Checks a full activation quantization against TFLite's int8 kernel constraints: the input
     * at {@link #INPUT}, softmax outputs at {@link #SOFTMAX}, each max-pool at its input's.
     */
    public static void checkKernelConstraints(Graph g, Quant[] q) {
        if (q.length != g.tensors.size())
            throw new IllegalArgumentException("quantization for " + q.length + " tensors, the graph has " + g.tensors.size());
        if (!INPUT.equals(q[g.input])) throw new IllegalArgumentException("input must be quantized as " + INPUT + ", not " + q[g.input]);
        for (Op op : g.ops) {
            Quant o = q[op.out()];
            String name = g.tensor(op.out()).name();
            if (o == null || !(o.scale() > 0) || o.zeroPoint() < -128 || o.zeroPoint() > 127)
                throw new IllegalArgumentException(name + ": no valid int8 quantization (" + o + ")");
            if (op instanceof MaxPool p && !o.equals(q[p.in()]))
                throw new IllegalArgumentException(name + ": a max-pool must keep its input's quantization " + q[p.in()] + ", not " + o);
            if (op instanceof Softmax && !SOFTMAX.equals(o))
                throw new IllegalArgumentException(name + ": softmax output must be " + SOFTMAX + ", not " + o);
        }
    }

    /** Quantization of every activation tensor, by tensor id. */
    public Quant[] quantization() {
        if (samples == 0) throw new IllegalStateException("calibration saw no images");
        Quant[] q = new Quant[g.tensors.size()];
        q[g.input] = INPUT;
        for (Op op : g.ops) {
            q[op.out()] = switch (op) {
                case MaxPool p -> q[p.in()];
                case Softmax s -> SOFTMAX;
                default -> kept == null ? fromRange(min[op.out()], max[op.out()]) : fromPercentile(op.out());
            };
        }
        return q;
    }

    /**
     * int16 quantization of every tensor for {@link TfliteWriter#int16x8}: symmetric (zero point 0)
     * over the largest magnitude seen, min/max (int16's step is 256 times finer, so clipping
     * outliers buys nothing); max-pools keep their input's, softmax is {@link TfliteWriter#SOFTMAX16}.
     * The input gets one too, for where an int16 op reads it.
     */
    public Quant[] int16Quantization() {
        if (samples == 0) throw new IllegalStateException("calibration saw no images");
        Quant[] q = new Quant[g.tensors.size()];
        q[g.input] = symmetric16(Math.max(Math.abs(min[g.input]), Math.abs(max[g.input])));
        for (Op op : g.ops) {
            q[op.out()] = switch (op) {
                case MaxPool p -> q[p.in()];
                case Softmax s -> TfliteWriter.SOFTMAX16;
                default -> symmetric16(Math.max(Math.abs(min[op.out()]), Math.abs(max[op.out()])));
            };
        }
        return q;
    }

    /** Symmetric int16 covering [-absMax, absMax]: real = scale * q, q in [-32767, 32767]. */
    public static Quant symmetric16(float absMax) {
        return new Quant(Math.max(absMax / 32767f, 1e-10f), 0);
    }

    private Quant fromPercentile(int t) {
        float[] v = sortedSample(t);
        int n = v.length;
        int lo = (int) Math.floor((100 - percentile) / 100 * (n - 1)), hi = (int) Math.ceil(percentile / 100 * (n - 1));
        return fromRange(v[lo], v[hi]);
    }

    /** Asymmetric int8 covering [lo, hi] and exactly representing 0. */
    static Quant fromRange(float lo, float hi) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        float scale = Math.max((hi - lo) / 255f, 1e-8f);
        int zp = Math.round(-128 - lo / scale);
        return new Quant(scale, Math.max(-128, Math.min(127, zp)));
    }
}
