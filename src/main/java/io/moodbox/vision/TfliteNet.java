package io.moodbox.vision;

import io.moodbox.config.MoodboxException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * A face detector's TFLite model on the interpreter, one thread (XNNPACK through the default
 * resolver), tensors allocated. The interpreter reads the flatbuffer in place, so the flatbuffer,
 * model, resolver and interpreter live and are freed together in {@link #close()}. Not thread-safe.
 */
final class TfliteNet implements AutoCloseable {
    private final BytePointer bytes;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final Interpreter interpreter;

    /**
     * @param bytes     the flatbuffer's native memory, owned from here on (freed on failure too)
     * @param damaged   the error when the flatbuffer does not verify
     * @param cannotRun the error when the interpreter cannot be built or allocated
     */
    TfliteNet(BytePointer bytes, long size, String damaged, String cannotRun) {
        this.bytes = bytes;
        model = FlatBufferModel.VerifyAndBuildFromBuffer(bytes, size);
        if (model == null || model.isNull()) {
            bytes.close();
            throw new MoodboxException(damaged);
        }
        resolver = new BuiltinOpResolver();
        interpreter = new Interpreter((Pointer) null);
        var builder = new InterpreterBuilder(model, resolver);
        builder.SetNumThreads(1);
        int status = builder.apply(interpreter);
        builder.close();
        if (status != kTfLiteOk || interpreter.isNull() || interpreter.AllocateTensors() != kTfLiteOk) {
            close();
            throw new MoodboxException(cannotRun);
        }
    }

    Interpreter interpreter() { return interpreter; }

    @Override
    public void close() {
        if (!interpreter.isNull()) interpreter.close();
        resolver.close();
        model.close();
        bytes.close();
    }
}
