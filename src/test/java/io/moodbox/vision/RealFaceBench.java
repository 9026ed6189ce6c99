package io.moodbox.vision;

import io.moodbox.camera.Frame;
import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Face detection on real photographs ({@code ops/real-faces/manifest.tsv}, fetched by
 * {@code ops/fetch-real-faces.sh}), as the box would see them: each image scaled to fit a 640x480
 * frame (never enlarged, centred, black around; the boxes follow), every frame searched in full
 * ({@code vision.full-search-every=1}), one thread. Per finder: recall and precision at IoU 0.5;
 * recall by a looser match (the found box's centre inside the labelled box, sides within 2x, as
 * {@link SceneScore} matches: the detectors draw boxes of different shapes); recall by the
 * labelled face's short side in the frame (&lt;24, 24-48, 48-96, &gt;96 px) and by flag; false
 * boxes per 1000 frames with no face (the no-face images, then crops of them, some mirrored);
 * wall-clock ms per frame. Faces flagged {@code ignore} count neither way. Then the emotion
 * model's accuracy on the faces labelled with an expression, read as the box reads them.
 * <p>
 * Finders: {@code auto} (the shipped default: the SSD int8 from confidence 0.7, each box checked
 * by BlazeFace on a crop twice its side, two cascades following), {@code ssd} (the SSD int8 with
 * the frontal cascade, unchecked: the default before this set), {@code ssd32} ({@code ssd} with
 * {@code vision.ssd-precision=float32}), {@code cascades}, {@code haar}, {@code blazeface}, the
 * SSD alone: {@code ssd8only}, {@code ssd32only}, and the SSD checked by BlazeFace at any settings:
 * {@code ssd8v}, {@code ssd32v} ({@code ~Z} crop zoom, default 2; {@code /S} BlazeFace's score,
 * default 0.5); {@code @N} sets {@code vision.min-face-px} (default the config's, 24; 24 is the least
 * allowed), {@code :C} sets {@code vision.min-confidence} (default 0.5; the SSD's own threshold
 * maps to 0.5, the cascades' to 0.5 at the required neighbours, BlazeFace's is its score). Run:
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/cp.txt && sh ops/fetch-real-faces.sh && java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.vision.RealFaceBench [CROPS_PER_EMPTY_IMAGE [FINDER...]] | grep -v ' INFO '}
 * (24 crops and the default finders without arguments; about 4 minutes on 2 cores), e.g. with
 * {@code 24 ssd8only@24:0.6 ssd8only@24:0.7 ssd8only@24:0.8 auto@24:0.7 auto@24:0.8 blazeface@24:0.3 blazeface@24:0.4}.
 * The labelled boxes were started from the float32 SSD's boxes where those were right by eye
 * ({@link RealFaceProposals}), so IoU suits the SSD's box shape best; compare the others by {@code Rloose} too.
 */
public final class RealFaceBench {
    static final int WIDTH = 640, HEIGHT = 480;
    static final double[] SIZES = {0, 24, 48, 96, Double.MAX_VALUE};
    static final List<String> FLAGS = List.of("profile", "tilted", "dark", "glasses", "occluded", "gray", "cut");
    static final List<String> DEFAULT_FINDERS = List.of("auto", "ssd@48", "ssd", "ssd8only:0.8", "ssd8v", "cascades",
            "haar", "blazeface", "blazeface:0.4");

    /** A frame with its labelled faces in frame pixels; {@code ignore}: boxes whose centre inside is not counted. */
    record Case(String id, Frame frame, List<double[]> faces, List<RealFaces.Face> labels, List<double[]> ignore) {}

    public static void main(String[] args) throws Exception {
        int crops = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        List<String> finders = args.length > 1 ? List.of(args).subList(1, args.length) : DEFAULT_FINDERS;
        opencv_core.setNumThreads(1);
        var images = RealFaces.read();
        var withFaces = new ArrayList<Case>();
        var empty = new ArrayList<Case>();
        long seq = 0;
        for (var image : images) {
            Mat bgr = RealFaces.load(image);
            var placed = RealFaces.place(bgr, WIDTH, HEIGHT, false, seq++);
            var faces = new ArrayList<double[]>();
            var labels = new ArrayList<RealFaces.Face>();
            var ignore = new ArrayList<double[]>();
            for (var f : image.faces()) {
                if (f.ignored()) {
                    ignore.add(placed.box(f));
                } else {
                    faces.add(placed.box(f));
                    labels.add(f);
                }
            }
            if (!faces.isEmpty()) {
                withFaces.add(new Case(image.id(), placed.frame(), faces, labels, ignore));
            } else {
                empty.add(new Case(image.id(), placed.frame(), List.of(), List.of(), ignore));
                // Crops of it, 35-100% of its side, 4:3, anywhere, every other one mirrored.
                var random = new Random(image.sha256().hashCode());
                for (int k = 0; k < crops; k++) {
                    double share = 0.35 + 0.65 * random.nextDouble();
                    int w = (int) Math.min(bgr.cols(), Math.round(Math.min(bgr.cols(), bgr.rows() * 4.0 / 3) * share));
                    int h = Math.min(bgr.rows(), (int) Math.round(w * 3.0 / 4));
                    int x = random.nextInt(bgr.cols() - w + 1), y = random.nextInt(bgr.rows() - h + 1);
                    boolean mirror = k % 2 == 1;
                    var cropIgnore = new ArrayList<double[]>();
                    double sx = (double) WIDTH / w, sy = (double) HEIGHT / h;
                    for (var f : image.faces()) {
                        double fx = (f.x() - x) * sx, fw = f.w() * sx;
                        cropIgnore.add(new double[]{mirror ? WIDTH - fx - fw : fx, (f.y() - y) * sy, fw, f.h() * sy});
                    }
                    empty.add(new Case(image.id() + "#" + k, RealFaces.crop(bgr, x, y, w, h, mirror, WIDTH, HEIGHT, seq++),
                            List.of(), List.of(), cropIgnore));
                }
            }
            bgr.close();
        }
        int faceCount = withFaces.stream().mapToInt(c -> c.faces().size()).sum();
        int[] bucketTruth = new int[SIZES.length - 1];
        for (var c : withFaces) for (double[] f : c.faces()) bucketTruth[bucket(f)]++;
        System.out.printf("Real faces: %d faces in %d images (%d ignored), %d frames with no face (%d no-face images and %d crops of them); 640x480 frames, one thread%n",
                faceCount, withFaces.size(), images.stream().mapToLong(i -> i.faces().stream().filter(RealFaces.Face::ignored).count()).sum(),
                empty.size(), empty.stream().filter(c -> !c.id().contains("#")).count(), empty.stream().filter(c -> c.id().contains("#")).count());
        var flagTruth = new int[FLAGS.size()];
        for (var c : withFaces) for (var l : c.labels()) for (int i = 0; i < FLAGS.size(); i++) if (l.has(FLAGS.get(i))) flagTruth[i]++;
        var head = new StringBuilder(String.format("%-16s %6s %6s %6s |", "finder", "R@.5", "P@.5", "Rloose"));
        for (int b = 0; b < bucketTruth.length; b++) head.append(String.format(" %9s", sizeLabel(b) + "(" + bucketTruth[b] + ")"));
        head.append(" |");
        for (int i = 0; i < FLAGS.size(); i++) head.append(String.format(" %s(%d)", FLAGS.get(i), flagTruth[i]));
        head.append(String.format(" | %9s %8s", "false/1k", "ms/frame"));
        System.out.println(head);

        var results = new ArrayList<String>();
        for (String name : finders) {
            try (FaceFinder finder = open(name)) {
                finder.find(withFaces.get(0).frame()); // warm-up
                int hits = 0, loose = 0, found = 0;
                int[] bucketHit = new int[bucketTruth.length], flagHit = new int[FLAGS.size()];
                long nanos = 0;
                for (var c : withFaces) {
                    long t0 = System.nanoTime();
                    var crops1 = finder.find(c.frame());
                    nanos += System.nanoTime() - t0;
                    var boxes = counted(crops1, c.ignore());
                    found += boxes.size();
                    boolean[] matched = match(c.faces(), boxes);
                    for (int i = 0; i < c.faces().size(); i++) {
                        if (matched[i]) {
                            hits++;
                            bucketHit[bucket(c.faces().get(i))]++;
                            for (int k = 0; k < FLAGS.size(); k++) if (c.labels().get(i).has(FLAGS.get(k))) flagHit[k]++;
                        }
                        if (looseMatch(c.faces().get(i), boxes)) loose++;
                    }
                }
                int falseBoxes = 0;
                for (var c : empty) {
                    long t0 = System.nanoTime();
                    var crops1 = finder.find(c.frame());
                    nanos += System.nanoTime() - t0;
                    falseBoxes += counted(crops1, c.ignore()).size();
                }
                var row = new StringBuilder(String.format("%-16s %6.3f %6.3f %6.3f |", name, hits / (double) faceCount,
                        found == 0 ? 1 : hits / (double) found, loose / (double) faceCount));
                for (int b = 0; b < bucketTruth.length; b++)
                    row.append(String.format(" %9s", bucketTruth[b] == 0 ? "-" : String.format("%.2f", bucketHit[b] / (double) bucketTruth[b])));
                row.append(" |");
                for (int i = 0; i < FLAGS.size(); i++)
                    row.append(String.format(" %" + (FLAGS.get(i).length() + String.valueOf(flagTruth[i]).length() + 2) + "s",
                            String.format("%.2f", flagHit[i] / (double) Math.max(1, flagTruth[i]))));
                row.append(String.format(" | %9.1f %8.1f", 1000.0 * falseBoxes / empty.size(), nanos / 1e6 / (withFaces.size() + empty.size())));
                System.out.println(row);
                results.add(row.toString());
            }
        }
        System.out.println("R@.5: share of faces with a found box at IoU >= 0.5 (one box per face); P@.5: share of found boxes on those frames that hit a face;"
                + " Rloose: the found box's centre inside the face's box, sides within 2x; sizes: the face box's short side in the 640x480 frame;"
                + " false/1k: boxes per 1000 frames with no face.");
        expressions(withFaces);
    }

    /** The emotion model's accuracy on the faces labelled with an expression, read from the default finder's crops. */
    static void expressions(List<Case> cases) {
        var model = EmotionConfig.defaults();
        if (!java.nio.file.Files.exists(model.model())) {
            System.out.println("Expression: " + model.model() + " is missing (run from the repository root)");
            return;
        }
        int labelled = 0, read = 0, right = 0, rightTruth = 0;
        int[][] confusion = new int[Emotion.values().length][Emotion.values().length];
        var preparer = new FacePreparer(FaceFinders.CROP_SIZE);
        try (FaceFinder finder = open("auto"); EmotionClassifier classifier = EmotionClassifier.open(model)) {
            for (var c : cases) {
                var crops = finder.find(c.frame());
                var boxes = counted(crops, List.of());
                var gray = new Mat(HEIGHT, WIDTH, opencv_core.CV_8UC3);
                gray.data().put(c.frame().bgr());
                opencv_imgproc.cvtColor(gray, gray, opencv_imgproc.COLOR_BGR2GRAY);
                for (int i = 0; i < c.faces().size(); i++) {
                    String label = c.labels().get(i).expression();
                    if (label == null) continue;
                    Emotion truth = Emotion.parse(label);
                    labelled++;
                    // From the labelled box, with the SSD's crop geometry (the labels are drawn as its boxes are).
                    double[] f = c.faces().get(i);
                    byte[] px = preparer.prepare(gray, SsdFaceDetector.GEOMETRY.square(new Box(f[0], f[1], f[2], f[3], 1)));
                    var fromTruth = classifier.classify(List.of(new FaceCrop(0, 0, 1, 1, 1, FaceFinders.CROP_SIZE, px))).get(0).top();
                    if (fromTruth == truth) rightTruth++;
                    // As the box reads it: the finder's own crop of this face, if it found it.
                    int k = best(f, boxes);
                    if (k < 0) continue;
                    read++;
                    Emotion top = classifier.classify(List.of(crops.get(k))).get(0).top();
                    confusion[truth.ordinal()][top.ordinal()]++;
                    if (top == truth) right++;
                }
                gray.close();
            }
        }
        System.out.printf("Expression (int8 Mini-Xception, flip-averaged as the box reads): %d real faces labelled by eye; from the default finder's crops %d/%d right (%.1f%%, %d found at IoU 0.5);"
                        + " from the labelled boxes %d/%d (%.1f%%). FER2013 PrivateTest: see models/MODEL_CARD.md%n",
                labelled, right, read, 100.0 * right / Math.max(1, read), read, rightTruth, labelled, 100.0 * rightTruth / Math.max(1, labelled));
        var sb = new StringBuilder("  read as (rows: labelled; columns: ");
        for (Emotion e : Emotion.values()) sb.append(e.label(), 0, 3).append(' ');
        sb.append("):");
        for (Emotion t : Emotion.values()) {
            int n = Arrays.stream(confusion[t.ordinal()]).sum();
            if (n == 0) continue;
            sb.append(String.format("%n    %-8s", t.label()));
            for (int v : confusion[t.ordinal()]) sb.append(String.format(" %3d", v));
        }
        System.out.println(sb);
    }

    static FaceFinder open(String spec) {
        String[] v = spec.split("/");
        double verify = v.length > 1 ? Double.parseDouble(v[1]) : 0.5;
        String[] z = v[0].split("~");
        double zoom = z.length > 1 ? Double.parseDouble(z[1]) : 2;
        String[] c = z[0].split(":");
        String[] p = c[0].split("@");
        var cfg = VisionConfig.defaults().withFullSearchEvery(1);
        int min = p.length > 1 ? Integer.parseInt(p[1]) : cfg.minFacePx();
        double conf = c.length > 1 ? Double.parseDouble(c[1]) : cfg.minConfidence();
        cfg = new VisionConfig(cfg.detector(), cfg.detectWidth(), min, conf, cfg.maxFaces(), null, 1, cfg.ssdPrecision());
        return switch (p[0]) {
            case "auto" -> FaceFinders.open(cfg);
            case "ssd" -> FaceFinders.open(cfg.withDetector(VisionConfig.Detector.SSD));
            case "ssd32" -> FaceFinders.open(cfg.withDetector(VisionConfig.Detector.SSD).withSsdPrecision(VisionConfig.SsdPrecision.FLOAT32));
            case "cascades" -> FaceFinders.open(cfg.withDetector(VisionConfig.Detector.CASCADES));
            case "haar" -> FaceFinders.open(cfg.withDetector(VisionConfig.Detector.HAAR));
            case "blazeface" -> FaceFinders.open(cfg.withDetector(VisionConfig.Detector.BLAZEFACE));
            case "ssd8only", "ssd32only" -> new StagedFaceFinder(new SsdFaceDetector(p[0].equals("ssd8only")
                    ? VisionConfig.SsdPrecision.INT8 : VisionConfig.SsdPrecision.FLOAT32), new FacePreparer(FaceFinders.CROP_SIZE), cfg);
            // The SSD's boxes, each checked by BlazeFace on a crop ZOOM times its side (~ZOOM, default 2)
            // at BlazeFace score VERIFY (/VERIFY, default 0.5): ssd8v@24:0.5~2/0.5.
            case "ssd8v", "ssd32v" -> new StagedFaceFinder(new VerifiedDetector(new SsdFaceDetector(p[0].equals("ssd8v")
                    ? VisionConfig.SsdPrecision.INT8 : VisionConfig.SsdPrecision.FLOAT32),
                    new BlazeFaceDetector(null, verify), zoom, 0), new FacePreparer(FaceFinders.CROP_SIZE), cfg);
            default -> throw new IllegalArgumentException("unknown finder " + spec + "; one of auto, ssd, ssd32, cascades, haar, blazeface, ssd8only, ssd32only, ssd8v, ssd32v, each with @MIN_FACE_PX and :MIN_CONFIDENCE");
        };
    }

    /** The found boxes, less those centred inside an ignored face. */
    static List<double[]> counted(List<FaceCrop> crops, List<double[]> ignore) {
        var out = new ArrayList<double[]>();
        for (var c : crops) {
            double[] b = {c.x(), c.y(), c.width(), c.height()};
            double cx = b[0] + b[2] / 2, cy = b[1] + b[3] / 2;
            if (ignore.stream().noneMatch(g -> cx >= g[0] && cx < g[0] + g[2] && cy >= g[1] && cy < g[1] + g[3])) out.add(b);
        }
        return out;
    }

    /** Greedy one-to-one matching by IoU, best pairs first, at IoU 0.5; which faces were hit. */
    static boolean[] match(List<double[]> faces, List<double[]> boxes) {
        var pairs = new ArrayList<double[]>();
        for (int i = 0; i < faces.size(); i++)
            for (int j = 0; j < boxes.size(); j++) {
                double iou = RealFaces.iou(faces.get(i), boxes.get(j));
                if (iou >= 0.5) pairs.add(new double[]{iou, i, j});
            }
        pairs.sort((a, b) -> Double.compare(b[0], a[0]));
        boolean[] face = new boolean[faces.size()], box = new boolean[boxes.size()];
        for (double[] p : pairs) {
            int i = (int) p[1], j = (int) p[2];
            if (face[i] || box[j]) continue;
            face[i] = true;
            box[j] = true;
        }
        return face;
    }

    /** The box best overlapping {@code face} at IoU 0.5 or more; -1 when none. */
    static int best(double[] face, List<double[]> boxes) {
        int k = -1;
        double bestIou = 0.5;
        for (int j = 0; j < boxes.size(); j++) {
            double iou = RealFaces.iou(face, boxes.get(j));
            if (iou >= bestIou) {
                bestIou = iou;
                k = j;
            }
        }
        return k;
    }

    static boolean looseMatch(double[] f, List<double[]> boxes) {
        for (double[] b : boxes) {
            double cx = b[0] + b[2] / 2, cy = b[1] + b[3] / 2;
            double ratio = Math.sqrt(b[2] * b[3] / (f[2] * f[3]));
            if (cx >= f[0] && cx < f[0] + f[2] && cy >= f[1] && cy < f[1] + f[3] && ratio > 0.5 && ratio < 2) return true;
        }
        return false;
    }

    static int bucket(double[] face) {
        double side = Math.min(face[2], face[3]);
        int b = 0;
        while (side >= SIZES[b + 1]) b++;
        return b;
    }

    static String sizeLabel(int b) {
        if (b == 0) return "<24";
        if (b == SIZES.length - 2) return ">96";
        return (int) SIZES[b] + "-" + (int) SIZES[b + 1];
    }
}
