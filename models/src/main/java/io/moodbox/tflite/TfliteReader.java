package io.moodbox.tflite;

import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a float32 TFLite model that {@link TfliteWriter#float32} wrote back into a {@link Graph},
 * so the shipped float twin (batch norm folded, nothing int8-only applied) can be re-quantized
 * without the training run's weights file. Accepts only what the writer emits: one subgraph of
 * CONV_2D, DEPTHWISE_CONV_2D (multiplier 1), MAX_POOL_2D, ADD, MEAN over H and W, SOFTMAX, no
 * dilation; anything else is an IllegalArgumentException naming the operator.
 */
public final class TfliteReader {
    private final ModelT model;
    private final SubGraphT sg;
    private final Map<Integer, Integer> graphId = new HashMap<>();   // TFLite tensor index -> Graph tensor id
    private Graph g;

    private TfliteReader(byte[] bytes) {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8 || !Model.ModelBufferHasIdentifier(bb)) {
            throw new IllegalArgumentException("not a TFLite flatbuffer (no TFL3 identifier)");
        }
        model = Model.getRootAsModel(bb).unpack();
        if (model.getSubgraphs().length != 1) throw new IllegalArgumentException("expected one subgraph, found " + model.getSubgraphs().length);
        sg = model.getSubgraphs()[0];
    }

    public static Graph read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    public static Graph read(byte[] bytes) {
        return new TfliteReader(bytes).graph();
    }

    private Graph graph() {
        if (sg.getInputs().length != 1 || sg.getOutputs().length != 1) throw new IllegalArgumentException("expected one input and one output");
        TensorT in = tensor(sg.getInputs()[0]);
        int[] s = in.getShape();
        if (s.length != 4 || s[0] != 1) throw new IllegalArgumentException("input must be [1,H,W,C], is " + Arrays.toString(s));
        g = new Graph(s[1], s[2], s[3]);
        graphId.put(sg.getInputs()[0], g.input());
        for (OperatorT op : sg.getOperators()) operator(op);
        int out = activation(sg.getOutputs()[0]);
        g.output(out);
        return g;
    }

    private void operator(OperatorT op) {
        int code = model.getOperatorCodes()[(int) op.getOpcodeIndex()].getBuiltinCode();
        int[] ins = op.getInputs();
        if (op.getOutputs().length != 1) throw new IllegalArgumentException(BuiltinOperator.name(code) + " with " + op.getOutputs().length + " outputs");
        String name = tensor(op.getOutputs()[0]).getName();
        Object options = op.getBuiltinOptions() == null ? null : op.getBuiltinOptions().getValue();
        int out = switch (code) {
            case BuiltinOperator.CONV_2D -> {
                var o = (Conv2DOptionsT) options;
                if (o.getDilationHFactor() != 1 || o.getDilationWFactor() != 1 || o.getStrideH() != o.getStrideW()) unsupported(name, "dilation or unequal strides");
                int[] ws = tensor(ins[1]).getShape();            // OHWI
                yield g.conv(name, activation(ins[0]), floats(ins[1]), ws[0], ws[1], ws[2], floats(ins[2]),
                        o.getStrideH(), o.getPadding() == Padding.SAME, relu(name, o.getFusedActivationFunction()));
            }
            case BuiltinOperator.DEPTHWISE_CONV_2D -> {
                var o = (DepthwiseConv2DOptionsT) options;
                if (o.getDepthMultiplier() != 1 || o.getDilationHFactor() != 1 || o.getDilationWFactor() != 1
                        || o.getStrideH() != o.getStrideW()) unsupported(name, "a multiplier, dilation or unequal strides");
                int[] ws = tensor(ins[1]).getShape();            // [1, kh, kw, C]
                yield g.depthwise(name, activation(ins[0]), floats(ins[1]), ws[1], ws[2], floats(ins[2]),
                        o.getStrideH(), o.getPadding() == Padding.SAME, relu(name, o.getFusedActivationFunction()));
            }
            case BuiltinOperator.MAX_POOL_2D -> {
                var o = (Pool2DOptionsT) options;
                if (o.getFilterHeight() != o.getFilterWidth() || o.getStrideH() != o.getStrideW()
                        || o.getFusedActivationFunction() != ActivationFunctionType.NONE) unsupported(name, "a non-square window or a fused activation");
                yield g.maxPool(name, activation(ins[0]), o.getFilterHeight(), o.getStrideH(), o.getPadding() == Padding.SAME);
            }
            case BuiltinOperator.ADD -> {
                var o = (AddOptionsT) options;
                if (o.getFusedActivationFunction() != ActivationFunctionType.NONE) unsupported(name, "a fused activation");
                yield g.add(name, activation(ins[0]), activation(ins[1]));
            }
            case BuiltinOperator.MEAN -> {
                var o = (ReducerOptionsT) options;
                int[] axes = ints(ins[1]);
                if (o.getKeepDims() || !Arrays.equals(axes, new int[] {1, 2})) unsupported(name, "axes other than H and W, or kept dims");
                yield g.mean(name, activation(ins[0]));
            }
            case BuiltinOperator.SOFTMAX -> g.softmax(name, activation(ins[0]));
            default -> throw new IllegalArgumentException(name + ": operator " + BuiltinOperator.name(code) + " is not one the exporter writes");
        };
        graphId.put(op.getOutputs()[0], out);
    }

    private static boolean relu(String name, byte fused) {
        if (fused == ActivationFunctionType.RELU) return true;
        if (fused == ActivationFunctionType.NONE) return false;
        throw new IllegalArgumentException(name + ": fused activation " + ActivationFunctionType.name(fused) + " is not supported");
    }

    private static void unsupported(String name, String what) {
        throw new IllegalArgumentException(name + ": " + what + " is not supported");
    }

    private TensorT tensor(int i) {
        return sg.getTensors()[i];
    }

    /** The Graph id of an activation an earlier operator (or the input) produced. */
    private int activation(int i) {
        Integer id = graphId.get(i);
        if (id == null) throw new IllegalArgumentException("tensor " + tensor(i).getName() + " is used before an operator produces it");
        return id;
    }

    private ByteBuffer data(int i, byte type) {
        TensorT t = tensor(i);
        if (t.getType() != type) throw new IllegalArgumentException(t.getName() + ": expected " + TensorType.name(type) + ", is " + TensorType.name(t.getType())
                + (t.getType() == TensorType.INT8 ? " (read the float32 twin, not the int8 model)" : ""));
        int[] d = model.getBuffers()[(int) t.getBuffer()].getData();
        int n = Arrays.stream(t.getShape()).reduce(1, (a, b) -> a * b);
        if (d == null || d.length != n * 4) throw new IllegalArgumentException(t.getName() + ": buffer holds " + (d == null ? 0 : d.length) + " bytes, not " + n * 4);
        ByteBuffer bb = ByteBuffer.allocate(d.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int b : d) bb.put((byte) b);
        return bb.flip();
    }

    private float[] floats(int i) {
        ByteBuffer bb = data(i, TensorType.FLOAT32);
        float[] v = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(v);
        return v;
    }

    private int[] ints(int i) {
        ByteBuffer bb = data(i, TensorType.INT32);
        int[] v = new int[bb.remaining() / 4];
        bb.asIntBuffer().get(v);
        return v;
    }
}
