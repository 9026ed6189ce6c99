package io.moodbox.vision;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints recall, precision, false boxes in empty rooms, CPU ms per frame and the crop geometry
 * that maps each detector's box onto the true FER crop, on generated scenes, searching every
 * frame in full. Variants: {@code CASCADE:WIDTH[:STEP[:NEIGHBOURS[:eq]]]} with CASCADE one of
 * {@code haar} (frontalface_default), {@code alt}, {@code alt2}, {@code alttree}, {@code profile},
 * {@code profilem} (the profile cascade on the mirrored image: heads turned the other way),
 * {@code lbp}; several joined by {@code +} are a union (boxes merged, the first one's preferred);
 * or {@code blazeface:MIN_SCORE}, or {@code ssd[:MIN_SCORE[:int8|float32[:RANGES_FILE]]]} (face-api.js's SSD-MobileNetV1 on TFLite,
 * int8 by default with the bundled ranges,
 * its own box; alone, the crop geometry printed is the one to put in {@code SsdFaceDetector.GEOMETRY};
 * it may join a union too). Run:
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/cp.txt && java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.vision.DetectorComparisonBench 60 haar:400:1.2:3 haar:400:1.2:3+alt2:400:1.2:3}
 */
public final class DetectorComparisonBench {
    public static void main(String[] args) throws Exception {
        int scenes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
        var faces = Fer2013.load().split(Fer2013.Split.PRIVATE_TEST);
        var gen = new SceneGenerator(faces, SceneGenerator.Options.defaults(101));
        var empty = new SceneGenerator(faces, SceneGenerator.Options.defaults(102).withFaces(0, 0));
        var bean = ManagementFactory.getThreadMXBean();
        List<String> variants = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of("blazeface:0.5", "haar:320", "haar:480", "haar:640");
        for (String variant : variants) {
            String[] v = variant.split("\\+")[0].split(":");
            boolean blaze = v[0].equals("blazeface"), ssd = v[0].equals("ssd");
            var cfg = new VisionConfig(blaze ? VisionConfig.Detector.BLAZEFACE : VisionConfig.Detector.HAAR, blaze || ssd ? 320 : Integer.parseInt(v[1]), 48,
                    blaze ? Double.parseDouble(v[1]) : 0, 8, null, 1);
            FaceDetector det;
            if (blaze) {
                det = FaceFinders.detector(cfg);
            } else {
                var members = new ArrayList<FaceDetector>();
                for (String m : variant.split("\\+")) members.add(member(m.split(":")));
                det = members.size() == 1 ? members.get(0) : new UnionDetector(members);
            }
            try (var finder = new StagedFaceFinder(det, new FacePreparer(48), cfg)) {
                finder.find(gen.scene(0).frame()); // warm-up
                var score = new SceneScore(0, 0, 0);
                var small = new SceneScore(0, 0, 0);
                int[] bins = {48, 64, 96, 140, 201};
                int[] binTruth = new int[bins.length - 1], binHit = new int[bins.length - 1];
                long cpu = 0;
                List<double[]> fits = new ArrayList<>();
                for (int s = 0; s < scenes; s++) {
                    var scene = gen.scene(s * gen.framesPerSegment());
                    long c0 = bean.getCurrentThreadCpuTime();
                    var found = finder.find(scene.frame());
                    cpu += bean.getCurrentThreadCpuTime() - c0;
                    score = score.plus(SceneScore.of(scene.faces(), found));
                    small = small.plus(SceneScore.of(scene.faces().stream().filter(t -> t.size() < 80).toList(),
                            found.stream().filter(c -> Math.sqrt((double) c.width() * c.height()) < 80 * 0.9).toList()));
                    for (var t : scene.faces()) {
                        int b = 0;
                        while (t.size() >= bins[b + 1]) b++;
                        binTruth[b]++;
                        if (SceneScore.of(List.of(t), found).matched() > 0) binHit[b]++;
                    }
                    for (var t : scene.faces())
                        for (var c : found) {
                            double cx = c.x() + c.width() / 2.0, cy = c.y() + c.height() / 2.0;
                            if (t.iou(c.x(), c.y(), c.width(), c.height()) > 0.3)
                                fits.add(new double[]{t.size() / Math.sqrt((double) c.width() * c.height()),
                                        (t.x() + t.size() / 2.0 - cx) / c.width(), (t.y() + t.size() / 2.0 - cy) / c.height(),
                                        (double) c.height() / c.width()});
                        }
                }
                int falseBoxes = 0;
                for (int s = 0; s < scenes; s++) falseBoxes += finder.find(empty.scene(s * empty.framesPerSegment()).frame()).size();
                System.out.printf("%s: recall %.3f precision %.3f (faces<80px recall %.3f) false boxes in %d empty rooms %d, cpu %.2f ms/frame | crop scale %.3f dx %+.3f dy %+.3f box h/w %.3f%n",
                        variant, score.recall(), score.precision(), small.recall(), scenes, falseBoxes, cpu / 1e6 / scenes,
                        median(fits, 0), median(fits, 1), median(fits, 2), median(fits, 3));
                var sb = new StringBuilder("          recall by face side:");
                for (int b = 0; b < binTruth.length; b++)
                    sb.append(String.format(" %d-%dpx %.2f (%d)", bins[b], bins[b + 1] - 1, binHit[b] / (double) Math.max(1, binTruth[b]), binTruth[b]));
                System.out.println(sb);
            }
        }
    }

    static FaceDetector member(String[] v) {
        if (!v[0].equals("ssd")) return haar(v);
        var precision = v.length > 2 ? VisionConfig.SsdPrecision.parse(v[2]) : VisionConfig.DEFAULT_SSD_PRECISION;
        double minScore = v.length > 1 ? Double.parseDouble(v[1]) : SsdFaceDetector.MIN_SCORE;
        if (v.length > 3) {   // other ranges: the int8 model converted from them in memory
            var weights = SsdModels.weights();
            var ranges = io.moodbox.detector.SsdRanges.read(java.nio.file.Path.of(v[3]));
            return SsdModels.detector(weights, io.moodbox.detector.SsdModel.int8(weights, ranges, SsdFaceDetector.HEIGHT), minScore, SsdFaceDetector.HEIGHT);
        }
        return new SsdFaceDetector(SsdFaceDetector.loadBundled(precision), SsdFaceDetector.bundledPriors(), minScore, SsdFaceDetector.HEIGHT);
    }

    static HaarDetector haar(String[] v) {
        String cascade = switch (v[0]) {
            case "lbp" -> "lbpcascades/lbpcascade_frontalface_improved.xml";
            case "alt2" -> "haarcascades/haarcascade_frontalface_alt2.xml";
            case "alt" -> "haarcascades/haarcascade_frontalface_alt.xml";
            case "alttree" -> "haarcascades/haarcascade_frontalface_alt_tree.xml";
            case "profile", "profilem" -> "haarcascades/haarcascade_profileface.xml";
            case "haar" -> HaarDetector.CASCADE;
            default -> throw new IllegalArgumentException("unknown cascade " + v[0]);
        };
        return new HaarDetector(cascade, Integer.parseInt(v[1]), 48, v.length > 2 ? Double.parseDouble(v[2]) : 1.1,
                v.length > 3 ? Integer.parseInt(v[3]) : 4, v.length > 4 && v[4].equals("eq"), v[0].equals("profilem"));
    }

    static double median(List<double[]> rows, int col) {
        if (rows.isEmpty()) return Double.NaN;
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v[v.length / 2];
    }
}
