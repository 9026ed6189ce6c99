package io.moodbox.emotion;

import io.moodbox.config.MoodboxException;
import io.moodbox.vision.TfliteNet;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.TfLiteTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * One face-expression model in the TFLite interpreter ({@link TfliteNet}, shared with the face detectors).
 * Checks the model contract at load: input [1,S,S,1] gray (int8 with real = pixel/255, or
 * float32), output 7 scores. Runs a batch of faces in one invoke, resizing the input's batch
 * dimension when the count changes. The interpreter reports failures as status codes (details
 * on native stderr): each becomes a {@link ModelException} naming the file and the step.
 *
 * <p>Not thread-safe; natives are owned here and freed in {@link #close()}.
 */
final class TfliteModel implements AutoCloseable {
    private final String file;   // what messages call it: the path, or "the bundled emotion model"
    private final TfliteNet net;
    private final Interpreter interpreter;
    private final int size, classes;
    private final boolean int8Input, int8Output;
    private final float inScale, outScale;
    private final int inZero, outZero;
    private int batch = 1;

    /** Largest model file read: the shipped one is 0.1 MB; this keeps /dev/zero or a video from filling the heap. */
    static final long MAX_BYTES = 64L << 20;

    TfliteModel(Path file, int threads) {
        this(file.toString(), read(file), threads);
    }

    /** A model from memory (the copy bundled in the jar); {@code name} is what messages call it. */
    TfliteModel(String name, byte[] data, int threads) {
        this.file = name;
        if (data.length < 8 || data[4] != 'T' || data[5] != 'F' || data[6] != 'L' || data[7] != '3')
            throw new ModelException(name + " is not a TFLite model (no TFL3 identifier); set emotion.model to the .tflite file");
        try {
            net = new TfliteNet(data, threads, file + " is a damaged TFLite model (the flatbuffer does not verify)",
                    file + ": the TFLite interpreter cannot run this model (unsupported op or version; see the log)");
        } catch (MoodboxException e) {
            throw new ModelException(e.getMessage(), e);
        }
        interpreter = net.interpreter();
        TfLiteTensor in = interpreter.input_tensor(0), out = interpreter.output_tensor(0);
        int[] inDims = dims(in), outDims = dims(out);
        if (inDims.length != 4 || inDims[1] != inDims[2] || inDims[3] != 1)
            fail("input must be [1,S,S,1] gray, is " + java.util.Arrays.toString(inDims));
        size = inDims[1];
        classes = outDims[outDims.length - 1];
        if (classes != Emotion.values().length) fail("output must hold 7 emotion scores, holds " + classes);
        int8Input = in.type() == kTfLiteInt8;
        int8Output = out.type() == kTfLiteInt8;
        if (!int8Input && in.type() != kTfLiteFloat32) fail("input must be int8 or float32");
        if (!int8Output && out.type() != kTfLiteFloat32) fail("output must be int8 or float32");
        inScale = in.params().scale();
        inZero = in.params().zero_point();
        outScale = out.params().scale();
        outZero = out.params().zero_point();
        if (int8Input && (Math.abs(inScale * 255f - 1f) > 1e-3 || inZero != -128))
            fail("int8 input must mean pixel/255 (scale 1/255, zero point -128), is scale " + inScale + " zero point " + inZero);
    }

    private static byte[] read(Path file) {
        try {
            if (!Files.isRegularFile(file))
                throw new ModelException("The emotion model " + file + (Files.exists(file) ? " is not a regular file" : " does not exist")
                        + "; set emotion.model to the .tflite file");
            long size = Files.size(file);
            if (size > MAX_BYTES)
                throw new ModelException("The emotion model " + file + " is " + (size >> 20) + " MB, more than a model of this kind can be ("
                        + (MAX_BYTES >> 20) + " MB); set emotion.model to the .tflite file");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException("Cannot read the emotion model " + file + " (" + e + "); set emotion.model to the .tflite file", e);
        }
    }

    int size() { return size; }

    /**
     * Scores for {@code n} faces packed in {@code pixels} (n x size x size gray bytes), returned as
     * probabilities, face-major (n x 7).
     */
    float[] run(byte[] pixels, int n) {
        int per = size * size;
        if (pixels.length < n * per) throw new IllegalArgumentException("expected " + n * per + " pixels, got " + pixels.length);
        if (n != batch) {
            check(interpreter.ResizeInputTensor(interpreter.inputs().get(0), new int[] {n, size, size, 1}), "resizing to " + n + " faces");
            check(interpreter.AllocateTensors(), "allocating tensors for " + n + " faces");
            batch = n;
        }
        if (int8Input) {
            byte[] q = new byte[n * per];
            for (int i = 0; i < q.length; i++) q[i] = (byte) ((pixels[i] & 0xFF) - 128);   // real = pixel/255
            interpreter.typed_input_tensor_byte(0).put(q, 0, q.length);
        } else {
            float[] f = new float[n * per];
            for (int i = 0; i < f.length; i++) f[i] = (pixels[i] & 0xFF) / 255f;
            interpreter.typed_input_tensor_float(0).put(f, 0, f.length);
        }
        check(interpreter.Invoke(), "running");
        float[] scores = new float[n * classes];
        if (int8Output) {
            byte[] q = new byte[scores.length];
            interpreter.typed_output_tensor_byte(0).get(q, 0, q.length);
            for (int i = 0; i < q.length; i++) scores[i] = outScale * (q[i] - outZero);
        } else {
            interpreter.typed_output_tensor_float(0).get(scores, 0, scores.length);
        }
        return scores;
    }

    private static int[] dims(TfLiteTensor t) {
        int[] d = new int[t.dims().size()];
        for (int i = 0; i < d.length; i++) d[i] = t.dims().data(i);
        return d;
    }

    private void check(int status, String step) {
        if (status != kTfLiteOk) fail("failed " + step + " (TFLite status " + status + "; see the log)");
    }

    private void fail(String why) {
        close();
        throw new ModelException("Emotion model " + file + ": " + why);
    }

    @Override
    public void close() {
        net.close();
    }
}
