package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * A frozen teacher for distillation: one or more float32 emotion models (the exporter's float
 * twins), run through the TFLite interpreter on the very images the student is trained on, their
 * softmax scores averaged. Several models make an ensemble, a teacher stronger than any one of them
 * at no training cost. With {@code flip} each image is also read mirrored and the two averaged,
 * as the box reads faces. The interpreter is seconds an epoch, against minutes for the student.
 *
 * <p>Not thread-safe; natives are freed in {@link #close()}.
 */
final class Teacher implements AutoCloseable {
    private record Net(BytePointer buffer, FlatBufferModel model, BuiltinOpResolver resolver, Interpreter interpreter) {}

    private final List<Net> nets = new ArrayList<>();
    private final int k = Fer2013.CLASSES, n = 48 * 48;
    private final boolean flip;
    private int batch = 1;

    Teacher(List<Path> files) throws IOException {
        this(files, false);
    }

    Teacher(List<Path> files, boolean flip) throws IOException {
        this.flip = flip;
        if (files.isEmpty()) throw new IllegalArgumentException("a teacher needs at least one .tflite file");
        try {
            for (Path f : files) nets.add(open(f));
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    private Net open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no teacher model " + file + " (give float32 .tflite files)");
        byte[] bytes = Files.readAllBytes(file);
        var buffer = new BytePointer(bytes.length);
        buffer.put(bytes);
        var model = FlatBufferModel.BuildFromBuffer(buffer, bytes.length);
        if (model == null || model.isNull()) throw new IllegalArgumentException(file + " is not a TFLite model");
        var resolver = new BuiltinOpResolver();
        var interpreter = new Interpreter((Pointer) null);
        var net = new Net(buffer, model, resolver, interpreter);
        if (new InterpreterBuilder(model, resolver).apply(interpreter) != kTfLiteOk || interpreter.isNull()) {
            free(net);
            throw new IllegalArgumentException("TFLite cannot run " + file);
        }
        interpreter.SetNumThreads(1);
        TfLiteTensor in = interpreter.input_tensor(0), out = interpreter.output_tensor(0);
        // The float twin, not the int8 file: the student should follow the trained function itself.
        if (in.type() != kTfLiteFloat32 || out.type() != kTfLiteFloat32 || in.dims().size() != 4
                || in.dims().data(1) != 48 || in.dims().data(2) != 48 || out.dims().data(out.dims().size() - 1) != k) {
            free(net);
            throw new IllegalArgumentException(file + " is not a float32 48x48 emotion model with 7 scores (give the float twin)");
        }
        if (interpreter.AllocateTensors() != kTfLiteOk) { free(net); throw new IllegalStateException("TFLite cannot allocate " + file); }
        return net;
    }

    int size() { return nets.size(); }

    /**
     * The teachers' mean probabilities for {@code count} images in {@code x} (count x 48 x 48,
     * values 0..1 as the student reads them), count x 7.
     */
    float[] probabilities(float[] x, int count) {
        int views = flip ? 2 : 1, rows = views * count;
        if (rows != batch) {
            for (Net net : nets) {
                check(net.interpreter().ResizeInputTensor(net.interpreter().inputs().get(0), new int[] {rows, 48, 48, 1}), "resize");
                check(net.interpreter().AllocateTensors(), "allocate");
            }
            batch = rows;
        }
        float[] in = x;
        if (flip) {
            in = new float[rows * n];
            System.arraycopy(x, 0, in, 0, count * n);
            for (int i = 0; i < count; i++)
                for (int r = 0; r < 48; r++)
                    for (int c = 0; c < 48; c++) in[(count + i) * n + r * 48 + c] = x[i * n + r * 48 + 47 - c];
        }
        float[] mean = new float[count * k], p = new float[rows * k];
        for (Net net : nets) {
            net.interpreter().typed_input_tensor_float(0).put(in, 0, rows * n);
            check(net.interpreter().Invoke(), "invoke");
            net.interpreter().typed_output_tensor_float(0).get(p, 0, p.length);
            for (int i = 0; i < p.length; i++) mean[i % (count * k)] += p[i] / (nets.size() * views);
        }
        return mean;
    }

    /** {@code targets} moved toward the teachers' scores on {@code x}: (1 - weight) * target + weight * teacher. */
    void blend(float[] x, float[] targets, int count, float weight) {
        float[] t = probabilities(x, count);
        for (int i = 0; i < count * k; i++) targets[i] = (1 - weight) * targets[i] + weight * t[i];
    }

    private static void check(int status, String step) {
        if (status != kTfLiteOk) throw new IllegalStateException("the teacher's interpreter failed to " + step + " (status " + status + ")");
    }

    private static void free(Net net) {
        net.interpreter().close();
        net.resolver().close();
        net.model().close();
        net.buffer().close();
    }

    @Override
    public void close() {
        nets.forEach(Teacher::free);
        nets.clear();
    }
}
