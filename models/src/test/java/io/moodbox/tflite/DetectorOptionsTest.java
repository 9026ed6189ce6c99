package io.moodbox.tflite;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.junit.jupiter.api.Test;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The writer's detector options (the SSD's, io.moodbox.detector): several outputs, every fused
 * ReLU a ReLU6, batch 1; the classifier's stay as they were. Run on the real interpreter.
 */
class DetectorOptionsTest {

    /** input 2x2x1 -> conv x10 + ReLU (out a), conv x-1 (out b). */
    private static Graph graph() {
        var g = new Graph(2, 2, 1);
        int a = g.conv("a", g.input(), new float[]{10f}, 1, 1, 1, new float[]{0f}, 1, true, true);
        g.conv("b", g.input(), new float[]{-1f}, 1, 1, 1, new float[]{0f}, 1, true, false);
        g.output(a);
        return g;
    }

    @Test
    void detectorOutputsEveryTensorAskedAndClampsAtSix() {
        var g = graph();
        float[][] out = run(TfliteWriter.float32(g, "t", TfliteWriter.Options.detector(new int[]{1, 2})), 2);
        assertArrayEquals(new float[]{6, 6, 0, 5}, out[0], 1e-6f, "ReLU6 on 10x");
        assertArrayEquals(new float[]{-1, -1, 0, -0.5f}, out[1], 1e-6f, "the second output");
        float[][] classifier = run(TfliteWriter.float32(g, "t"), 1);
        assertArrayEquals(new float[]{10, 10, 0, 5}, classifier[0], 1e-6f, "the classifier's ReLU does not clamp");
    }

    private static float[][] run(byte[] model, int outputs) {
        var buffer = new BytePointer(model.length).put(model);
        var fb = FlatBufferModel.BuildFromBuffer(buffer, model.length);
        var resolver = new BuiltinOpResolver();
        var interpreter = new Interpreter((Pointer) null);
        try {
            assertEquals(kTfLiteOk, new InterpreterBuilder(fb, resolver).apply(interpreter));
            assertEquals(kTfLiteOk, interpreter.AllocateTensors());
            assertEquals(outputs, interpreter.outputs().limit());
            interpreter.typed_input_tensor_float(0).put(new float[]{1, 1, 0, 0.5f});
            assertEquals(kTfLiteOk, interpreter.Invoke());
            float[][] out = new float[outputs][4];
            for (int o = 0; o < outputs; o++) interpreter.typed_output_tensor_float(o).get(out[o]);
            return out;
        } finally {
            interpreter.close();
            resolver.close();
            fb.close();
            buffer.close();
        }
    }
}
