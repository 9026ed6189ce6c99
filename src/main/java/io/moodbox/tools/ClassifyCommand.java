package io.moodbox.tools;

import io.moodbox.camera.Frame;
import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.vision.FaceCrop;
import io.moodbox.vision.FaceFinder;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code moodbox classify IMAGE... [--out DIR] [--model FILE] [--detector auto|ssd|cascades|haar|blazeface]}:
 * the faces in each picture and their expressions; with {@code --out}, a copy of each picture
 * with the boxes and labels drawn ({@code NAME-faces.png}). Runs on the calling thread.
 */
public final class ClassifyCommand {
    private ClassifyCommand() {}

    static final String USAGE = "usage: moodbox classify IMAGE... [--out DIR] [--model FILE] [--detector auto|ssd|cascades|haar|blazeface]";

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** For running without the launcher: {@code java -cp ... io.moodbox.tools.ClassifyCommand ...}. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> images = new ArrayList<>();
        Path outDir = null, model = EmotionConfig.DEFAULT_MODEL;
        // Unrelated images: each one is searched whole (nothing to follow from one to the next).
        VisionConfig vision = VisionConfig.defaults().withFullSearchEvery(1);
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help")) { out.println(USAGE); return 0; }
                if (a.startsWith("--")) {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                    String v = args[++i];
                    switch (a) {
                        case "--out" -> outDir = Path.of(v);
                        case "--model" -> model = Path.of(v);
                        case "--detector" -> vision = vision.withDetector(VisionConfig.Detector.parse(v));
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } else {
                    images.add(Path.of(a));
                }
            }
            if (images.isEmpty()) throw new IllegalArgumentException("give at least one image");
        } catch (IllegalArgumentException | io.moodbox.config.ConfigException e) {
            err.println("moodbox classify: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                err.println("moodbox classify: cannot create " + outDir + ": " + e.getMessage());
                return 1;
            }
        }
        int failed = 0;
        try (FaceFinder finder = FaceFinders.open(vision);
             EmotionClassifier classifier = EmotionClassifier.open(new EmotionConfig(model, 1, true))) {
            for (Path image : images) {
                try {
                    classify(image, finder, classifier, outDir, out);
                } catch (IOException | RuntimeException e) {
                    err.println("moodbox classify: " + image + ": " + e.getMessage());
                    failed++;
                }
            }
        } catch (RuntimeException e) {
            err.println("moodbox classify: " + e.getMessage());
            return 1;
        }
        return failed == 0 ? 0 : 1;
    }

    private static void classify(Path image, FaceFinder finder, EmotionClassifier classifier, Path outDir, PrintStream out)
            throws IOException {
        if (!Files.isRegularFile(image)) throw new IOException("no such file");
        try (var scope = new PointerScope()) {
            Mat bgr = opencv_imgcodecs.imread(image.toString(), opencv_imgcodecs.IMREAD_COLOR);
            if (bgr.empty()) throw new IOException("not a readable image");
            byte[] px = new byte[bgr.cols() * bgr.rows() * 3];
            (bgr.isContinuous() ? bgr : bgr.clone()).data().get(px);
            List<FaceCrop> faces = finder.find(new Frame(0, System.nanoTime(), bgr.cols(), bgr.rows(), px));
            List<EmotionScores> scores = faces.isEmpty() ? List.of() : classifier.classify(faces);
            out.printf(Locale.ROOT, "%s: %d face%s (%dx%d)%n", image, faces.size(), faces.size() == 1 ? "" : "s", bgr.cols(), bgr.rows());
            for (int i = 0; i < faces.size(); i++) {
                FaceCrop f = faces.get(i);
                out.printf(Locale.ROOT, "  face %d at %d,%d %dx%d (detector %.2f): %s%n", i + 1, f.x(), f.y(), f.width(), f.height(),
                        f.confidence(), describe(scores.get(i)));
            }
            if (outDir != null) {
                for (int i = 0; i < faces.size(); i++) draw(bgr, faces.get(i), scores.get(i));
                String name = image.getFileName().toString().replaceFirst("\\.[^.]+$", "") + "-faces.png";
                Path target = outDir.resolve(name);
                Path tmp = outDir.resolve("." + name + ".tmp.png");
                if (!opencv_imgcodecs.imwrite(tmp.toString(), bgr)) throw new IOException("cannot write " + tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                out.println("  drawn: " + target);
            }
        }
    }

    /** "happy 0.81, neutral 0.10, surprise 0.05, ..." highest first. */
    static String describe(EmotionScores s) {
        var order = Arrays.stream(Emotion.values()).sorted(Comparator.comparingDouble(e -> -s.get(e))).toList();
        var sb = new StringBuilder();
        for (Emotion e : order) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "%s %.2f", e.label(), s.get(e)));
        }
        return sb.toString();
    }

    private static void draw(Mat bgr, FaceCrop f, EmotionScores s) {
        Scalar colour = new Scalar(60, 220, 60, 0);
        int thick = Math.max(2, bgr.cols() / 320);
        opencv_imgproc.rectangle(bgr, new Point(f.x(), f.y()), new Point(f.x() + f.width(), f.y() + f.height()), colour,
                thick, opencv_imgproc.LINE_AA, 0);
        String label = String.format(Locale.ROOT, "%s %.0f%%", s.top().label(), 100 * s.get(s.top()));
        double scale = Math.max(0.5, f.width() / 160.0);
        int y = f.y() > 20 ? f.y() - 6 : f.y() + f.height() + (int) (22 * scale);
        opencv_imgproc.putText(bgr, label, new Point(f.x(), y), opencv_imgproc.FONT_HERSHEY_SIMPLEX, scale, colour,
                thick, opencv_imgproc.LINE_AA, false);
    }

}
