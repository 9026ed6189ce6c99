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
import org.tensorflow.lite.schema.DequantizeOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.QuantizeOptionsT;
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
 * <p>{@link #int16x8} writes TFLite's "16x8" scheme for the tensors asked for: int16 activations
 * (symmetric, zero point 0), the same int8 per-channel weights, int64 biases; QUANTIZE (and,
 * from int8 to int16, DEQUANTIZE then QUANTIZE) ops join the int8 and int16 parts.
 *
 * <p>Batch is dynamic: every tensor's shape signature has -1 for the batch, so a caller may resize
 * the input to [N,H,W,C] and classify N faces in one pass.
 */
public final class TfliteWriter {
    private final Graph g;
    private final Quant[] quant;              // null: float32 model
    private final Options options;
    private final Quant[] wide;               // by graph tensor: int16 quantization, null where int8 (or no int16 at all)
    private final WideOutput wideOutput;
    private final List<Quant> actQuant = new ArrayList<>();   // by written tensor: its activation quantization, null for constants
    private final Map<Long, Integer> converted = new LinkedHashMap<>();
    private final List<TensorT> tensors = new ArrayList<>();
    private final List<BufferT> buffers = new ArrayList<>();
    private final Map<Integer, Integer> opcodeIndex = new LinkedHashMap<>();   // by builtin << 8 | version
    private final List<OperatorCodeT> opcodes = new ArrayList<>();
    private final List<OperatorT> operators = new ArrayList<>();

    private TfliteWriter(Graph g, Quant[] quant) {
        this(g, quant, Options.CLASSIFIER);
    }

    private TfliteWriter(Graph g, Quant[] quant, Options options) {
        this(g, quant, options, null, WideOutput.INT8);
    }

    private TfliteWriter(Graph g, Quant[] quant, Options options, Quant[] wide, WideOutput wideOutput) {
        this.g = g;
        this.quant = quant;
        this.options = options;
        this.wide = wide;
        this.wideOutput = wideOutput;
    }

    /** What an int16 softmax hands the caller: int8 at {@link Calibration#SOFTMAX} (as the int8 model), or float32. */
    public enum WideOutput { INT8, FLOAT32 }

    /**
     * The int16 quantization tensor t is read with by int16 ops: its own, or for an int8 tensor
     * the symmetric int16 grid covering its int8 range (every int8 value within 1/256 of its step).
     */
    static Quant wideQuant(Quant[] int16, Quant[] int8, int t) {
        if (int16[t] != null) return int16[t];
        return int16Of(int8[t]);
    }

    /** The symmetric int16 quantization covering an int8 one's range. */
    public static Quant int16Of(Quant int8) {
        float lo = int8.dequantize(-128), hi = int8.dequantize(127);
        return Calibration.symmetric16(Math.max(Math.abs(lo), Math.abs(hi)));
    }

    /** int16 softmax output: TFLite's kernel wants scale 1/32768, zero point 0. */
    public static final Quant SOFTMAX16 = new Quant(1f / 32768f, 0);

    /**
     * The 16x8 model: tensor t carries int16 activations quantized as {@code int16[t]} where that is
     * non-null (symmetric: zero point 0), int8 as {@code int8[t]} elsewhere; each op computes in its
     * output's width, its inputs converted where they differ. The input stays int8 ({@link
     * Calibration#INPUT}); an int16 softmax output (it must be {@link #SOFTMAX16}) is handed out as
     * {@code output} says, so the appliance reads it as it reads the int8 model.
     *
     * @param int8 int8 quantization of every tensor (the converted copies of int16 ones use it too)
     */
    public static byte[] int16x8(Graph g, Quant[] int8, Quant[] int16, WideOutput output, String description) {
        Calibration.checkKernelConstraints(g, int8);
        if (int16.length != g.tensors.size())
            throw new IllegalArgumentException("int16 quantization for " + int16.length + " tensors, the graph has " + g.tensors.size());
        if (int16[g.input] != null) throw new IllegalArgumentException("the input stays int8 (the appliance feeds pixel - 128)");
        for (Op op : g.ops) {
            Quant q = int16[op.out()];
            if (q == null) continue;
            String name = g.tensor(op.out()).name();
            if (q.zeroPoint() != 0 || !(q.scale() > 0))
                throw new IllegalArgumentException(name + ": int16 activations must be symmetric (zero point 0), not " + q);
            if (op instanceof MaxPool p && !q.equals(wideQuant(int16, int8, p.in())))
                throw new IllegalArgumentException(name + ": an int16 max-pool must keep its input's quantization "
                        + wideQuant(int16, int8, p.in()) + ", not " + q);
            if (op instanceof Softmax && !SOFTMAX16.equals(q))
                throw new IllegalArgumentException(name + ": an int16 softmax output must be " + SOFTMAX16 + ", not " + q);
        }
        return new TfliteWriter(g, int8.clone(), Options.CLASSIFIER, int16.clone(), output).build(description);
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
            Quant q = !int8() ? null : isWide(t.id()) ? wide[t.id()] : quant[t.id()];
            tt.setType(!int8() ? TensorType.FLOAT32 : isWide(t.id()) ? TensorType.INT16 : TensorType.INT8);
            tt.setBuffer(0);
            if (int8()) tt.setQuantization(perTensor(q));
            tensors.add(tt);
            actQuant.add(q);
        }
        for (Op op : g.ops) operator(op);
        int output = g.output;
        if (options.outputs() == null && isWide(output)) output = wideOutput == WideOutput.FLOAT32 ? dequantized(output) : as(output, false);

        SubGraphT sg = new SubGraphT();
        sg.setName("main");
        sg.setTensors(tensors.toArray(TensorT[]::new));
        sg.setInputs(new int[] {g.input});
        sg.setOutputs(options.outputs() != null ? options.outputs().clone() : new int[] {output});
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

    private boolean isWide(int tensor) {
        return wide != null && tensor < wide.length && wide[tensor] != null;
    }

    /** Whether written tensor t (a graph tensor or a converted copy) holds int16. */
    private boolean wideTensor(int t) {
        return tensors.get(t).getType() == TensorType.INT16;
    }

    /**
     * Graph tensor t in the width asked for: itself, or a copy made once by QUANTIZE (int16 to
     * int8), or DEQUANTIZE then QUANTIZE (int8 to int16: TFLite's QUANTIZE has no int8 to int16
     * requantization).
     */
    private int as(int t, boolean toWide) {
        if (!int8() || wideTensor(t) == toWide) return t;
        long key = ((long) t << 2) | (toWide ? 1 : 0);
        Integer done = converted.get(key);
        if (done != null) return done;
        Quant q = toWide ? wideQuant(wide, quant, t) : quant[t];
        int from = toWide ? dequantized(t) : t;
        int to = activation(g.tensor(t).name() + (toWide ? "/int16" : "/int8"), g.tensor(t).shape(),
                toWide ? TensorType.INT16 : TensorType.INT8, q);
        add(BuiltinOperator.QUANTIZE, 2, new int[] {from}, to, BuiltinOptions.QuantizeOptions, new QuantizeOptionsT());
        converted.put(key, to);
        return to;
    }

    /** Graph tensor t as float32, by a DEQUANTIZE made once. */
    private int dequantized(int t) {
        long key = ((long) t << 2) | 2;
        Integer done = converted.get(key);
        if (done != null) return done;
        int to = activation(g.tensor(t).name() + "/float", g.tensor(t).shape(), TensorType.FLOAT32, null);
        add(BuiltinOperator.DEQUANTIZE, wideTensor(t) ? 4 : 2, new int[] {t}, to, BuiltinOptions.DequantizeOptions, new DequantizeOptionsT());
        converted.put(key, to);
        return to;
    }

    private int activation(String name, int[] shape, byte type, Quant q) {
        TensorT tt = new TensorT();
        tt.setName(name);
        tt.setShape(shape.clone());
        if (options.dynamicBatch()) tt.setShapeSignature(dynamicBatch(shape));
        tt.setType(type);
        tt.setBuffer(0);
        if (q != null) tt.setQuantization(perTensor(q));
        tensors.add(tt);
        actQuant.add(q);
        return tensors.size() - 1;
    }

    private void operator(Op op) {
        boolean w = isWide(op.out());
        switch (op) {
            case Conv c -> {
                int in = as(c.in(), w);
                int wt = weights(g.tensor(c.out()).name() + "/weights", c.weights(), new int[] {c.o(), c.kh(), c.kw(), c.ic()}, c.o(), 0);
                int b = bias(in, wt, c.bias());
                var o = new Conv2DOptionsT();
                o.setPadding(c.same() ? Padding.SAME : Padding.VALID);
                o.setStrideH(c.stride());
                o.setStrideW(c.stride());
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(activation(c.relu()));
                add(BuiltinOperator.CONV_2D, w ? 4 : int8() ? 3 : 1, new int[] {in, wt, b}, c.out(), BuiltinOptions.Conv2DOptions, o);
            }
            case Depthwise d -> {
                int in = as(d.in(), w);
                int wt = weights(g.tensor(d.out()).name() + "/weights", d.weights(), new int[] {1, d.kh(), d.kw(), d.c()}, d.c(), 3);
                int b = bias(in, wt, d.bias());
                var o = new DepthwiseConv2DOptionsT();
                o.setPadding(d.same() ? Padding.SAME : Padding.VALID);
                o.setStrideH(d.stride());
                o.setStrideW(d.stride());
                o.setDepthMultiplier(1);
                o.setDilationHFactor(1);
                o.setDilationWFactor(1);
                o.setFusedActivationFunction(activation(d.relu()));
                add(BuiltinOperator.DEPTHWISE_CONV_2D, w ? 5 : int8() ? 3 : 1, new int[] {in, wt, b}, d.out(),
                        BuiltinOptions.DepthwiseConv2DOptions, o);
            }
            case MaxPool p -> add(BuiltinOperator.MAX_POOL_2D, w ? 3 : int8() ? 2 : 1, new int[] {as(p.in(), w)}, p.out(),
                    BuiltinOptions.Pool2DOptions, pool(p.k(), p.stride(), p.same()));
            case Add a -> {
                var o = new AddOptionsT();
                o.setFusedActivationFunction(ActivationFunctionType.NONE);
                // int16 scales are whatever calibration found, not powers of two: the general kernel.
                if (w) o.setPotScaleInt16(false);
                add(BuiltinOperator.ADD, w ? 3 : int8() ? 2 : 1, new int[] {as(a.a(), w), as(a.b(), w)}, a.out(), BuiltinOptions.AddOptions, o);
            }
            case Mean m -> {
                int axes = constant(g.tensor(m.out()).name() + "/axes", TensorType.INT32, new int[] {2}, le(new int[] {1, 2}), null);
                var o = new ReducerOptionsT();
                o.setKeepDims(false);
                add(BuiltinOperator.MEAN, w ? 3 : int8() ? 2 : 1, new int[] {as(m.in(), w), axes}, m.out(), BuiltinOptions.ReducerOptions, o);
            }
            case Softmax s -> {
                var o = new SoftmaxOptionsT();
                o.setBeta(1f);
                add(BuiltinOperator.SOFTMAX, w ? 3 : int8() ? 2 : 1, new int[] {as(s.in(), w)}, s.out(), BuiltinOptions.SoftmaxOptions, o);
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
        // A nearly dead channel (weights near 1e-39 after training) would get a subnormal scale;
        // a model with one measured 35% slower through the interpreter (XNNPACK passes such ops by).
        for (int c = 0; c < channels; c++)
            scales[c] = scales[c] > 0 ? Math.max(scales[c] / 127f, MIN_WEIGHT_SCALE) : zeroChannelScale;
        return scales;
    }

    /** The smallest per-channel weight scale written: the classifier's all-zero channel scale, a normal float. */
    public static final float MIN_WEIGHT_SCALE = 1e-8f;

    private int bias(int in, int weightsTensor, float[] b) {
        String name = tensors.get(weightsTensor).getName().replace("/weights", "/bias");
        if (!int8()) return constant(name, TensorType.FLOAT32, new int[] {b.length}, le(b), null);
        float inScale = actQuant.get(in).scale();
        if (wideTensor(in)) return bias64(name, inScale, b);
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

    /** int64 biases of a 16x8 conv, at input scale x weight scale as the int32 ones. */
    private int bias64(String name, float inScale, float[] b) {
        long[] q = new long[b.length];
        float[] scales = new float[b.length];
        for (int c = 0; c < b.length; c++) {
            scales[c] = inScale * lastWeightScales[c];
            q[c] = Math.round((double) b[c] / scales[c]);
        }
        var qp = new QuantizationParametersT();
        qp.setScale(scales);
        qp.setZeroPoint(new long[b.length]);
        qp.setQuantizedDimension(0);
        ByteBuffer bb = ByteBuffer.allocate(q.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : q) bb.putLong(v);
        return constant(name, TensorType.INT64, new int[] {b.length}, bb.array(), qp);
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
        actQuant.add(null);
        return tensors.size() - 1;
    }

    private static QuantizationParametersT perTensor(Quant q) {
        var qp = new QuantizationParametersT();
        qp.setScale(new float[] {q.scale()});
        qp.setZeroPoint(new long[] {q.zeroPoint()});
        return qp;
    }

    private void add(int builtin, int version, int[] inputs, int output, byte optionsType, Object options) {
        int index = opcodeIndex.computeIfAbsent(builtin << 8 | version, key -> {
            int b = key >> 8;
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
