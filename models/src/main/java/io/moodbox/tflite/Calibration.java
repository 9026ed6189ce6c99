package io.moodbox.tflite;

import io.moodbox.tflite.Graph.AvgPool;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Reshape;
import io.moodbox.tflite.Graph.Softmax;

import java.util.Arrays;

/**
 * Activation ranges seen by the float {@link Reference} on calibration images, turned into
 * int8 per-tensor (scale, zero point) pairs that obey TFLite's kernel constraints: pools and
 * reshapes keep their input's quantization, softmax outputs 1/256 with zero point -128, and the
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

    private final Graph g;
    private final float[] min, max;
    private int samples;

    public Calibration(Graph g) {
        this.g = g;
        min = new float[g.tensors.size()];
        max = new float[g.tensors.size()];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    /** Records the ranges of one reference run (all tensors, from {@link Reference#runAll}). */
    public void observe(float[][] values) {
        for (int t = 0; t < values.length; t++) {
            for (float v : values[t]) {
                if (v < min[t]) min[t] = v;
                if (v > max[t]) max[t] = v;
            }
        }
        samples++;
    }

    public int samples() { return samples; }

    /** Quantization of every activation tensor, by tensor id. */
    public Quant[] quantization() {
        if (samples == 0) throw new IllegalStateException("calibration saw no images");
        Quant[] q = new Quant[g.tensors.size()];
        q[g.input] = INPUT;
        for (Op op : g.ops) {
            q[op.out()] = switch (op) {
                case MaxPool p -> q[p.in()];
                case AvgPool p -> q[p.in()];
                case Reshape r -> q[r.in()];
                case Softmax s -> SOFTMAX;
                default -> fromRange(min[op.out()], max[op.out()]);
            };
        }
        return q;
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
