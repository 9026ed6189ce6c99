package io.moodbox.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph.Add;
import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Mean;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Graph} as a TFLite flatbuffer with the schema classes of
 * tensorflow-lite-metadata: float32, or int8 with per-channel symmetric weights (zero point 0;
 * axis 0 for CONV_2D's OHWI, axis 3 for DEPTHWISE_CONV_2D's [1,kh,kw,C]), per-tensor activations
 * from a {@link Calibration}, and int32 biases at input scale x weight scale.
 *
 * <p>Batch is dynamic: every tensor's shape signature has -1 for the batch, so a caller may resize
 * the input to [N,H,W,C] and classify N faces in one pass.
 */
public final class TfliteWriter {
    private final Graph g;
    private final Quant[] quant;              // null: float32 model
    private final Options options;
    private final List<TensorT> tensors = new ArrayList<>();
    private final List<BufferT> buffers = new ArrayList<>();
    private final Map<Integer, Integer> opcodeIndex = new LinkedHashMap<>();
    private final List<OperatorCodeT> opcodes = new ArrayList<>();
    private final List<OperatorT> operators = new ArrayList<>();

    private TfliteWriter(Graph g, Quant[] quant) {
        this(g, quant, Options.CLASSIFIER);
    }

    private TfliteWriter(Graph g, Quant[] quant, Options options) {
        this.g = g;
        this.quant = quant;
        this.options = options;
    }

    /**
     * Where a graph is written otherwise than the emotion classifier ({@link #CLASSIFIER}): a
     * detector has several outputs, clamps its ReLUs at 6 and has a fixed batch of 1.
     *
     * @param outputs          the model's outputs by tensor id, in order; null: the graph's one output
     * @param relu6            every fused ReLU is a ReLU6
     * @param zeroChannelScale the int8 weight scale of a channel whose weights are all zero (its
     *                         bias, at input scale x this, must stay inside int32)
     * @param dynamicBatch     the batch dimension's shape signature is -1
     */
    public record Options(int[] outputs, boolean relu6, float zeroChannelScale, boolean dynamicBatch) {
        public static final Options CLASSIFIER = new Options(null, false, 1e-8f, true);

        /** A detector's: these outputs, ReLU6, scale 1 for all-zero channels, batch 1. */
        public static Options detector(int[] outputs) {
            return new Options(outputs.clone(), true, 1f, false);
        }
    }

    /** The float32 model written as {@code options} say. */
    public static byte[] float32(Graph g, String description, Options options) {
        return new TfliteWriter(g, null, options).build(description);
    }

    /**
     * The int8 model with activations quantized as given, by tensor id, written as {@code options}
     * say; only the classifier's kernel constraints on the input and softmax are not asked for.
     */
    public static byte[] int8(Graph g, Quant[] activations, String description, Options options) {
        if (activations.length != g.tensors.size())
            throw new IllegalArgumentException("quantization for " + activations.length + " tensors, the graph has " + g.tensors.size());
        for (Graph.Tensor t : g.tensors) {
            Quant q = activations[t.id()];
            if (q == null || !(q.scale() > 0) || q.zeroPoint() < -128 || q.zeroPoint() > 127)
                throw new IllegalArgumentException(t.name() + ": no valid int8 quantization (" + q + ")");
        }
        return new TfliteWriter(g, activations.clone(), options).build(description);
    }

    /** Asymmetric int8 covering [lo, hi] and exactly representing 0, as {@link Calibration} quantizes a range. */
    public static Quant quantFromRange(float lo, float hi) {
        return Calibration.fromRange(lo, hi);
    }

    /** The float32 model. */
    public static byte[] float32(Graph g, String description) {
        return new TfliteWriter(g, null).build(description);
    }

    /** The int8 model; activations quantized as {@code calibration} says. */
    public static byte[] int8(Graph g, Calibration calibration, String description) {
        return new TfliteWriter(g, calibration.quantization()).build(description);
    }

    /**
     * The int8 model with activations quantized as given, by tensor id (from {@link RangeSearch});
     * throws IllegalArgumentException if they break a kernel constraint.
     */
    public static byte[] int8(Graph g, Quant[] activations, String description) {
        Calibration.checkKernelConstraints(g, activations);
        return new TfliteWriter(g, activations.clone()).build(description);
    }

    /** Writes atomically, so a failed export never leaves half a model where the box loads it. */
    public static void write(byte[] model, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, model);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private boolean int8() { return quant != null; }

    private byte[] build(String description) {
        buffers.add(buffer(new byte[0]));                 // buffer 0: the empty sentinel
        for (Graph.Tensor t : g.tensors) {
            TensorT tt = new TensorT();
            tt.setName(t.name());
            tt.setShape(t.shape().clone());
            if (options.dynamicBatch()) tt.setShapeSignature(dynamicBatch(t.shape()));
            tt.setType(int8() ? TensorType.INT8 : TensorType.FLOAT32);
            tt.setBuffer(0);
            if (int8()) tt.setQuantization(perTensor(quant[t.id()]));
            tensors.add(tt);
        }
        for (Op op : g.ops) operator(op);

        SubGraphT sg = new SubGraphT();
        sg.setName("main");
        sg.setTensors(tensors.toArray(TensorT[]::new));
        sg.setInputs(new int[] {g.input});
        sg.setOutputs(options.outputs() != null ? options.outputs().clone() : new int[] {g.output});
        sg.setOperators(operators.toArray(OperatorT[]::new));

        ModelT m = new ModelT();
        m.setVersion(3);
        m.setDescription(description);
        m.setOperatorCodes(opcodes.toArray(OperatorCodeT[]::new));
        m.setSubgraphs(new SubGraphT[] {sg});
        m.setBuffers(buffers.toArray(BufferT[]::new));
        FlatBufferBuilder fb = new FlatBufferBuilder(1 << 16);
        Model.finishModelBuffer(fb, Model.pack(fb, m));
        return fb.sizedByteArray();
    }

    private static int[] dynamicBatch(int[] shape) {
        int[] s = shape.clone();
        s[0] = -1;
        return s;
    }

    private void operator(Op op) {
        switch (op) {
            case Conv c -> {
                int w = weights(g.tensor(c.out()).name() + "/weights", c.weights(), new int[] {c.o(), c.kh(), c.kw(), c.ic()}, c.o(), 0);
                int b = bias(c.in(), w, c.bias());
                var o = new Conv2DOptionsT();
                o.setPadding(c.same() ? Padding.SAME : Padding.VALID);
                o.setStrideH(c.stride());
                o.setStrideW(c.stride());
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(activation(c.relu()));
                add(BuiltinOperator.CONV_2D, int8() ? 3 : 1, new int[] {c.in(), w, b}, c.out(), BuiltinOptions.Conv2DOptions, o);
            }
            case Depthwise d -> {
                int w = weights(g.tensor(d.out()).name() + "/weights", d.weights(), new int[] {1, d.kh(), d.kw(), d.c()}, d.c(), 3);
                int b = bias(d.in(), w, d.bias());
                var o = new DepthwiseConv2DOptionsT();
                o.setPadding(d.same() ? Padding.SAME : Padding.VALID);
                o.setStrideH(d.stride());
                o.setStrideW(d.stride());
                o.setDepthMultiplier(1);
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(activation(d.relu()));
                add(BuiltinOperator.DEPTHWISE_CONV_2D, int8() ? 3 : 1, new int[] {d.in(), w, b}, d.out(),
                        BuiltinOptions.DepthwiseConv2DOptions, o);
            }
            case MaxPool p -> add(BuiltinOperator.MAX_POOL_2D, int8() ? 2 : 1, new int[] {p.in()}, p.out(),
                    BuiltinOptions.Pool2DOptions, pool(p.k(), p.stride(), p.same()));
            case Add a -> {
                var o = new AddOptionsT();
                o.setFusedActivationFunction(ActivationFunctionType.NONE);
                add(BuiltinOperator.ADD, int8() ? 2 : 1, new int[] {a.a(), a.b()}, a.out(), BuiltinOptions.AddOptions, o);
            }
            case Mean m -> {
                int axes = constant(g.tensor(m.out()).name() + "/axes", TensorType.INT32, new int[] {2}, le(new int[] {1, 2}), null);
                var o = new ReducerOptionsT();
                o.setKeepDims(false);
                add(BuiltinOperator.MEAN, int8() ? 2 : 1, new int[] {m.in(), axes}, m.out(), BuiltinOptions.ReducerOptions, o);
            }
            case Softmax s -> {
                var o = new SoftmaxOptionsT();
                o.setBeta(1f);
                add(BuiltinOperator.SOFTMAX, int8() ? 2 : 1, new int[] {s.in()}, s.out(), BuiltinOptions.SoftmaxOptions, o);
            }
        }
    }

    private byte activation(boolean relu) {
        if (!relu) return ActivationFunctionType.NONE;
        return options.relu6() ? ActivationFunctionType.RELU6 : ActivationFunctionType.RELU;
    }

    private static Pool2DOptionsT pool(int k, int stride, boolean same) {
        var o = new Pool2DOptionsT();
        o.setPadding(same ? Padding.SAME : Padding.VALID);
        o.setStrideH(stride);
        o.setStrideW(stride);
        o.setFilterHeight(k);
        o.setFilterWidth(k);
        o.setFusedActivationFunction(ActivationFunctionType.NONE);
        return o;
    }

    /** Weight scales by channel for the current int8 model, kept for the bias that follows. */
    private float[] lastWeightScales;

    private int weights(String name, float[] w, int[] shape, int channels, int axis) {
        if (!int8()) {
            lastWeightScales = null;
            return constant(name, TensorType.FLOAT32, shape, le(w), null);
        }
        float[] scales = weightScales(w, channels, axis, options.zeroChannelScale());
        int block = w.length / channels;
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = axis == 0 ? i / block : i % channels;
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w[i] / scales[c])));
        }
        var qp = new QuantizationParametersT();
        qp.setScale(scales);
        qp.setZeroPoint(new long[channels]);
        qp.setQuantizedDimension(axis);
        lastWeightScales = scales;
        return constant(name, TensorType.INT8, shape, q, qp);
    }

    /**
     * Per-channel symmetric int8 scales: channel c's values sit at index % channels == c for
     * axis 3 (depthwise), and in contiguous blocks for axis 0 (conv).
     */
    static float[] weightScales(float[] w, int channels, int axis) {
        return weightScales(w, channels, axis, Options.CLASSIFIER.zeroChannelScale());
    }

    private static float[] weightScales(float[] w, int channels, int axis, float zeroChannelScale) {
        int block = w.length / channels;
        float[] scales = new float[channels];
        for (int i = 0; i < w.length; i++) {
            int c = axis == 0 ? i / block : i % channels;
            scales[c] = Math.max(scales[c], Math.abs(w[i]));
        }
        for (int c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127f : zeroChannelScale;
        return scales;
    }

    private int bias(int in, int weightsTensor, float[] b) {
        String name = tensors.get(weightsTensor).getName().replace("/weights", "/bias");
        if (!int8()) return constant(name, TensorType.FLOAT32, new int[] {b.length}, le(b), null);
        float inScale = quant[in].scale();
        int[] q = new int[b.length];
        float[] scales = new float[b.length];
        for (int c = 0; c < b.length; c++) {
            scales[c] = inScale * lastWeightScales[c];
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round((double) b[c] / scales[c])));
        }
        var qp = new QuantizationParametersT();
        qp.setScale(scales);
        qp.setZeroPoint(new long[b.length]);
        qp.setQuantizedDimension(0);
        return constant(name, TensorType.INT32, new int[] {b.length}, le(q), qp);
    }

    private int constant(String name, byte type, int[] shape, byte[] data, QuantizationParametersT qp) {
        buffers.add(buffer(data));
        TensorT t = new TensorT();
        t.setName(name);
        t.setShape(shape);
        t.setType(type);
        t.setBuffer(buffers.size() - 1);
        if (qp != null) t.setQuantization(qp);
        tensors.add(t);
        return tensors.size() - 1;
    }

    private static QuantizationParametersT perTensor(Quant q) {
        var qp = new QuantizationParametersT();
        qp.setScale(new float[] {q.scale()});
        qp.setZeroPoint(new long[] {q.zeroPoint()});
        return qp;
    }

    private void add(int builtin, int version, int[] inputs, int output, byte optionsType, Object options) {
        int index = opcodeIndex.computeIfAbsent(builtin, b -> {
            var oc = new OperatorCodeT();
            oc.setBuiltinCode(b);
            oc.setDeprecatedBuiltinCode((byte) Math.min(b, 127));   // old readers look here
            oc.setVersion(version);
            opcodes.add(oc);
            return opcodes.size() - 1;
        });
        var union = new BuiltinOptionsUnion();
        union.setType(optionsType);
        union.setValue(options);
        var op = new OperatorT();
        op.setOpcodeIndex(index);
        op.setInputs(inputs);
        op.setOutputs(new int[] {output});
        op.setBuiltinOptions(union);
        operators.add(op);
    }

    private static BufferT buffer(byte[] data) {
        int[] d = new int[data.length];
        for (int i = 0; i < data.length; i++) d[i] = data[i] & 0xFF;
        var b = new BufferT();
        b.setData(d);
        return b;
    }

    private static byte[] le(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }

    private static byte[] le(int[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) bb.putInt(i);
        return bb.array();
    }
}
