package io.moodbox.vision;

import io.moodbox.config.MoodboxException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;

import java.io.IOException;
import java.io.InputStream;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * One TFLite model on the interpreter (XNNPACK through the default resolver), tensors allocated:
 * the one wrapper of Bytedeco's interpreter, for the face detectors here and the emotion model
 * downstream. The interpreter reads the flatbuffer in place, so the flatbuffer, model, resolver
 * and interpreter live and are freed together in {@link #close()}. Not thread-safe; the caller
 * runs it on one thread.
 */
public final class TfliteNet implements AutoCloseable {
    private final BytePointer bytes;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final Interpreter interpreter;

    /**
     * @param bytes     the flatbuffer's native memory ({@code size} bytes from its position), owned
     *                  from here on (freed on failure too)
     * @param threads   the interpreter's threads
     * @param damaged   the error when the flatbuffer does not verify
     * @param cannotRun the error when the interpreter cannot be built or allocated
     */
    public TfliteNet(BytePointer bytes, long size, int threads, String damaged, String cannotRun) {
        this.bytes = bytes;
        model = FlatBufferModel.VerifyAndBuildFromBuffer(bytes, size);
        if (model == null || model.isNull()) {
            bytes.close();
            throw new MoodboxException(damaged);
        }
        resolver = new BuiltinOpResolver();
        interpreter = new Interpreter((Pointer) null);
        var builder = new InterpreterBuilder(model, resolver);
        builder.SetNumThreads(threads);
        int status = builder.apply(interpreter);
        builder.close();
        if (status != kTfLiteOk || interpreter.isNull() || interpreter.AllocateTensors() != kTfLiteOk) {
            close();
            throw new MoodboxException(cannotRun);
        }
    }

    /** A model in {@code data}, copied to native memory. */
    public TfliteNet(byte[] data, int threads, String damaged, String cannotRun) {
        this(new BytePointer(data.length).put(data), data.length, threads, damaged, cannotRun);
    }

    /**
     * The {@code size} bytes of {@code in} in native memory, read a block at a time so a model of
     * tens of MB never sits whole on the Java heap. The caller owns the memory.
     */
    public static BytePointer readNative(InputStream in, long size) throws IOException {
        var memory = new BytePointer(size);
        byte[] block = new byte[1 << 16];
        long at = 0;
        try {
            for (int n; at < size && (n = in.read(block, 0, (int) Math.min(block.length, size - at))) > 0; at += n)
                memory.position(at).put(block, 0, n);
            if (at != size || in.read() >= 0) throw new IOException("expected " + size + " bytes, read " + (at == size ? "more" : at));
        } catch (IOException e) {
            memory.close();
            throw e;
        }
        return memory.position(0).limit(size);
    }

    public Interpreter interpreter() { return interpreter; }

    @Override
    public void close() {
        if (!interpreter.isNull()) interpreter.close();
        resolver.close();
        model.close();
        bytes.close();
    }
}
