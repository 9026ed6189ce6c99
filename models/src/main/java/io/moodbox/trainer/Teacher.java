package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;
import io.moodbox.tflite.TfliteRun;
import org.bytedeco.tensorflowlite.TfLiteTensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;

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
    private final List<TfliteRun> nets = new ArrayList<>();
    private final int k = Fer2013.CLASSES, n = 48 * 48;
    private final boolean flip;

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

    private static TfliteRun open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no teacher model " + file + " (give float32 .tflite files)");
        TfliteRun net;
        try {
            net = new TfliteRun(Files.readAllBytes(file));
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        TfLiteTensor in = net.in(), out = net.out();
        // The float twin, not the int8 file: the student should follow the trained function itself.
        if (in.type() != kTfLiteFloat32 || out.type() != kTfLiteFloat32 || in.dims().size() != 4
                || in.dims().data(1) != 48 || in.dims().data(2) != 48 || out.dims().data(out.dims().size() - 1) != Fer2013.CLASSES) {
            net.close();
            throw new IllegalArgumentException(file + " is not a float32 48x48 emotion model with 7 scores (give the float twin)");
        }
        return net;
    }

    int size() { return nets.size(); }

    /**
     * The teachers' mean probabilities for {@code count} images in {@code x} (count x 48 x 48,
     * values 0..1 as the student reads them), count x 7.
     */
    float[] probabilities(float[] x, int count) {
        int views = flip ? 2 : 1, rows = views * count;
        // The interpreter takes exactly its batch: the images, then their mirrors (never written into x).
        float[] in = !flip && x.length == rows * n ? x : java.util.Arrays.copyOf(x, rows * n);
        if (flip) {
            for (int i = 0; i < count; i++)
                for (int r = 0; r < 48; r++)
                    for (int c = 0; c < 48; c++) in[(count + i) * n + r * 48 + c] = x[i * n + r * 48 + 47 - c];
        }
        float[] mean = new float[count * k];
        for (TfliteRun net : nets) {
            float[] p = net.runFloat(in, rows);
            for (int i = 0; i < p.length; i++) mean[i % (count * k)] += p[i] / (nets.size() * views);
        }
        return mean;
    }

    /** {@code targets} moved toward the teachers' scores on {@code x}: (1 - weight) * target + weight * teacher. */
    void blend(float[] x, float[] targets, int count, float weight) {
        float[] t = probabilities(x, count);
        for (int i = 0; i < count * k; i++) targets[i] = (1 - weight) * targets[i] + weight * t[i];
    }

    @Override
    public void close() {
        nets.forEach(TfliteRun::close);
        nets.clear();
    }
}
