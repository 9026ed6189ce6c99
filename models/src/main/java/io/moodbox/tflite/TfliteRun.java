package io.moodbox.tflite;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * Runs an exported model through the real TFLite interpreter (Bytedeco), one thread: the tests
 * check the writer with it, and distillation's teacher ({@code trainer.Teacher}) runs its models.
 */
public final class TfliteRun implements AutoCloseable {
    private final BytePointer buffer;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver = new BuiltinOpResolver();
    private final Interpreter interpreter = new Interpreter((Pointer) null);
    private int batch = 1;

    public TfliteRun(byte[] bytes) {
        buffer = new BytePointer(bytes.length);
        buffer.put(bytes);
        model = FlatBufferModel.BuildFromBuffer(buffer, bytes.length);
        if (model == null || model.isNull()) throw new IllegalStateException("TFLite rejected the flatbuffer");
        if (new InterpreterBuilder(model, resolver).apply(interpreter) != kTfLiteOk || interpreter.isNull())
            throw new IllegalStateException("TFLite could not build an interpreter for the model");
        interpreter.SetNumThreads(1);
        if (interpreter.AllocateTensors() != kTfLiteOk) throw new IllegalStateException("AllocateTensors failed");
    }

    public TfLiteTensor in() { return interpreter.input_tensor(0); }

    public TfLiteTensor out() { return interpreter.output_tensor(0); }

    public byte[] runInt8(byte[] input) {
        interpreter.typed_input_tensor_byte(0).put(input);
        invoke();
        byte[] y = new byte[(int) out().bytes()];
        interpreter.typed_output_tensor_byte(0).get(y);
        return y;
    }

    /** int8 input, float32 output (a 16x8 model written with {@link TfliteWriter.WideOutput#FLOAT32}). */
    float[] runInt8ToFloat(byte[] input) {
        interpreter.typed_input_tensor_byte(0).put(input);
        invoke();
        return floatOutput();
    }

    float[] runFloat(float[] input) {
        interpreter.typed_input_tensor_float(0).put(input);
        invoke();
        return floatOutput();
    }

    private float[] floatOutput() {
        float[] y = new float[(int) out().bytes() / 4];
        interpreter.typed_output_tensor_float(0).get(y);
        return y;
    }

    /** Float32 in and out for {@code count} images at once: the input's first dimension resized to it. */
    public float[] runFloat(float[] input, int count) {
        if (count != batch) {
            int[] shape = new int[in().dims().size()];
            for (int i = 0; i < shape.length; i++) shape[i] = in().dims().data(i);
            shape[0] = count;
            if (interpreter.ResizeInputTensor(interpreter.inputs().get(0), shape) != kTfLiteOk || interpreter.AllocateTensors() != kTfLiteOk)
                throw new IllegalStateException("resizing to a batch of " + count + " failed");
            batch = count;
        }
        return runFloat(input);
    }

    private void invoke() {
        if (interpreter.Invoke() != kTfLiteOk) throw new IllegalStateException("Invoke failed");
    }

    @Override
    public void close() {
        interpreter.close();
        resolver.close();
        model.close();
        buffer.close();
    }
}
