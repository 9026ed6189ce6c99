package io.moodbox.detector;

import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.TfliteWriter;
import org.tensorflow.lite.schema.BuiltinOperator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * face-api.js's SSD-MobileNetV1 face detector (trained on WIDER FACE; weights from the npm
 * package {@code @vladmandic/face-api}, MIT) as a {@link Graph} for {@link TfliteWriter}, layer for
 * layer as the package's {@code ssdMobilenetv1/*.ts} runs it: a MobileNetV1 body (3x3 conv, then 13
 * depthwise + pointwise pairs, ReLU6, batch norm folded into the depthwise weights), 8 extra
 * pointwise layers, and six box predictors (box encodings and class logits) on feature maps of
 * 32, 16, 8, 4, 2 and 1 cells across. face-api runs it on 512x512, the frame padded to a square;
 * here the input is 512x384, the top three quarters of that square, which is all a 4:3 camera
 * fills: the same results for a quarter less work and memory. The feature maps are the top rows
 * of face-api's (24, 12, 6, 3, 2 and 1 rows), so the priors are the first rows of face-api's; where
 * a stride-2 conv meets an odd number of rows, TF's SAME would pad one row on top and shift its
 * windows off the square input's, so that conv's kernel gets as many rows of zeros on top as SAME
 * pads there ({@link #conv}): its windows then start at the top row, as on the square. The
 * predictors' 12 raw outputs are the model's outputs; priors, box decoding and suppression are
 * done by the appliance's {@code vision.SsdFaceDetector}.
 * Converted once at build time ({@link SsdConvert}): float32 (about 23 MB) or full int8 (about
 * 6 MB; per-channel symmetric weights, per-tensor activations from ranges calibrated ahead,
 * {@link SsdRanges}, after a ReLU6-aware cross-layer equalization).
 */
public final class SsdModel {
    /** The input's width and height; face-api's priors are relative to its 512x512 square. */
    public static final int WIDTH = 512, HEIGHT = 384, SQUARE = 512;
    /** Feature map columns and anchors per cell of each box predictor, in output order. */
    public static final int[] GRID = {32, 16, 8, 4, 2, 1}, ANCHORS_PER_CELL = {3, 6, 6, 6, 6, 6};
    /**
     * Feature map rows of each box predictor for an input {@code height} px high: the cells of the
     * square whose top lies in the input.
     */
    public static int[] rows(int height) {
        return Arrays.stream(GRID).map(g -> ceil(height * g, SQUARE)).toArray();
    }
    /** face-api's priors, for the square. */
    static final int PRIORS = 5118;
    /** TensorFlow's batch norm epsilon in face-api's mobileNetV1.ts. */
    private static final float BN_EPSILON = 0.0010000000474974513f;

    private record TensorSpec(String name, int[] shape, int buffer) {}

    private record OpSpec(int builtin, int[] inputs, int output, int stride, boolean relu6) {}

    /** Asymmetric int8 covering [lo, hi] and representing 0 exactly (as the kit's Calibration). */
    static Quant quant(float lo, float hi) {
        return TfliteWriter.quantFromRange(lo, hi);
    }

    /**
     * The int8 model's input: face-api's RGB in [-1, 1] as q = pixel - 128 at scale 2/255, zero
     * point 0; real = (pixel - 128) / 127.5, 1/255 below face-api's (pixel - 127.5) / 127.5, a
     * quarter of one quantization step, so no zero point has to sit between two integers.
     */
    public static final Quant INPUT_QUANT = new Quant(2f / 255f, 0);

    private static final String ABOUT = "face-api.js SSD-MobileNetV1 face detector (@vladmandic/face-api, MIT), converted by moodbox";

    private final TfjsWeights w;
    private final int height;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<float[]> buffers = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();
    private int[] outputs = new int[12];

    private SsdModel(TfjsWeights weights, int height) {
        this.w = weights;
        this.height = height;
    }

    /**
     * The float32 model {@code height} px high (512: face-api's square, for comparisons). Outputs
     * 2k and 2k+1 are predictor k's box encodings and class logits.
     */
    public static byte[] float32(TfjsWeights weights, int height) {
        var m = new SsdModel(weights, height);
        m.graph();
        return m.write(null, false);
    }

    /**
     * The full-int8 model (input and outputs int8 too, {@link #INPUT_QUANT}; the outputs' own
     * quantization dequantizes them), equalized across layers and quantized as {@code ranges} say.
     * Ranges that lack a tensor or don't fit it are an IllegalArgumentException naming it.
     */
    public static byte[] int8(TfjsWeights weights, SsdRanges ranges, int height) {
        var m = new SsdModel(weights, height);
        m.graph();
        return m.write(m.equalize(ranges), false);
    }

    /**
     * The float model with every activation an output, for calibration: the 12 predictor outputs
     * first (as {@link #float32}), then every other activation in the order the graph computes them
     * (each output tensor carries its name). With {@code ranges}, the int8 model so (to find where
     * quantization loses most); its equalized activations are scaled by channel, so compare them
     * only as relative errors.
     */
    public static byte[] probe(TfjsWeights weights, SsdRanges ranges) {
        var m = new SsdModel(weights, HEIGHT);
        m.graph();
        return m.write(ranges == null ? null : m.equalize(ranges), true);
    }

    /**
     * Cross-layer range equalization (Nagel et al., "Data-Free Quantization", 2019; as models/'s
     * Equalization): int8 activations are quantized per tensor, so a channel whose values span a
     * hundredth of the tensor's [0, 6] keeps only a few of its levels, and the error grows layer by
     * layer (measured: 0.5 relative RMS error at the predictors without this). Channel c of a ReLU6
     * activation is divided by s[c] in the op that makes it (weights and bias, absorbed by the
     * per-channel weight scales) and multiplied back in the ops that read it. ReLU6 commutes with
     * that only while the clamp at 6 never cuts a channel differently: a channel that reaches 6
     * keeps s = 1, the others get s >= their maximum / 6. Tensors read only by a depthwise conv are
     * fully equalized (every channel spans the tensor's range); ones read by a conv are balanced,
     * s = sqrt(range / weight column). Returns the activation ranges of the equalized model.
     */
    private Map<String, float[]> equalize(SsdRanges calibrated) {
        var out = new java.util.HashMap<>(calibrated.ranges());
        for (OpSpec producer : ops) {
            if (!producer.relu6()) continue;
            int t = producer.output();
            String name = tensors.get(t).name();
            int channels = tensors.get(t).shape()[3];
            float[] max = calibrated.channels().get(name);
            if (max == null || max.length != channels)
                throw new IllegalArgumentException("the SSD's int8 ranges have no " + channels + " channel maxima for " + name);
            var readers = readers(t);
            float top = 0;
            for (float v : max) top = Math.max(top, v);
            if (top == 0 || readers.isEmpty()) continue;
            float[] column = new float[channels];
            boolean mixing = false;
            for (OpSpec r : readers) {
                if (r.builtin() != BuiltinOperator.CONV_2D) continue;
                mixing = true;
                float[] w = buffers.get(tensors.get(r.inputs()[1]).buffer() - 1);
                for (int k = 0; k < w.length; k++) column[k % channels] = Math.max(column[k % channels], Math.abs(w[k]));
            }
            float[] sc = new float[channels];
            for (int c = 0; c < channels; c++) {
                if (max[c] <= top * 1e-6f) sc[c] = 1;
                else sc[c] = mixing ? (column[c] > 0 ? (float) Math.sqrt(max[c] / column[c]) : 1) : max[c] / top;
            }
            if (mixing) {
                // Only ratios matter; keep the largest activation range where it was.
                float m = 0;
                for (int c = 0; c < channels; c++) m = Math.max(m, max[c] / sc[c]);
                for (int c = 0; c < channels; c++) sc[c] *= m / top;
            }
            float hi = 0;
            for (int c = 0; c < channels; c++) {
                if (max[c] <= top * 1e-6f || max[c] >= 6f * 0.999f) sc[c] = 1;
                else sc[c] = Math.max(sc[c], max[c] / 6f);
                hi = Math.max(hi, max[c] / sc[c]);
            }
            scaleOut(producer, sc);
            for (OpSpec r : readers) scaleIn(r, sc);
            float[] old = out.get(name);
            if (old == null) throw new IllegalArgumentException("the SSD's int8 ranges have no valid range for " + name);
            out.put(name, new float[]{0, hi});
        }
        return out;
    }

    /** The ops that read tensor t. */
    private List<OpSpec> readers(int t) {
        var out = new ArrayList<OpSpec>();
        for (OpSpec o : ops) {
            if (o.inputs()[0] == t) out.add(o);
        }
        return out;
    }

    /** The op's output channel c divided by s[c]: its weights and bias. */
    private void scaleOut(OpSpec op, float[] s) {
        float[] w = own(op.inputs()[1]), b = own(op.inputs()[2]);
        int channels = s.length, block = w.length / channels;
        boolean conv = op.builtin() == BuiltinOperator.CONV_2D;
        for (int k = 0; k < w.length; k++) w[k] /= s[conv ? k / block : k % channels];
        for (int c = 0; c < channels; c++) b[c] /= s[c];
    }

    /** The op's input channel c multiplied by s[c] (OHWI's and the depthwise's last axis), so its output is unchanged. */
    private void scaleIn(OpSpec op, float[] s) {
        float[] w = own(op.inputs()[1]);
        for (int k = 0; k < w.length; k++) w[k] *= s[k % s.length];
    }

    /** A constant's values, copied first so that the weights' own arrays stay as they were loaded. */
    private float[] own(int tensor) {
        int b = tensors.get(tensor).buffer() - 1;
        if (owned.add(b)) buffers.set(b, buffers.get(b).clone());
        return buffers.get(b);
    }

    private final java.util.Set<Integer> owned = new java.util.HashSet<>();

    /**
     * The prior boxes {ymin, xmin, ymax, xmax} relative to the 512x512 square, in output order: of
     * each predictor's cells (row by row, then anchor) in face-api's priors, the first {@link #rows}.
     */
    public static float[] priors(TfjsWeights weights) {
        return priors(weights, HEIGHT);
    }

    /** As {@link #priors(TfjsWeights)} for an input {@code height} px high. */
    public static float[] priors(TfjsWeights weights, int height) {
        int[] rows = rows(height);
        var p = weights.get("Output/extra_dim");
        if (p.size() != PRIORS * 4) throw new IllegalArgumentException("the face model has " + p.size() / 4 + " priors, expected " + PRIORS);
        int n = 0;
        for (int k = 0; k < GRID.length; k++) n += rows[k] * GRID[k] * ANCHORS_PER_CELL[k];
        float[] out = new float[n * 4];
        int from = 0, to = 0;
        for (int k = 0; k < GRID.length; k++) {
            int kept = rows[k] * GRID[k] * ANCHORS_PER_CELL[k] * 4;
            System.arraycopy(p.values(), from, out, to, kept);
            from += GRID[k] * GRID[k] * ANCHORS_PER_CELL[k] * 4;
            to += kept;
        }
        return out;
    }

    private void graph() {
        // The input arrives space-to-depth (SPACE_TO_DEPTH_BLOCK): see firstConv.
        int x = activation("input", height / 2, WIDTH / 2, 12);
        int[] rows = rows(height);
        x = firstConv("MobilenetV1/Conv2d_0_pointwise", x);
        int conv11 = -1;
        for (int i = 1; i <= 13; i++) {
            int stride = i == 2 || i == 4 || i == 6 || i == 12 ? 2 : 1;
            x = depthwise("MobilenetV1/Conv2d_" + i + "_depthwise", x, stride);
            x = conv("MobilenetV1/Conv2d_" + i + "_pointwise", x, 1, true);
            if (i == 11) conv11 = x;
        }
        int[] c = new int[8];
        int in = x;
        for (int i = 0; i < 8; i++) in = c[i] = conv("Prediction/Conv2d_" + i + "_pointwise", in, i % 2 == 1 ? 2 : 1, true);
        int[] features = {conv11, x, c[1], c[3], c[5], c[7]};
        for (int k = 0; k < 6; k++) {
            int[] shape = tensors.get(features[k]).shape();
            if (shape[1] != rows[k] || shape[2] != GRID[k])
                throw new IllegalArgumentException("face model predictor " + k + " sees " + shape[1] + "x" + shape[2] + " cells, expected " + rows[k] + "x" + GRID[k]);
            outputs[2 * k] = predictor("Prediction/BoxPredictor_" + k + "/BoxEncodingPredictor", features[k], 4 * ANCHORS_PER_CELL[k]);
            outputs[2 * k + 1] = predictor("Prediction/BoxPredictor_" + k + "/ClassPredictor", features[k], 3 * ANCHORS_PER_CELL[k]);
        }
    }

    private int activation(String name, int rows, int cols, int channels) {
        tensors.add(new TensorSpec(name, new int[]{1, rows, cols, channels}, 0));
        return tensors.size() - 1;
    }

    private static int ceil(int a, int b) { return (a + b - 1) / b; }

    /** TF's SAME padding, in total, along an axis of {@code size} for a {@code k}-wide window at {@code stride}. */
    private static int samePad(int size, int k, int stride) {
        return Math.max((ceil(size, stride) - 1) * stride + k - size, 0);
    }

    private int constant(String name, int[] shape, float[] values) {
        buffers.add(values);
        tensors.add(new TensorSpec(name, shape, buffers.size()));
        return tensors.size() - 1;
    }

    /**
     * The first conv, 3x3 at stride 2 on RGB, as the same arithmetic on the input rearranged
     * space-to-depth (each 2x2 pixel block one cell of 12 channels, the appliance's SsdFaceDetector fills
     * it so): a 2x2 conv at stride 1 whose taps past the 3x3 are zero. The outputs are the same
     * numbers; what changes is XNNPACK's indirection buffer, a pointer per output pixel and tap
     * (256x192 pixels x 9 taps x 8 bytes = 3.5 MB for the 3x3; 4 taps here).
     */
    private int firstConv(String prefix, int in) {
        var f = w.get(prefix + "/weights");
        var b = w.get(prefix + "/convolution_bn_offset");
        int kh = f.shape()[0], kw = f.shape()[1], ic = f.shape()[2], oc = f.shape()[3];
        if (kh != 3 || kw != 3 || ic != 3 || tensors.get(in).shape()[3] != 12 || b.size() != oc)
            throw new IllegalArgumentException(prefix + ": weights " + Arrays.toString(f.shape()) + " are not a 3x3 conv on RGB");
        float[] ohwi = new float[oc * 2 * 2 * 12];
        for (int o = 0; o < oc; o++)
            for (int by = 0; by < 2; by++)
                for (int bx = 0; bx < 2; bx++)
                    for (int sy = 0; sy < 2; sy++)
                        for (int sx = 0; sx < 2; sx++) {
                            int ky = 2 * by + sy, kx = 2 * bx + sx;
                            if (ky > 2 || kx > 2) continue;
                            for (int c = 0; c < 3; c++)
                                ohwi[((o * 2 + by) * 2 + bx) * 12 + (sy * 2 + sx) * 3 + c] = f.values()[((ky * 3 + kx) * 3 + c) * oc + o];
                        }
        int wt = constant(prefix + "/weights", new int[]{oc, 2, 2, 12}, ohwi);
        int bt = constant(prefix + "/bias", new int[]{oc}, b.values());
        int out = activation(prefix, tensors.get(in).shape()[1], tensors.get(in).shape()[2], oc);
        // SAME pads a 2x2 window with one cell at the bottom and right: the 3x3's own padding.
        ops.add(new OpSpec(BuiltinOperator.CONV_2D, new int[]{in, wt, bt}, out, 1, true));
        return out;
    }

    /** CONV_2D with SAME padding; TF's HWIO filter becomes TFLite's OHWI. */
    private int conv(String prefix, int in, int stride, boolean relu6) {
        var f = w.get(prefix + "/weights");
        var b = w.get(prefix + (relu6 ? "/convolution_bn_offset" : "/biases"));
        int kh = f.shape()[0], kw = f.shape()[1], ic = f.shape()[2], oc = f.shape()[3];
        int inC = tensors.get(in).shape()[3];
        if (ic != inC || b.size() != oc) throw new IllegalArgumentException(prefix + ": weights " + Arrays.toString(f.shape()) + " do not fit " + inC + " input channels");
        // Where SAME would pad the top (or left) of a strided window, the kernel gets that many rows
        // (columns) of zeros in front: SAME then pads that much more, so the real taps start at the
        // top row and end where the square input's windows end. Zero taps add nothing, so the
        // outputs are the square's; it saves a PAD op the kit's Graph does not have.
        int h = tensors.get(in).shape()[1], wd = tensors.get(in).shape()[2];
        int dy = stride > 1 && samePad(h, kh, stride) / 2 > 0 ? samePad(h, kh, stride) : 0;
        int dx = stride > 1 && samePad(wd, kw, stride) / 2 > 0 ? samePad(wd, kw, stride) : 0;
        int gh = kh + dy, gw = kw + dx;
        float[] ohwi = new float[oc * gh * gw * ic];
        for (int y = 0; y < kh; y++)
            for (int xx = 0; xx < kw; xx++)
                for (int i = 0; i < ic; i++)
                    for (int o = 0; o < oc; o++)
                        ohwi[((o * gh + y + dy) * gw + xx + dx) * ic + i] = f.values()[((y * kw + xx) * ic + i) * oc + o];
        int wt = constant(prefix + "/weights", new int[]{oc, gh, gw, ic}, ohwi);
        int bt = constant(prefix + "/bias", new int[]{oc}, b.values());
        int out = activation(prefix, ceil(h, stride), ceil(wd, stride), oc);
        ops.add(new OpSpec(BuiltinOperator.CONV_2D, new int[]{in, wt, bt}, out, stride, relu6));
        return out;
    }

    /** DEPTHWISE_CONV_2D with its batch norm folded in: w' = w * g / sqrt(v + eps), b' = beta - mean * g / sqrt(v + eps). */
    private int depthwise(String prefix, int in, int stride) {
        var f = w.get(prefix + "/depthwise_weights");
        float[] g = w.get(prefix + "/BatchNorm/gamma").values(), beta = w.get(prefix + "/BatchNorm/beta").values();
        float[] mean = w.get(prefix + "/BatchNorm/moving_mean").values(), var = w.get(prefix + "/BatchNorm/moving_variance").values();
        int kh = f.shape()[0], kw = f.shape()[1], c = f.shape()[2];
        if (c != tensors.get(in).shape()[3] || f.shape()[3] != 1) throw new IllegalArgumentException(prefix + ": weights " + Arrays.toString(f.shape()) + " do not fit");
        float[] hwc = new float[kh * kw * c], bias = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float k = (float) (g[ch] / Math.sqrt(var[ch] + BN_EPSILON));
            bias[ch] = beta[ch] - mean[ch] * k;
            for (int i = 0; i < kh * kw; i++) hwc[i * c + ch] = f.values()[i * c + ch] * k;
        }
        int wt = constant(prefix + "/weights", new int[]{1, kh, kw, c}, hwc);
        int bt = constant(prefix + "/bias", new int[]{c}, bias);
        if (alignedInputNeeded(in, kh, stride))
            throw new IllegalArgumentException(prefix + ": a stride-" + stride + " depthwise conv on an odd-sized map is not supported");
        int out = activation(prefix, ceil(tensors.get(in).shape()[1], stride), ceil(tensors.get(in).shape()[2], stride), c);
        ops.add(new OpSpec(BuiltinOperator.DEPTHWISE_CONV_2D, new int[]{in, wt, bt}, out, stride, true));
        return out;
    }

    /**
     * Whether SAME would pad a strided window at the top or left, which moves the windows off the
     * square input's (at stride 1 SAME centres them as the square does, whatever the size).
     */
    private boolean alignedInputNeeded(int in, int k, int stride) {
        int h = tensors.get(in).shape()[1], w = tensors.get(in).shape()[2];
        return stride > 1 && (samePad(h, k, stride) / 2 > 0 || samePad(w, k, stride) / 2 > 0);
    }

    private int predictor(String prefix, int in, int channels) {
        int out = conv(prefix, in, 1, false);
        if (tensors.get(out).shape()[3] != channels) throw new IllegalArgumentException(prefix + " has " + tensors.get(out).shape()[3] + " channels, expected " + channels);
        return out;
    }

    /**
     * The graph as TFLite: float32 when {@code ranges} is null, else int8 with a fused ReLU6
     * activation quantized on [0, min(hi, 6)] (all it can hold) and the predictors on their range.
     */
    private byte[] write(Map<String, float[]> ranges, boolean everyActivation) {
        var g = new Graph(height / 2, WIDTH / 2, 12);
        int[] id = new int[tensors.size()];
        id[0] = g.input();
        for (OpSpec op : ops) {
            TensorSpec out = tensors.get(op.output()), wt = tensors.get(op.inputs()[1]);
            float[] weights = buffers.get(wt.buffer() - 1), bias = buffers.get(tensors.get(op.inputs()[2]).buffer() - 1);
            int[] k = wt.shape();
            int in = id[op.inputs()[0]];
            id[op.output()] = op.builtin() == BuiltinOperator.CONV_2D
                    ? g.conv(out.name(), in, weights, k[0], k[1], k[2], bias, op.stride(), true, op.relu6())
                    : g.depthwise(out.name(), in, weights, k[1], k[2], bias, op.stride(), true, true);
            if (!Arrays.equals(g.tensor(id[op.output()]).shape(), out.shape()))
                throw new IllegalStateException(out.name() + ": the graph made " + Arrays.toString(g.tensor(id[op.output()]).shape()) + ", expected " + Arrays.toString(out.shape()));
        }
        var outs = new ArrayList<Integer>();
        for (int o : outputs) outs.add(id[o]);
        if (everyActivation) for (OpSpec op : ops) if (!outs.contains(id[op.output()])) outs.add(id[op.output()]);
        var options = TfliteWriter.Options.detector(outs.stream().mapToInt(Integer::intValue).toArray());
        if (ranges == null) return TfliteWriter.float32(g, ABOUT, options);
        Quant[] q = new Quant[g.tensors().size()];
        q[g.input()] = INPUT_QUANT;
        for (OpSpec op : ops) {
            String name = tensors.get(op.output()).name();
            float[] r = ranges.get(name);
            if (r == null || r.length != 2 || !(r[0] <= r[1]))
                throw new IllegalArgumentException("the SSD's int8 ranges have no valid range for " + name);
            // A fused ReLU6 clamps to [0, 6], so that is all the range can hold.
            q[id[op.output()]] = op.relu6() ? quant(0, Math.min(r[1], 6f)) : quant(r[0], r[1]);
        }
        return TfliteWriter.int8(g, q, ABOUT + " to int8", options);
    }
}
