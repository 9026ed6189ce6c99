package io.moodbox.vision;

import com.google.flatbuffers.FlatBufferBuilder;
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
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * face-api.js's SSD-MobileNetV1 face detector (trained on WIDER FACE; weights from the npm
 * package {@code @vladmandic/face-api}, MIT) written as a float32 TFLite flatbuffer, layer for
 * layer as the package's {@code ssdMobilenetv1/*.ts} runs it: a MobileNetV1 body (3x3 conv, then 13
 * depthwise + pointwise pairs, ReLU6, batch norm folded into the depthwise weights), 8 extra
 * pointwise layers, and six box predictors (box encodings and class logits) on feature maps of
 * 32, 16, 8, 4, 2 and 1 cells for the 512x512 input. The predictors' 12 raw outputs are the
 * model's outputs; priors, box decoding and suppression are done by {@link SsdFaceDetector}.
 * Built in memory at startup (about 23 MB), so no converted model is stored anywhere.
 */
final class SsdMobilenetModel {
    static final int INPUT = 512;
    /** Feature map side and anchors per cell of each box predictor, in output order. */
    static final int[] GRID = {32, 16, 8, 4, 2, 1}, ANCHORS_PER_CELL = {3, 6, 6, 6, 6, 6};
    static final int PRIORS = 5118;
    /** TensorFlow's batch norm epsilon in face-api's mobileNetV1.ts. */
    private static final float BN_EPSILON = 0.0010000000474974513f;

    private record TensorSpec(String name, int[] shape, int buffer) {}

    private record OpSpec(int builtin, int[] inputs, int output, int stride, boolean relu6) {}

    private final TfjsWeights w;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<float[]> buffers = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();
    private final int[] outputs = new int[12];

    private SsdMobilenetModel(TfjsWeights weights) {
        this.w = weights;
    }

    /**
     * The TFLite flatbuffer for these weights, in a direct (native) buffer positioned at the
     * model's first byte, so the interpreter reads it in place and the 23 MB never sit on the Java
     * heap; the caller keeps the buffer alive as long as the model. Outputs 2k and 2k+1 are
     * predictor k's box encodings and class logits.
     */
    static ByteBuffer build(TfjsWeights weights) {
        var m = new SsdMobilenetModel(weights);
        m.graph();
        return m.write();
    }

    /** The prior boxes {ymin, xmin, ymax, xmax} relative to the input, in output order. */
    static float[] priors(TfjsWeights weights) {
        var p = weights.get("Output/extra_dim");
        if (p.size() != PRIORS * 4) throw new MoodboxException("the face model has " + p.size() / 4 + " priors, expected " + PRIORS);
        return p.values();
    }

    private void graph() {
        int x = activation("input", INPUT, 3);
        x = conv("MobilenetV1/Conv2d_0_pointwise", x, 2, true);
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
            int side = tensors.get(features[k]).shape()[1];
            if (side != GRID[k]) throw new MoodboxException("face model predictor " + k + " sees " + side + " cells, expected " + GRID[k]);
            outputs[2 * k] = predictor("Prediction/BoxPredictor_" + k + "/BoxEncodingPredictor", features[k], 4 * ANCHORS_PER_CELL[k]);
            outputs[2 * k + 1] = predictor("Prediction/BoxPredictor_" + k + "/ClassPredictor", features[k], 3 * ANCHORS_PER_CELL[k]);
        }
    }

    private int activation(String name, int side, int channels) {
        tensors.add(new TensorSpec(name, new int[]{1, side, side, channels}, 0));
        return tensors.size() - 1;
    }

    private int constant(String name, int[] shape, float[] values) {
        buffers.add(values);
        tensors.add(new TensorSpec(name, shape, buffers.size()));
        return tensors.size() - 1;
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
        int wt = constant(prefix + "/weights", new int[]{oc, kh, kw, ic}, ohwi);
        int bt = constant(prefix + "/bias", new int[]{oc}, b.values());
        int out = activation(prefix, (tensors.get(in).shape()[1] + stride - 1) / stride, oc);
        ops.add(new OpSpec(BuiltinOperator.CONV_2D, new int[]{in, wt, bt}, out, stride, relu6));
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
        int out = activation(prefix, (tensors.get(in).shape()[1] + stride - 1) / stride, c);
        ops.add(new OpSpec(BuiltinOperator.DEPTHWISE_CONV_2D, new int[]{in, wt, bt}, out, stride, true));
        return out;
    }

    private int predictor(String prefix, int in, int channels) {
        int out = conv(prefix, in, 1, false);
        if (tensors.get(out).shape()[3] != channels) throw new MoodboxException(prefix + " has " + tensors.get(out).shape()[3] + " channels, expected " + channels);
        return out;
    }

    private ByteBuffer write() {
        long bytes = 0;
        for (float[] b : buffers) bytes += b.length * 4L + 16;
        // Sized for everything at once: the builder never has to grow (and copy) its buffer.
        var fb = new FlatBufferBuilder(ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, bytes + (1 << 20))));
        int[] bufferOffsets = new int[buffers.size() + 1];
        Buffer.startBuffer(fb);
        bufferOffsets[0] = Buffer.endBuffer(fb);                      // buffer 0: the empty sentinel
        for (int i = 0; i < buffers.size(); i++) {
            float[] v = buffers.get(i);
            // 16-byte aligned, as TFLite's own converter writes constants.
            var data = fb.createUnintializedVector(1, v.length * 4, 16).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(v);
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
            Tensor.startTensor(fb);
            Tensor.addName(fb, name);
            Tensor.addShape(fb, shape);
            Tensor.addType(fb, TensorType.FLOAT32);
            Tensor.addBuffer(fb, t.buffer());
            tensorOffsets[i] = Tensor.endTensor(fb);
        }
        int[] builtins = {BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D};
        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpSpec op = ops.get(i);
            byte act = op.relu6() ? ActivationFunctionType.RELU6 : ActivationFunctionType.NONE;
            boolean conv = op.builtin() == BuiltinOperator.CONV_2D;
            int options = conv
                    ? Conv2DOptions.createConv2DOptions(fb, Padding.SAME, op.stride(), op.stride(), act, 1, 1)
                    : DepthwiseConv2DOptions.createDepthwiseConv2DOptions(fb, Padding.SAME, op.stride(), op.stride(), 1, act, 1, 1);
            int inputs = Operator.createInputsVector(fb, op.inputs());
            int outs = Operator.createOutputsVector(fb, new int[]{op.output()});
            Operator.startOperator(fb);
            Operator.addOpcodeIndex(fb, conv ? 0 : 1);
            Operator.addInputs(fb, inputs);
            Operator.addOutputs(fb, outs);
            Operator.addBuiltinOptionsType(fb, conv ? BuiltinOptions.Conv2DOptions : BuiltinOptions.DepthwiseConv2DOptions);
            Operator.addBuiltinOptions(fb, options);
            opOffsets[i] = Operator.endOperator(fb);
        }
        int[] codes = new int[builtins.length];
        for (int i = 0; i < builtins.length; i++) {
            OperatorCode.startOperatorCode(fb);
            OperatorCode.addDeprecatedBuiltinCode(fb, (byte) builtins[i]);
            OperatorCode.addBuiltinCode(fb, builtins[i]);
            OperatorCode.addVersion(fb, 1);
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
        int description = fb.createString("face-api.js SSD-MobileNetV1 face detector (@vladmandic/face-api, MIT), converted by moodbox");
        int bufferVec = Model.createBuffersVector(fb, bufferOffsets);
        Model.startModel(fb);
        Model.addVersion(fb, 3);
        Model.addOperatorCodes(fb, opcodes);
        Model.addSubgraphs(fb, subgraphs);
        Model.addDescription(fb, description);
        Model.addBuffers(fb, bufferVec);
        Model.finishModelBuffer(fb, Model.endModel(fb));
        return fb.dataBuffer();
    }
}
