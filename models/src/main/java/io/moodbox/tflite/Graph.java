package io.moodbox.tflite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small inference graph in NHWC, batch 1, float weights with batch norm already folded in.
 * The exporter's one source of truth: {@link Reference} runs it in plain Java and
 * {@link TfliteWriter} writes it as float32 or int8 TFLite.
 */
public final class Graph {

    /** An activation tensor; {@code shape} is NHWC (or [1, C] after a mean). */
    public record Tensor(int id, String name, int[] shape) {
        public int size() { return Arrays.stream(shape).reduce(1, (a, b) -> a * b); }
    }

    /** One operation. Weights are plain floats; quantization happens in the writer. */
    public sealed interface Op permits Conv, Depthwise, MaxPool, Mean, Add, Softmax {
        int out();
    }

    /** CONV_2D, weights OHWI ({@code o} x {@code kh} x {@code kw} x {@code ic}), optional fused ReLU. */
    public record Conv(int in, int out, float[] weights, int o, int kh, int kw, int ic, float[] bias,
                       int stride, boolean same, boolean relu) implements Op {}

    /** DEPTHWISE_CONV_2D, multiplier 1, weights [kh][kw][c]. */
    public record Depthwise(int in, int out, float[] weights, int kh, int kw, int c, float[] bias,
                            int stride, boolean same, boolean relu) implements Op {}

    public record MaxPool(int in, int out, int k, int stride, boolean same) implements Op {}

    /**
     * MEAN over height and width to [1, C]. Unlike AVERAGE_POOL_2D it may requantize, so the
     * averaged logits get a scale of their own instead of the coarser one of the values averaged.
     */
    public record Mean(int in, int out) implements Op {}

    public record Add(int a, int b, int out) implements Op {}

    public record Softmax(int in, int out) implements Op {}

    final List<Tensor> tensors = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final int input;
    int output = -1;

    /** Starts a graph whose input is an H x W x C image. */
    public Graph(int h, int w, int c) {
        input = tensor("input", 1, h, w, c);
    }

    public int input() { return input; }

    public int output() { return output; }

    public List<Tensor> tensors() { return List.copyOf(tensors); }

    public List<Op> ops() { return List.copyOf(ops); }

    public Tensor tensor(int id) { return tensors.get(id); }

    private int tensor(String name, int... shape) {
        tensors.add(new Tensor(tensors.size(), name, shape));
        return tensors.size() - 1;
    }

    /** Output size along one axis under TensorFlow's SAME or VALID padding. */
    static int outSize(int in, int k, int stride, boolean same) {
        return same ? (in + stride - 1) / stride : (in - k) / stride + 1;
    }

    /** Padding before the first element under SAME (TensorFlow puts the odd one at the end). */
    static int padBefore(int in, int k, int stride, boolean same) {
        if (!same) return 0;
        int total = Math.max((outSize(in, k, stride, true) - 1) * stride + k - in, 0);
        return total / 2;
    }

    private int spatial(String name, int in, int k, int stride, boolean same, int channels) {
        int[] s = tensor(in).shape();
        return tensor(name, 1, outSize(s[1], k, stride, same), outSize(s[2], k, stride, same), channels);
    }

    public int conv(String name, int in, float[] ohwi, int o, int kh, int kw, float[] bias,
                    int stride, boolean same, boolean relu) {
        int ic = tensor(in).shape()[3];
        check(ohwi.length == o * kh * kw * ic, name + ": weights do not match OHWI " + o + "x" + kh + "x" + kw + "x" + ic);
        check(bias.length == o, name + ": bias length " + bias.length + " != " + o);
        int out = spatial(name, in, kh, stride, same, o);
        ops.add(new Conv(in, out, ohwi, o, kh, kw, ic, bias, stride, same, relu));
        return out;
    }

    public int depthwise(String name, int in, float[] hwc, int kh, int kw, float[] bias,
                         int stride, boolean same, boolean relu) {
        int c = tensor(in).shape()[3];
        check(hwc.length == kh * kw * c, name + ": depthwise weights do not match " + kh + "x" + kw + "x" + c);
        check(bias.length == c, name + ": bias length " + bias.length + " != " + c);
        int out = spatial(name, in, kh, stride, same, c);
        ops.add(new Depthwise(in, out, hwc, kh, kw, c, bias, stride, same, relu));
        return out;
    }

    public int maxPool(String name, int in, int k, int stride, boolean same) {
        int out = spatial(name, in, k, stride, same, tensor(in).shape()[3]);
        ops.add(new MaxPool(in, out, k, stride, same));
        return out;
    }

    /** Global average over height and width: [1, H, W, C] -> [1, C]. */
    public int mean(String name, int in) {
        check(tensor(in).shape().length == 4, name + ": mean needs an NHWC input");
        int out = tensor(name, 1, tensor(in).shape()[3]);
        ops.add(new Mean(in, out));
        return out;
    }

    public int add(String name, int a, int b) {
        check(Arrays.equals(tensor(a).shape(), tensor(b).shape()),
                name + ": cannot add " + Arrays.toString(tensor(a).shape()) + " and " + Arrays.toString(tensor(b).shape()));
        int out = tensor(name, tensor(a).shape().clone());
        ops.add(new Add(a, b, out));
        return out;
    }

    public int softmax(String name, int in) {
        int out = tensor(name, tensor(in).shape().clone());
        ops.add(new Softmax(in, out));
        output = out;
        return out;
    }

    /** Marks the graph's output (set automatically by {@link #softmax}). */
    public void output(int tensor) { output = tensor; }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
