package io.moodbox.vision;

import com.google.flatbuffers.FlatBufferBuilder;
import org.bytedeco.javacpp.BytePointer;
import io.moodbox.config.MoodboxException;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.Conv2DOptions;
import org.tensorflow.lite.schema.DepthwiseConv2DOptions;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.PadOptions;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * face-api.js's SSD-MobileNetV1 face detector (trained on WIDER FACE; weights from the npm
 * package {@code @vladmandic/face-api}, MIT) written as a float32 TFLite flatbuffer, layer for
 * layer as the package's {@code ssdMobilenetv1/*.ts} runs it: a MobileNetV1 body (3x3 conv, then 13
 * depthwise + pointwise pairs, ReLU6, batch norm folded into the depthwise weights), 8 extra
 * pointwise layers, and six box predictors (box encodings and class logits) on feature maps of
 * 32, 16, 8, 4, 2 and 1 cells across. face-api runs it on 512x512, the frame padded to a square;
 * here the input is 512x384, the top three quarters of that square, which is all a 4:3 camera
 * fills: the same results for a quarter less work and memory. The feature maps are the top rows
 * of face-api's (24, 12, 6, 3, 2 and 1 rows), so the priors are the first rows of face-api's; where
 * a stride-2 conv meets an odd number of rows, an explicit PAD at the bottom keeps its windows
 * where the square input puts them (TF's SAME would pad one row on top and shift them). The
 * predictors' 12 raw outputs are the model's outputs; priors, box decoding and suppression are
 * done by {@link SsdFaceDetector}.
 * Built in memory at startup, so no converted model is stored anywhere: float32 (about 23 MB) or
 * full int8 (about 6 MB; per-channel symmetric weights, per-tensor activations from ranges
 * calibrated ahead, {@link SsdRanges}).
 */
final class SsdMobilenetModel {
    /** The input's width and height; face-api's priors are relative to its 512x512 square. */
    static final int WIDTH = 512, HEIGHT = 384, SQUARE = 512;
    /** Feature map columns and anchors per cell of each box predictor, in output order. */
    static final int[] GRID = {32, 16, 8, 4, 2, 1}, ANCHORS_PER_CELL = {3, 6, 6, 6, 6, 6};
    /**
     * Feature map rows of each box predictor for an input {@code height} px high: the cells of the
     * square whose top lies in the input.
     */
    static int[] rows(int height) {
        return Arrays.stream(GRID).map(g -> ceil(height * g, SQUARE)).toArray();
    }
    /** face-api's priors, for the square. */
    static final int PRIORS = 5118;
    /** TensorFlow's batch norm epsilon in face-api's mobileNetV1.ts. */
    private static final float BN_EPSILON = 0.0010000000474974513f;

    private record TensorSpec(String name, int[] shape, int buffer) {}

    /** {@code padding}: a TFLite Padding (SAME, or VALID after an explicit PAD). */
    private record OpSpec(int builtin, int[] inputs, int output, int stride, boolean relu6, byte padding) {
        OpSpec(int builtin, int[] inputs, int output, int stride, boolean relu6) {
            this(builtin, inputs, output, stride, relu6, Padding.SAME);
        }
    }

    /** real = scale * (q - zeroPoint), q in [-128, 127]. */
    record Quant(float scale, int zeroPoint) {
        /** Asymmetric int8 covering [lo, hi] and representing 0 exactly (as models/'s Calibration). */
        static Quant of(float lo, float hi) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
            float scale = Math.max((hi - lo) / 255f, 1e-8f);
            int zp = Math.round(-128 - lo / scale);
            return new Quant(scale, Math.max(-128, Math.min(127, zp)));
        }
    }

    /**
     * The int8 model's input: face-api's RGB in [-1, 1] as q = pixel - 128 at scale 2/255, zero
     * point 0; real = (pixel - 128) / 127.5, 1/255 below face-api's (pixel - 127.5) / 127.5, a
     * quarter of one quantization step, so no zero point has to sit between two integers.
     */
    static final Quant INPUT_QUANT = new Quant(2f / 255f, 0);

    /** A built model ({@link #write}'s native memory) and the names of its outputs, in output order. */
    record Built(BytePointer flatbuffer, List<String> outputs) {}

    private final TfjsWeights w;
    private final int height;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<float[]> buffers = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();
    private int[] outputs = new int[12];

    private SsdMobilenetModel(TfjsWeights weights, int height) {
        this.w = weights;
        this.height = height;
    }

    /**
     * The TFLite flatbuffer for these weights in native memory, positioned at the model's first
     * byte and limited at its last ({@link #size}), so the interpreter reads it in place and the
     * 23 MB never sit on the Java heap; the caller owns it (close() frees it) and keeps it as long
     * as the model. Outputs 2k and 2k+1 are predictor k's box encodings and class logits.
     */
    static BytePointer build(TfjsWeights weights) {
        return build(weights, HEIGHT);
    }

    /** As {@link #build(TfjsWeights)}, {@code height} px high (512: face-api's square, for comparisons). */
    static BytePointer build(TfjsWeights weights, int height) {
        var m = new SsdMobilenetModel(weights, height);
        m.graph();
        return m.write(null);
    }

    /**
     * The full-int8 model (input and outputs int8 too, {@link #INPUT_QUANT}; the outputs' own
     * quantization dequantizes them), equalized across layers and quantized as {@code ranges} say.
     * Ranges that lack a tensor or don't fit it are a {@link MoodboxException} naming it.
     */
    static BytePointer int8(TfjsWeights weights, SsdRanges ranges, int height) {
        var m = new SsdMobilenetModel(weights, height);
        m.graph();
        return m.write(m.equalize(ranges));
    }

    /**
     * The float model with every activation an output, for calibration: the 12 predictor outputs
     * first (as {@link #build}), then every other activation in the order the graph computes them.
     * With {@code ranges}, the int8 model so (to find where quantization loses most); its
     * equalized activations are scaled by channel, so compare them only as relative errors.
     */
    static Built probe(TfjsWeights weights, SsdRanges ranges) {
        var m = new SsdMobilenetModel(weights, HEIGHT);
        m.graph();
        var eq = ranges == null ? null : m.equalize(ranges);
        var all = new ArrayList<Integer>();
        for (int o : m.outputs) all.add(o);
        for (OpSpec op : m.ops) if (!all.contains(op.output())) all.add(op.output());
        m.outputs = all.stream().mapToInt(Integer::intValue).toArray();
        var names = all.stream().map(i -> m.tensors.get(i).name()).toList();
        return new Built(m.write(eq), names);
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
                throw new MoodboxException("the SSD's int8 ranges have no " + channels + " channel maxima for " + name);
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
            if (old == null) throw new MoodboxException("the SSD's int8 ranges have no valid range for " + name);
            out.put(name, new float[]{0, hi});
        }
        return out;
    }

    /** The ops that read tensor t, looking through PADs (they pass channels on unchanged). */
    private List<OpSpec> readers(int t) {
        var out = new ArrayList<OpSpec>();
        for (OpSpec o : ops) {
            if (o.inputs()[0] != t) continue;
            if (o.builtin() == BuiltinOperator.PAD) out.addAll(readers(o.output()));
            else out.add(o);
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
    static float[] priors(TfjsWeights weights) {
        return priors(weights, HEIGHT);
    }

    /** As {@link #priors(TfjsWeights)} for an input {@code height} px high. */
    static float[] priors(TfjsWeights weights, int height) {
        int[] rows = rows(height);
        var p = weights.get("Output/extra_dim");
        if (p.size() != PRIORS * 4) throw new MoodboxException("the face model has " + p.size() / 4 + " priors, expected " + PRIORS);
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
                throw new MoodboxException("face model predictor " + k + " sees " + shape[1] + "x" + shape[2] + " cells, expected " + rows[k] + "x" + GRID[k]);
            outputs[2 * k] = predictor("Prediction/BoxPredictor_" + k + "/BoxEncodingPredictor", features[k], 4 * ANCHORS_PER_CELL[k]);
            outputs[2 * k + 1] = predictor("Prediction/BoxPredictor_" + k + "/ClassPredictor", features[k], 3 * ANCHORS_PER_CELL[k]);
        }
    }

    private int activation(String name, int rows, int cols, int channels) {
        tensors.add(new TensorSpec(name, new int[]{1, rows, cols, channels}, 0));
        return tensors.size() - 1;
    }

    /** An int32 constant (PAD's paddings), kept apart from the float weights. */
    private int intConstant(String name, int[] shape, int[] values) {
        buffers.add(new float[values.length]);
        int32.put(buffers.size(), values);
        tensors.add(new TensorSpec(name, shape, buffers.size()));
        return tensors.size() - 1;
    }

    /** int32 constants by buffer index. */
    private final Map<Integer, int[]> int32 = new java.util.HashMap<>();

    /**
     * The input to a k x k conv at {@code stride}: as is where TF's SAME padding puts the windows
     * as on the square input (no padding on top), else padded at the bottom and right with zeros
     * (a PAD op, for a VALID conv) so the windows start at the top row as they do there.
     */
    private int alignedInput(String prefix, int in, int k, int stride) {
        if (!alignedInputNeeded(in, k, stride)) return -1;
        int h = tensors.get(in).shape()[1], w = tensors.get(in).shape()[2];
        int padH = samePad(h, k, stride), padW = samePad(w, k, stride);
        int paddings = intConstant(prefix + "/paddings", new int[]{4, 2}, new int[]{0, 0, 0, padH, 0, padW, 0, 0});
        int out = activation(prefix + "/padded", h + padH, w + padW, tensors.get(in).shape()[3]);
        ops.add(new OpSpec(BuiltinOperator.PAD, new int[]{in, paddings}, out, 1, false));
        return out;
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
     * space-to-depth (each 2x2 pixel block one cell of 12 channels, {@link SsdFaceDetector} fills
     * it so): a 2x2 conv at stride 1 whose taps past the 3x3 are zero. The outputs are the same
     * numbers; what changes is XNNPACK's indirection buffer, a pointer per output pixel and tap
     * (256x192 pixels x 9 taps x 8 bytes = 3.5 MB for the 3x3; 4 taps here).
     */
    private int firstConv(String prefix, int in) {
        var f = w.get(prefix + "/weights");
        var b = w.get(prefix + "/convolution_bn_offset");
        int kh = f.shape()[0], kw = f.shape()[1], ic = f.shape()[2], oc = f.shape()[3];
        if (kh != 3 || kw != 3 || ic != 3 || tensors.get(in).shape()[3] != 12 || b.size() != oc)
            throw new MoodboxException(prefix + ": weights " + Arrays.toString(f.shape()) + " are not a 3x3 conv on RGB");
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
        if (ic != inC || b.size() != oc) throw new MoodboxException(prefix + ": weights " + Arrays.toString(f.shape()) + " do not fit " + inC + " input channels");
        float[] ohwi = new float[f.size()];
        for (int y = 0; y < kh; y++)
            for (int xx = 0; xx < kw; xx++)
                for (int i = 0; i < ic; i++)
                    for (int o = 0; o < oc; o++)
                        ohwi[((o * kh + y) * kw + xx) * ic + i] = f.values()[((y * kw + xx) * ic + i) * oc + o];
        int rows = ceil(tensors.get(in).shape()[1], stride), cols = ceil(tensors.get(in).shape()[2], stride);
        int padded = alignedInput(prefix, in, kh, stride);
        int wt = constant(prefix + "/weights", new int[]{oc, kh, kw, ic}, ohwi);
        int bt = constant(prefix + "/bias", new int[]{oc}, b.values());
        int out = activation(prefix, rows, cols, oc);
        if (padded < 0) ops.add(new OpSpec(BuiltinOperator.CONV_2D, new int[]{in, wt, bt}, out, stride, relu6));
        else ops.add(new OpSpec(BuiltinOperator.CONV_2D, new int[]{padded, wt, bt}, out, stride, relu6, Padding.VALID));
        return out;
    }

    /** DEPTHWISE_CONV_2D with its batch norm folded in: w' = w * g / sqrt(v + eps), b' = beta - mean * g / sqrt(v + eps). */
    private int depthwise(String prefix, int in, int stride) {
        var f = w.get(prefix + "/depthwise_weights");
        float[] g = w.get(prefix + "/BatchNorm/gamma").values(), beta = w.get(prefix + "/BatchNorm/beta").values();
        float[] mean = w.get(prefix + "/BatchNorm/moving_mean").values(), var = w.get(prefix + "/BatchNorm/moving_variance").values();
        int kh = f.shape()[0], kw = f.shape()[1], c = f.shape()[2];
        if (c != tensors.get(in).shape()[3] || f.shape()[3] != 1) throw new MoodboxException(prefix + ": weights " + Arrays.toString(f.shape()) + " do not fit");
        float[] hwc = new float[kh * kw * c], bias = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float k = (float) (g[ch] / Math.sqrt(var[ch] + BN_EPSILON));
            bias[ch] = beta[ch] - mean[ch] * k;
            for (int i = 0; i < kh * kw; i++) hwc[i * c + ch] = f.values()[i * c + ch] * k;
        }
        int wt = constant(prefix + "/weights", new int[]{1, kh, kw, c}, hwc);
        int bt = constant(prefix + "/bias", new int[]{c}, bias);
        if (alignedInputNeeded(in, kh, stride))
            throw new MoodboxException(prefix + ": a stride-" + stride + " depthwise conv on an odd-sized map is not supported");
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
        if (tensors.get(out).shape()[3] != channels) throw new MoodboxException(prefix + " has " + tensors.get(out).shape()[3] + " channels, expected " + channels);
        return out;
    }

    /** Per-channel symmetric int8 weights (zero point 0) of one conv or depthwise op. */
    private record QuantWeights(byte[] q, float[] scales, int axis) {}

    private static QuantWeights quantizeWeights(float[] w, int channels, int axis) {
        int block = w.length / channels;
        float[] scales = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = axis == 0 ? i / block : i % channels;
            scales[c] = Math.max(scales[c], Math.abs(w[i]));
        }
        // A channel whose weights are all zero (batch norm left several dead in Conv2d_1_depthwise)
        // still has a bias, often large: scale 1 keeps that bias (at input scale x 1) inside int32.
        for (int c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = axis == 0 ? i / block : i % channels;
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scales[c])));
        }
        return new QuantWeights(q, scales, axis);
    }

    /** @param ranges null: float32; else activation ranges by tensor name for the int8 model */
    /** The bytes of a model {@link #build} or {@link #int8} returned. */
    static long size(BytePointer model) {
        return model.limit() - model.position();
    }

    private BytePointer write(Map<String, float[]> ranges) {
        boolean int8 = ranges != null;
        // int8: activations' quantization, weights' per-channel bytes and biases' int32, by tensor index.
        Quant[] aq = new Quant[tensors.size()];
        QuantWeights[] qw = new QuantWeights[tensors.size()];
        int[][] qb = new int[tensors.size()][];
        float[][] biasScales = new float[tensors.size()][];
        if (int8) {
            aq[0] = INPUT_QUANT;
            for (OpSpec op : ops) {
                if (op.builtin() == BuiltinOperator.PAD) {
                    // int8 PAD pads with the zero point: its input's quantization, unchanged.
                    aq[op.output()] = aq[op.inputs()[0]];
                    continue;
                }
                String name = tensors.get(op.output()).name();
                float[] r = ranges.get(name);
                if (r == null || r.length != 2 || !(r[0] <= r[1]))
                    throw new MoodboxException("the SSD's int8 ranges have no valid range for " + name);
                // A fused ReLU6 clamps to [0, 6], so that is all the range can hold.
                aq[op.output()] = op.relu6() ? Quant.of(0, Math.min(r[1], 6f)) : Quant.of(r[0], r[1]);
            }
            for (OpSpec op : ops) {
                if (op.builtin() == BuiltinOperator.PAD) continue;
                int wt = op.inputs()[1], bt = op.inputs()[2];
                int[] shape = tensors.get(wt).shape();
                boolean conv = op.builtin() == BuiltinOperator.CONV_2D;
                qw[wt] = quantizeWeights(buffers.get(tensors.get(wt).buffer() - 1), conv ? shape[0] : shape[3], conv ? 0 : 3);
                float[] b = buffers.get(tensors.get(bt).buffer() - 1);
                float inScale = aq[op.inputs()[0]].scale();
                qb[bt] = new int[b.length];
                biasScales[bt] = new float[b.length];
                for (int c = 0; c < b.length; c++) {
                    biasScales[bt][c] = inScale * qw[wt].scales()[c];
                    qb[bt][c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round((double) b[c] / biasScales[bt][c])));
                }
            }
        }
        long bytes = 0;
        // int8 weights take a byte each (biases stay 4, well inside the 1 MB margin).
        for (float[] b : buffers) bytes += b.length * (int8 ? 1L : 4L) + 16;
        // Sized for everything at once: the builder never has to grow (and copy) its buffer. Native
        // memory that, unlike allocateDirect's, is not zero-filled: the builder writes from the end,
        // so the margin left at the front is never touched and never becomes resident.
        long capacity = Math.min(Integer.MAX_VALUE - 8, bytes + (1 << 20));
        var memory = new BytePointer(capacity);
        memory.limit(capacity);
        var fb = new FlatBufferBuilder(memory.asByteBuffer());
        int[] bufferOffsets = new int[buffers.size() + 1];
        Buffer.startBuffer(fb);
        bufferOffsets[0] = Buffer.endBuffer(fb);                      // buffer 0: the empty sentinel
        int[] tensorOfBuffer = new int[buffers.size() + 1];
        for (int t = 0; t < tensors.size(); t++) tensorOfBuffer[tensors.get(t).buffer()] = t;
        for (int i = 0; i < buffers.size(); i++) {
            float[] v = buffers.get(i);
            int t = tensorOfBuffer[i + 1];
            // 16-byte aligned, as TFLite's own converter writes constants.
            if (int32.containsKey(i + 1)) {
                int[] ints = int32.get(i + 1);
                fb.createUnintializedVector(1, ints.length * 4, 16).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(ints);
            } else if (int8 && qw[t] != null) {
                fb.createUnintializedVector(1, v.length, 16).put(qw[t].q());
            } else if (int8 && qb[t] != null) {
                fb.createUnintializedVector(1, v.length * 4, 16).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(qb[t]);
            } else {
                fb.createUnintializedVector(1, v.length * 4, 16).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
            }
            int vec = fb.endVector();
            Buffer.startBuffer(fb);
            Buffer.addData(fb, vec);
            bufferOffsets[i + 1] = Buffer.endBuffer(fb);
        }
        int[] tensorOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            int name = fb.createString(t.name());
            int shape = Tensor.createShapeVector(fb, t.shape());
            byte type = TensorType.FLOAT32;
            int quant = 0;
            if (int32.containsKey(t.buffer())) {
                type = TensorType.INT32;
            } else if (int8) {
                if (qw[i] != null) {
                    type = TensorType.INT8;
                    quant = quantization(fb, qw[i].scales(), qw[i].axis());
                } else if (qb[i] != null) {
                    type = TensorType.INT32;
                    quant = quantization(fb, biasScales[i], 0);
                } else {
                    type = TensorType.INT8;
                    quant = quantization(fb, new float[]{aq[i].scale()}, 0, aq[i].zeroPoint());
                }
            }
            Tensor.startTensor(fb);
            Tensor.addName(fb, name);
            Tensor.addShape(fb, shape);
            Tensor.addType(fb, type);
            Tensor.addBuffer(fb, t.buffer());
            if (quant != 0) Tensor.addQuantization(fb, quant);
            tensorOffsets[i] = Tensor.endTensor(fb);
        }
        int[] builtins = {BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.PAD};
        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpSpec op = ops.get(i);
            byte act = op.relu6() ? ActivationFunctionType.RELU6 : ActivationFunctionType.NONE;
            int options;
            byte optionsType;
            switch (op.builtin()) {
                case BuiltinOperator.CONV_2D -> {
                    options = Conv2DOptions.createConv2DOptions(fb, op.padding(), op.stride(), op.stride(), act, 1, 1);
                    optionsType = BuiltinOptions.Conv2DOptions;
                }
                case BuiltinOperator.DEPTHWISE_CONV_2D -> {
                    options = DepthwiseConv2DOptions.createDepthwiseConv2DOptions(fb, op.padding(), op.stride(), op.stride(), 1, act, 1, 1);
                    optionsType = BuiltinOptions.DepthwiseConv2DOptions;
                }
                default -> {
                    PadOptions.startPadOptions(fb);
                    options = PadOptions.endPadOptions(fb);
                    optionsType = BuiltinOptions.PadOptions;
                }
            }
            int inputs = Operator.createInputsVector(fb, op.inputs());
            int outs = Operator.createOutputsVector(fb, new int[]{op.output()});
            Operator.startOperator(fb);
            Operator.addOpcodeIndex(fb, Arrays.stream(builtins).boxed().toList().indexOf(op.builtin()));
            Operator.addInputs(fb, inputs);
            Operator.addOutputs(fb, outs);
            Operator.addBuiltinOptionsType(fb, optionsType);
            Operator.addBuiltinOptions(fb, options);
            opOffsets[i] = Operator.endOperator(fb);
        }
        int[] codes = new int[builtins.length];
        for (int i = 0; i < builtins.length; i++) {
            OperatorCode.startOperatorCode(fb);
            OperatorCode.addDeprecatedBuiltinCode(fb, (byte) builtins[i]);
            OperatorCode.addBuiltinCode(fb, builtins[i]);
            // Per-channel int8 kernels are version 3 of both convs; int8 PAD is version 2.
            OperatorCode.addVersion(fb, !int8 ? 1 : builtins[i] == BuiltinOperator.PAD ? 2 : 3);
            codes[i] = OperatorCode.endOperatorCode(fb);
        }
        int sgTensors = SubGraph.createTensorsVector(fb, tensorOffsets);
        int sgInputs = SubGraph.createInputsVector(fb, new int[]{0});
        int sgOutputs = SubGraph.createOutputsVector(fb, outputs);
        int sgOps = SubGraph.createOperatorsVector(fb, opOffsets);
        int sgName = fb.createString("main");
        SubGraph.startSubGraph(fb);
        SubGraph.addTensors(fb, sgTensors);
        SubGraph.addInputs(fb, sgInputs);
        SubGraph.addOutputs(fb, sgOutputs);
        SubGraph.addOperators(fb, sgOps);
        SubGraph.addName(fb, sgName);
        int subgraph = SubGraph.endSubGraph(fb);

        int opcodes = Model.createOperatorCodesVector(fb, codes);
        int subgraphs = Model.createSubgraphsVector(fb, new int[]{subgraph});
        int description = fb.createString("face-api.js SSD-MobileNetV1 face detector (@vladmandic/face-api, MIT), converted by moodbox"
                + (int8 ? " to int8" : ""));
        int bufferVec = Model.createBuffersVector(fb, bufferOffsets);
        Model.startModel(fb);
        Model.addVersion(fb, 3);
        Model.addOperatorCodes(fb, opcodes);
        Model.addSubgraphs(fb, subgraphs);
        Model.addDescription(fb, description);
        Model.addBuffers(fb, bufferVec);
        Model.finishModelBuffer(fb, Model.endModel(fb));
        memory.position(fb.dataBuffer().position());
        return memory;
    }

    /** Symmetric (zero point 0) scales along {@code axis}, or one per-tensor scale with {@code zeroPoint}. */
    private static int quantization(FlatBufferBuilder fb, float[] scales, int axis, long... zeroPoint) {
        long[] zp = zeroPoint.length > 0 ? zeroPoint : new long[scales.length];
        int s = QuantizationParameters.createScaleVector(fb, scales);
        int z = QuantizationParameters.createZeroPointVector(fb, zp);
        QuantizationParameters.startQuantizationParameters(fb);
        QuantizationParameters.addScale(fb, s);
        QuantizationParameters.addZeroPoint(fb, z);
        QuantizationParameters.addQuantizedDimension(fb, axis);
        return QuantizationParameters.endQuantizationParameters(fb);
    }
}
