package io.moodbox.tflite;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/** Runs an exported model through the real TFLite interpreter (Bytedeco), batch 1. Test-only. */
public final class TfliteRun implements AutoCloseable {
    private final BytePointer buffer;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver = new BuiltinOpResolver();
    private final Interpreter interpreter = new Interpreter((Pointer) null);

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

    TfLiteTensor in() { return interpreter.input_tensor(0); }

    TfLiteTensor out() { return interpreter.output_tensor(0); }

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
        float[] y = new float[(int) out().bytes() / 4];
        interpreter.typed_output_tensor_float(0).get(y);
        return y;
    }

    float[] runFloat(float[] input) {
        interpreter.typed_input_tensor_float(0).put(input);
        invoke();
        float[] y = new float[(int) out().bytes() / 4];
        interpreter.typed_output_tensor_float(0).get(y);
        return y;
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
