package io.moodbox.emotion;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures a model file through the same TFLite interpreter the box runs: accuracy against the
 * FER2013 labels and the FER+ majority, per-class recall, the confusion matrix (text and PNG),
 * argmax agreement with a float twin, and latency per face (one face per invoke, as in a room
 * with one person). Used by {@code moodbox eval} and the model tests.
 */
public final class ModelEvaluator {
    private static final int K = Emotion.values().length;

    /** What one evaluation measured. {@code agreement} is NaN without a float model. */
    public record Report(List<Path> models, long modelBytes, int faces, double accuracy, double ferPlusAccuracy, int ferPlusFaces,
                         double[] recall, int[][] confusion, double agreement, double medianMsPerFace, double p99MsPerFace) {}

    private ModelEvaluator() {}

    // Pixel shifts (dx, dy) of the averaged views; each is read as itself and as its mirror image.
    private static final int[][] SHIFTS = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    /** The most views {@link #evaluate(Path, List, Path, int, int)} averages: each shift with its mirror. */
    public static final int MAX_VIEWS = 2 * SHIFTS.length;

    public static Report evaluate(Path model, List<Face> faces, Path floatModel, int threads) throws IOException {
        return evaluate(model, faces, floatModel, threads, 1);
    }

    /** {@code views} itself if the evaluator can average that many views, else a clear error. */
    public static int checkViews(int views) {
        if (views < 1 || views > MAX_VIEWS || (views > 1 && views % 2 != 0))
            throw new IllegalArgumentException("views must be 1 or an even number from 2 to " + MAX_VIEWS + ", was " + views);
        return views;
    }

    /**
     * Scores averaged over {@code views} views of each face in one invoke: 1 is the face alone, 2 the
     * box's flip averaging, and 4 to {@link #MAX_VIEWS} (even) add the face shifted by one pixel
     * (right, left, down, up; edges repeated), each with its mirror. For measuring test-time
     * averaging; latency grows with the views.
     */
    public static Report evaluate(Path model, List<Face> faces, Path floatModel, int threads, int views) throws IOException {
        return evaluate(List.of(model), faces, floatModel == null ? List.of() : List.of(floatModel), threads, views);
    }

    /**
     * The scores of several models averaged, each over its views: an ensemble measured as one
     * model, against the average of the float twins (one per model, in the same order, or none).
     * Latency is that of all the models, one after another.
     */
    public static Report evaluate(List<Path> models, List<Face> faces, List<Path> floatModels, int threads, int views)
            throws IOException {
        checkViews(views);
        checkTwins(models, floatModels);
        int[][] confusion = new int[K][K];
        int correct = 0, plusCorrect = 0, plusFaces = 0, agree = 0;
        double[] ms = new double[faces.size()];
        float[][] sums = summedScores(models, faces, threads, views, ms);
        long bytes = 0;
        for (Path model : models) bytes += Files.size(model);
        int[] predicted = new int[faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            int top = argmax(sums[i], 0);
            predicted[i] = top;
            confusion[f.label()][top]++;
            if (top == f.label()) correct++;
            int plus = f.ferPlusMajority();
            if (plus >= 0) { plusFaces++; if (top == plus) plusCorrect++; }
        }
        double agreement = Double.NaN;
        if (!floatModels.isEmpty()) {
            float[][] floatSums = summedScores(floatModels, faces, threads, views, null);
            for (int i = 0; i < faces.size(); i++) if (argmax(floatSums[i], 0) == predicted[i]) agree++;
            agreement = agree / (double) faces.size();
        }
        double[] recall = new double[K];
        for (int c = 0; c < K; c++) {
            int n = Arrays.stream(confusion[c]).sum();
            recall[c] = n == 0 ? Double.NaN : confusion[c][c] / (double) n;
        }
        Arrays.sort(ms);
        return new Report(models, bytes, faces.size(), correct / (double) faces.size(),
                plusFaces == 0 ? Double.NaN : plusCorrect / (double) plusFaces, plusFaces, recall, confusion, agreement,
                ms[ms.length / 2], ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)]);
    }

    /** A clear error unless there is a model and, where float twins are given, one twin per model. */
    public static void checkTwins(List<Path> models, List<Path> floatModels) {
        if (models.isEmpty()) throw new IllegalArgumentException("no model to evaluate");
        if (!floatModels.isEmpty() && floatModels.size() != models.size())
            throw new IllegalArgumentException("one float twin per model, in the same order: " + models.size() + " models, "
                    + floatModels.size() + " float models");
    }

    /** Each face's scores summed over the models, each over its views; with {@code ms}, each face's time added up. */
    private static float[][] summedScores(List<Path> models, List<Face> faces, int threads, int views, double[] ms)
            throws IOException {
        float[][] sums = new float[faces.size()][K];
        for (Path model : models)
            try (var m = new TfliteModel(model, threads)) {
                if (m.size() != Fer2013.SIZE) throw new ModelException(model + " takes " + m.size() + " px faces; FER2013 has 48");
                for (int i = 0; i < 20 && i < faces.size(); i++) m.run(faces.get(i).pixels(), 1);   // warm up
                for (int i = 0; i < faces.size(); i++) {
                    long t0 = System.nanoTime();
                    float[] p = scores(m, faces.get(i).pixels(), views);
                    if (ms != null) ms[i] += (System.nanoTime() - t0) / 1e6;
                    for (int c = 0; c < K; c++) sums[i][c] += p[c];
                }
            }
        return sums;
    }

    static float[] scores(TfliteModel m, byte[] pixels, int views) {
        if (views == 1) return m.run(pixels, 1);
        int per = pixels.length, size = m.size();
        byte[] batch = new byte[views * per];
        for (int v = 0; v < views / 2; v++) {
            byte[] shifted = v == 0 ? pixels : shift(pixels, size, SHIFTS[v][0], SHIFTS[v][1]);
            System.arraycopy(shifted, 0, batch, 2 * v * per, per);
            CnnEmotionClassifier.mirror(shifted, size, batch, (2 * v + 1) * per);
        }
        float[] s = m.run(batch, views);
        float[] avg = new float[K];
        for (int v = 0; v < views; v++)
            for (int c = 0; c < K; c++) avg[c] += s[v * K + c] / views;
        return avg;
    }

    /** The face moved by (dx, dy) pixels, its edge rows and columns repeated into the gap. */
    static byte[] shift(byte[] pixels, int size, int dx, int dy) {
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < size; y++) {
            int sy = Math.clamp(y - dy, 0, size - 1);
            for (int x = 0; x < size; x++) out[y * size + x] = pixels[sy * size + Math.clamp(x - dx, 0, size - 1)];
        }
        return out;
    }

    static int argmax(float[] v, int offset) {
        int best = 0;
        for (int i = 1; i < K; i++) if (v[offset + i] > v[offset + best]) best = i;
        return best;
    }

    /** The report as text: headline figures, recall per class, confusion matrix (rows = truth). */
    public static String format(Report r) {
        var sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model%s %s (%,d bytes)%n", r.models().size() > 1 ? "s averaged:" : "",
                String.join(" + ", r.models().stream().map(Path::toString).toList()), r.modelBytes()));
        sb.append(String.format(Locale.ROOT, "faces %d  accuracy %.2f%%  FER+ majority accuracy %.2f%% (%d faces)%n",
                r.faces(), 100 * r.accuracy(), 100 * r.ferPlusAccuracy(), r.ferPlusFaces()));
        if (!Double.isNaN(r.agreement()))
            sb.append(String.format(Locale.ROOT, "int8 vs float argmax agreement %.2f%%%n", 100 * r.agreement()));
        sb.append(String.format(Locale.ROOT, "latency per face: median %.3f ms, p99 %.3f ms (one thread, batch 1)%n",
                r.medianMsPerFace(), r.p99MsPerFace()));
        sb.append("recall:");
        for (Emotion e : Emotion.values()) sb.append(String.format(Locale.ROOT, "  %s %.1f%%", e.label(), 100 * r.recall()[e.ordinal()]));
        sb.append(String.format("%nconfusion (rows: true label, columns: predicted)%n%10s", ""));
        for (Emotion e : Emotion.values()) sb.append(String.format("%9s", e.label()));
        sb.append('\n');
        for (Emotion t : Emotion.values()) {
            sb.append(String.format("%10s", t.label()));
            for (int p = 0; p < K; p++) sb.append(String.format("%9d", r.confusion()[t.ordinal()][p]));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Draws the row-normalised confusion matrix as a PNG, written atomically. */
    public static void writeConfusionPng(Report r, String title, Path png) throws IOException {
        int cell = 64, left = 110, top = 70, w = left + K * cell + 20, h = top + K * cell + 60;
        var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "accuracy %.1f%%, rows = true label, columns = predicted", 100 * r.accuracy()), 10, 42);
        for (int t = 0; t < K; t++) {
            int n = Math.max(1, Arrays.stream(r.confusion()[t]).sum());
            for (int p = 0; p < K; p++) {
                double frac = r.confusion()[t][p] / (double) n;
                int shade = (int) Math.round(255 * (1 - frac));
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(left + p * cell, top + t * cell, cell - 1, cell - 1);
                g.setColor(frac > 0.5 ? Color.WHITE : Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * frac), left + p * cell + 18, top + t * cell + 36);
            }
            g.setColor(Color.BLACK);
            g.drawString(Emotion.values()[t].label(), 10, top + t * cell + 36);
        }
        for (int p = 0; p < K; p++) g.drawString(Emotion.values()[p].label(), left + p * cell + 6, top + K * cell + 18);
        g.dispose();
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
