package io.moodbox.tools;

import io.moodbox.camera.CameraConfig;
import io.moodbox.camera.Frame;
import io.moodbox.camera.FrameSource;
import io.moodbox.camera.FrameSources;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.mood.FaceReading;
import io.moodbox.mood.MoodConfig;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import io.moodbox.vision.FaceCrop;
import io.moodbox.vision.FaceFinder;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import org.bytedeco.opencv.global.opencv_core;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code moodbox bench [--seconds N] [--scenes N] [--detector auto|ssd|cascades|haar|blazeface] [--detect-width PX] [--full-search-every N] [--ssd-precision int8|float32] [--model FILE]}:
 * the seeing half's figures on generated FER2013 scenes (the dataset must be present).
 * <ol>
 * <li>Speed: the whole frame chain on this one thread for {@code --seconds} (default 10): grab from a
 * generated 640x480 video, detect, prepare, classify, track the mood. Per-stage median and 99th
 * percentile, frames per second by the wall clock and by this thread's CPU time (the honest
 * one-core figure on a busy machine), and resident memory over the run. The video's scene changes
 * every 2 s, and the finder searches the whole frame only now and then: the figures cover every
 * frame, and detection is also given apart for the frames that searched the whole frame.</li>
 * <li>Detection recall and precision over {@code --scenes} scenes (default 200) with faces of 48..200 px,
 * each scene held for one full-search period ({@code vision.full_search_every} frames) and every
 * one of those frames counted, so the frames that only follow known faces are measured too.</li>
 * <li>End-to-end 7-class accuracy (found, prepared, classified) against direct-crop accuracy (the
 * same faces' original FER images classified).</li>
 * <li>Mood reaction time: simulated 15 fps time, the room's expression changing every 6 s.</li>
 * </ol>
 * OpenCV and the model are held to one thread, as the target is "one x86 core".
 */
public final class Bench {
    private Bench() {}

    static final String USAGE = "usage: moodbox bench [--seconds N] [--scenes N] [--detector auto|ssd|cascades|haar|blazeface] [--detect-width PX] [--full-search-every N] [--ssd-precision int8|float32] [--model FILE] [--split private|public]";

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    /** For running without the launcher: {@code java -cp ... io.moodbox.tools.Bench ...}. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        double seconds = 10;
        int scenes = 200;
        VisionConfig vision = VisionConfig.defaults();
        Path model = EmotionConfig.DEFAULT_MODEL;
        // PrivateTest faces are the yardstick; PublicTest scenes are for choices made before it.
        Fer2013.Split split = Fer2013.Split.PRIVATE_TEST;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help")) { out.println(USAGE); return 0; }
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--seconds" -> seconds = Double.parseDouble(v);
                    case "--scenes" -> scenes = Integer.parseInt(v);
                    case "--detector" -> vision = vision.withDetector(VisionConfig.Detector.parse(v));
                    case "--detect-width" -> vision = vision.withDetectWidth(Integer.parseInt(v));
                    case "--full-search-every" -> vision = vision.withFullSearchEvery(Integer.parseInt(v));
                    case "--ssd-precision" -> vision = vision.withSsdPrecision(VisionConfig.SsdPrecision.parse(v));
                    case "--model" -> model = Path.of(v);
                    case "--split" -> split = switch (v) {
                        case "private" -> Fer2013.Split.PRIVATE_TEST;
                        case "public" -> Fer2013.Split.PUBLIC_TEST;
                        default -> throw new IllegalArgumentException("--split must be private or public, not " + v);
                    };
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!(seconds > 0 && seconds <= 86_400)) throw new IllegalArgumentException("--seconds must be more than 0 and at most 86400");
            if (scenes < 1) throw new IllegalArgumentException("--scenes must be at least 1");
        } catch (IllegalArgumentException | io.moodbox.config.ConfigException e) {
            err.println("moodbox bench: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (Fer2013.locate().isEmpty()) {
            err.println("moodbox bench: needs FER2013 for its scenes: set " + Fer2013.ENV + " or run beside ../shared/datasets");
            return 1;
        }
        Path dir = null;
        try {
            opencv_core.setNumThreads(1);
            List<Fer2013.Face> faces = Fer2013.load(split).all();
            System.gc(); // the other 32,000 faces are garbage now; do not count them as the chain's memory
            dir = Files.createTempDirectory("moodbox-bench");
            try (FaceFinder finder = FaceFinders.open(vision);
                 EmotionClassifier classifier = EmotionClassifier.open(new EmotionConfig(model, 1, true))) {
                out.printf(Locale.ROOT, "moodbox bench: detector %s (SSD in %s), detection width %d px, whole frame searched every %d frame(s), model %s with flip averaging (as the box reads), %d CPU(s) visible%n",
                        vision.detector().key(), vision.ssdPrecision().key(), vision.detectWidth(), vision.fullSearchEvery(), model, Runtime.getRuntime().availableProcessors());
                speed(faces, finder, classifier, seconds, dir, out);
                accuracy(faces, finder, classifier, scenes, vision.fullSearchEvery(), out);
                reaction(faces, finder, classifier, out);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("moodbox bench: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    // ---- 1. speed ----

    private static void speed(List<Fer2013.Face> faces, FaceFinder finder, EmotionClassifier classifier, double seconds,
                              Path dir, PrintStream out) throws IOException, InterruptedException {
        var gen = new SceneGenerator(faces, SceneGenerator.Options.defaults(1).withTiming(2.0, 15));
        Path video = dir.resolve("scenes.mp4");
        gen.writeVideo(video, 15 * 20);
        MoodTracker tracker = MoodTracker.create(MoodConfig.defaults(), InstantSource.system());
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        String[] names = {"grab", "detect", "prepare", "classify", "track", "total"};
        int fullColumn = names.length; // 1 where the frame searched the whole frame
        var times = new ArrayList<long[]>();
        long rssStart = 0, rssMax = 0, rssHalf = 0, facesSeen = 0;
        CameraConfig source = CameraConfig.of(CameraConfig.Kind.FILE, video.toString()).asFastAsPossible(true);
        try (FrameSource src = FrameSources.openDirect(source)) {
            // Warm-up: lazy native initialisation and JIT do not belong in the figures.
            for (int i = 0; i < 30; i++) chain(src, finder, classifier, tracker, null);
            long end = System.nanoTime() + (long) (seconds * 1e9), half = System.nanoTime() + (long) (seconds * 0.5e9);
            long cpu0 = cpu.getCurrentThreadCpuTime(), wall0 = System.nanoTime(), nextRss = 0;
            rssStart = rssKb();
            while (System.nanoTime() < end) {
                long[] t = new long[names.length + 1];
                facesSeen += chain(src, finder, classifier, tracker, t);
                times.add(t);
                if (System.nanoTime() > nextRss) {
                    long rss = rssKb();
                    rssMax = Math.max(rssMax, rss);
                    if (rssHalf == 0 && System.nanoTime() > half) rssHalf = rss;
                    nextRss = System.nanoTime() + 1_000_000_000L;
                }
            }
            double wall = (System.nanoTime() - wall0) / 1e9, cpuS = (cpu.getCurrentThreadCpuTime() - cpu0) / 1e9;
            long rssEnd = rssKb();
            int n = times.size();
            out.printf(Locale.ROOT, "%nSpeed: %d frames of 640x480 in %.1f s on one thread, %.2f faces a frame%n", n, wall, (double) facesSeen / n);
            out.printf(Locale.ROOT, "  %-9s %9s %9s   (every frame)%n", "stage", "median ms", "p99 ms");
            for (int s = 0; s < names.length; s++) {
                final int stage = s;
                printRow(out, names[s], times.stream().mapToLong(t -> t[stage]).toArray());
            }
            long[] fullDetect = times.stream().filter(t -> t[fullColumn] == 1).mapToLong(t -> t[1]).toArray();
            long[] nearDetect = times.stream().filter(t -> t[fullColumn] == 0).mapToLong(t -> t[1]).toArray();
            out.printf(Locale.ROOT, "  whole frame searched on %d of %d frames (%.1f%%; the scene changes every 2 s = 30 frames); detection apart:%n",
                    fullDetect.length, n, 100.0 * fullDetect.length / n);
            printRow(out, "full", fullDetect);
            printRow(out, "near", nearDetect);
            out.printf(Locale.ROOT, "  frames/s: %.1f by the wall clock, %.1f per CPU-second of this thread (one core, %.0f%% of the wall time on CPU)%n",
                    n / wall, n / cpuS, 100 * cpuS / wall);
            out.printf(Locale.ROOT, "  resident memory: %.0f MB at start, %.0f MB at half time, %.0f MB at the end, %.0f MB peak%n",
                    rssStart / 1024.0, (rssHalf == 0 ? rssEnd : rssHalf) / 1024.0, rssEnd / 1024.0, Math.max(rssMax, rssEnd) / 1024.0);
            out.printf(Locale.ROOT, "  of which at the end: %.0f MB anonymous (Java heap, native buffers), %.0f MB mapped files (shared libraries, jar); Java heap %.0f MB used of %.0f MB%n",
                    status("RssAnon:") / 1024.0, status("RssFile:") / 1024.0,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0, Runtime.getRuntime().totalMemory() / 1048576.0);
        }
    }

    /** One frame through every stage; fills {@code t} (ns per stage, then total) when given. Returns faces found. */
    private static int chain(FrameSource src, FaceFinder finder, EmotionClassifier classifier, MoodTracker tracker, long[] t)
            throws InterruptedException {
        long t0 = System.nanoTime();
        Frame frame = src.next().orElseThrow(() -> new IllegalStateException("the looping bench video ended"));
        long t1 = System.nanoTime();
        List<FaceCrop> crops = finder.find(frame);
        long t2 = System.nanoTime();
        List<EmotionScores> scores = crops.isEmpty() ? List.of() : classifier.classify(crops);
        long t3 = System.nanoTime();
        var readings = new ArrayList<FaceReading>(crops.size());
        for (int i = 0; i < crops.size(); i++) {
            FaceCrop c = crops.get(i);
            readings.add(new FaceReading(scores.get(i), Math.sqrt((double) c.width() * c.height()), c.confidence()));
        }
        tracker.observe(readings, frame.nanos());
        src.recycle(frame);   // as the daemon does: the grabber refills the buffer
        long t4 = System.nanoTime();
        if (t != null) {
            var ft = finder.lastTimings();
            t[0] = t1 - t0;
            t[1] = ft.detectNanos();
            t[2] = ft.prepareNanos();
            t[3] = t3 - t2;
            t[4] = t4 - t3;
            t[5] = t4 - t0;
            t[6] = ft.fullSearch() ? 1 : 0;
        }
        return crops.size();
    }

    /** One stage's median and 99th percentile (nearest rank), in ms; "-" for no frames. */
    private static void printRow(PrintStream out, String name, long[] nanos) {
        if (nanos.length == 0) {
            out.printf(Locale.ROOT, "  %-9s %9s %9s%n", name, "-", "-");
            return;
        }
        long[] v = nanos.clone();
        Arrays.sort(v);
        int n = v.length;
        out.printf(Locale.ROOT, "  %-9s %9.2f %9.2f%n", name, v[n / 2] / 1e6, v[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6);
    }

    /** VmRSS of this process in kB, from /proc/self/status (0 where there is none). */
    static long rssKb() {
        return status("VmRSS:");
    }

    /** A kB figure from /proc/self/status, 0 where there is none. */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", ""));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    // ---- 2, 3. detection and accuracy ----

    private static void accuracy(List<Fer2013.Face> faces, FaceFinder finder, EmotionClassifier classifier, int scenes,
                                 int framesPerScene, PrintStream out) {
        var gen = new SceneGenerator(faces, SceneGenerator.Options.defaults(2));
        Map<Integer, Fer2013.Face> byIndex = new HashMap<>();
        for (Fer2013.Face f : faces) byIndex.put(f.index(), f);
        int truth = 0, found = 0, matched = 0, endToEndRight = 0, directRight = 0, directAllRight = 0;
        int fullFrames = 0, truthFull = 0, matchedFull = 0;
        for (int s = 0; s < scenes; s++) {
            var scene = gen.scene(s * gen.framesPerSegment());
            // The original FER image of each true face, classified once: the frames of a scene are the same.
            List<FaceCrop> originals = new ArrayList<>();
            for (var t : scene.faces())
                originals.add(new FaceCrop(t.x(), t.y(), t.size(), t.size(), 1f, Fer2013.SIZE, byIndex.get(t.ferIndex()).pixels()));
            boolean[] directOk = new boolean[originals.size()];
            if (!originals.isEmpty()) {
                List<EmotionScores> direct = classifier.classify(originals);
                for (int i = 0; i < directOk.length; i++) directOk[i] = direct.get(i).top().ordinal() == scene.faces().get(i).label();
            }
            for (int f = 0; f < framesPerScene; f++) {
                List<FaceCrop> crops = finder.find(scene.frame());
                boolean full = finder.lastTimings().fullSearch();
                truth += scene.faces().size();
                found += crops.size();
                boolean[] used = new boolean[crops.size()];
                List<FaceCrop> paired = new ArrayList<>();
                List<Integer> pairedTruth = new ArrayList<>();
                for (int i = 0; i < scene.faces().size(); i++) {
                    if (directOk[i]) directAllRight++;
                    int m = match(scene.faces().get(i), crops, used);
                    if (m < 0) continue;
                    used[m] = true;
                    paired.add(crops.get(m));
                    pairedTruth.add(i);
                }
                matched += paired.size();
                if (full) {
                    fullFrames++;
                    truthFull += scene.faces().size();
                    matchedFull += paired.size();
                }
                if (paired.isEmpty()) continue;
                List<EmotionScores> e2e = classifier.classify(paired);
                for (int k = 0; k < paired.size(); k++) {
                    int i = pairedTruth.get(k);
                    if (e2e.get(k).top().ordinal() == scene.faces().get(i).label()) endToEndRight++;
                    if (directOk[i]) directRight++;
                }
            }
        }
        int frames = scenes * framesPerScene;
        out.printf(Locale.ROOT, "%nDetection on %d generated scenes with %d faces of 48..200 px, each scene held for %d frame(s), every frame counted:%n",
                scenes, truth / framesPerScene, framesPerScene);
        out.printf(Locale.ROOT, "  recall %.1f%% (%d/%d), precision %.1f%% (%d/%d)%n", 100.0 * matched / Math.max(1, truth), matched, truth,
                100.0 * matched / Math.max(1, found), matched, Math.max(found, 0));
        out.printf(Locale.ROOT, "  whole frame searched on %d of %d frames; recall on those %.1f%%, on the others %s%n",
                fullFrames, frames, 100.0 * matchedFull / Math.max(1, truthFull), truth == truthFull ? "-"
                        : String.format(Locale.ROOT, "%.1f%%", 100.0 * (matched - matchedFull) / (truth - truthFull)));
        out.printf(Locale.ROOT, "Accuracy (7 classes, FER2013 labels), on the %d faces found:%n", matched);
        out.printf(Locale.ROOT, "  end-to-end (found, prepared, classified) %.1f%%, direct crop (the original FER image) %.1f%%: %+.1f points%n",
                100.0 * endToEndRight / Math.max(1, matched), 100.0 * directRight / Math.max(1, matched),
                100.0 * (endToEndRight - directRight) / Math.max(1, matched));
        out.printf(Locale.ROOT, "  over all %d faces (a missed face counts as wrong): end-to-end %.1f%%, direct crop %.1f%%%n",
                truth, 100.0 * endToEndRight / Math.max(1, truth), 100.0 * directAllRight / Math.max(1, truth));
    }

    /** A found face matches a true one when its centre lies inside the true box and its side is within 2x. */
    static int match(SceneGenerator.TruthFace t, List<FaceCrop> crops, boolean[] used) {
        for (int i = 0; i < crops.size(); i++) {
            if (used[i]) continue;
            FaceCrop c = crops.get(i);
            double cx = c.x() + c.width() / 2.0, cy = c.y() + c.height() / 2.0;
            double ratio = Math.sqrt((double) c.width() * c.height()) / t.size();
            if (cx >= t.x() && cx < t.x() + t.size() && cy >= t.y() && cy < t.y() + t.size() && ratio > 0.5 && ratio < 2) return i;
        }
        return -1;
    }

    // ---- 4. mood reaction ----

    private static void reaction(List<Fer2013.Face> faces, FaceFinder finder, EmotionClassifier classifier, PrintStream out) {
        double fps = 15, segment = 6;
        var gen = new SceneGenerator(faces, new SceneGenerator.Options(640, 480, 2, 4, 64, 200, segment, fps, 1.0, 3));
        MoodTracker tracker = MoodTracker.create(MoodConfig.defaults(), InstantSource.system());
        int segments = 24;
        long perSegment = gen.framesPerSegment();
        List<Double> delays = new ArrayList<>();
        int followed = 0, changesAtAll = 0;
        MoodState last = null;
        for (int k = 0; k < segments; k++) {
            int target = gen.roomLabel(k);
            double reached = -1;
            // Each segment's frames are identical, so analyse once and replay the readings at 15 fps.
            List<FaceCrop> crops = finder.find(gen.scene(k * perSegment).frame());
            List<EmotionScores> scores = crops.isEmpty() ? List.of() : classifier.classify(crops);
            var readings = new ArrayList<FaceReading>();
            for (int i = 0; i < crops.size(); i++)
                readings.add(new FaceReading(scores.get(i), Math.sqrt((double) crops.get(i).width() * crops.get(i).height()), crops.get(i).confidence()));
            for (long f = 0; f < perSegment; f++) {
                long nanos = (long) ((k * perSegment + f) * 1e9 / fps);
                MoodState now = tracker.observe(readings, nanos);
                if (last != null && now.mood() != last.mood()) changesAtAll++;
                last = now;
                if (reached < 0 && now.mood().ordinal() == target) reached = f / fps;
            }
            if (k > 0 && reached >= 0) {
                followed++;
                delays.add(reached);
            }
        }
        out.printf(Locale.ROOT, "%nMood reaction (simulated 15 fps, 2-4 faces, the room's expression changes every %.0f s):%n", segment);
        if (delays.isEmpty()) {
            out.println("  the mood never reached the room's expression");
            return;
        }
        double[] d = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long within2s = delays.stream().filter(x -> x <= 2.0).count();
        out.printf(Locale.ROOT, "  followed %d of %d changes, %d of them within 2 s; delay median %.2f s, worst %.2f s; %d mood changes in all%n",
                followed, segments - 1, within2s, d[d.length / 2], d[d.length - 1], changesAtAll);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind holds only generated video
        }
    }
}
