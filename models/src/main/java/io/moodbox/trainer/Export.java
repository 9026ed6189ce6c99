package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Calibration;
import io.moodbox.tflite.Equalization;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.RangeSearch;
import io.moodbox.tflite.Reference;
import io.moodbox.tflite.TfliteReader;
import io.moodbox.tflite.TfliteWriter;
import io.moodbox.tflite.WeightRounding;
import io.moodbox.trainer.WeightsFile.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns trained weights into the shipped model: folds batch norm into the convolutions,
 * equalizes channel ranges across layers, calibrates int8 activation ranges on Training faces
 * with the float reference (99.999th percentile: measured on PublicTest, int8/float agreement
 * 97.6% against 96.9% for min/max), and writes the int8 (and a float32 twin for agreement
 * checks) .tflite.
 *
 * <p>{@code --ranges search} then chooses each activation tensor's range on its own
 * ({@link RangeSearch}), judged on {@code --search-faces} Training faces that neither calibration
 * nor equalization saw.
 *
 * <p>{@code --from-float FILE} starts from a float32 model this exporter wrote (the shipped twin)
 * instead of trained weights: the same folded function, so the same int8 model comes out, and
 * the quantization can be redone on a machine that never had the training run's files.
 *
 * <pre>
 * java ... io.moodbox.trainer.Export --weights models/work/best.weights --out models/emotion-minixception-int8.tflite
 *          [--from-float models/emotion-minixception-float32.tflite]   (instead of --weights)
 *          [--float models/work/emotion-minixception-float32.tflite] [--calibration 2000]
 *          [--percentile 99.999] [--equalize true]
 *          [--ranges percentile|search --search-faces 1000 --objective kl|agreement --passes 1]
 *          [--int16 none|all|NAME+|A,B,... --int16-output int8|float] [--rounding adaptive|nearest]
 * </pre>
 *
 * <p>{@code --int16 all} writes TFLite's 16x8 scheme instead ({@link TfliteWriter#int16x8}): int16
 * activations (symmetric, min/max ranges), the same int8 weights, int64 biases; {@code --int16
 * NAME+} only from the first op whose output's name starts with NAME (say {@code module3+}) on,
 * {@code --int16 A,B} only the ops whose output's name starts with A or B; int8 elsewhere.
 * {@code --rounding adaptive} (the default since 7 December 2026: +0.6 points of int8/float
 * agreement on PublicTest at the same size and speed, MODEL_CARD.md) rounds the weights with
 * {@link WeightRounding}; {@code nearest} rounds each to its nearest step, as the exporter did before. The input stays int8; the int16 scores are handed out as int8 at 1/256
 * ({@code --int16-output int8}, the int8 model's contract) or as float32 ({@code float}). The
 * appliance reads either without change. Default {@code none}: the int8 model.
 */
public final class Export {
    /** Whether weights are rounded adaptively unless {@code --rounding} says otherwise (MODEL_CARD.md). */
    public static final boolean ADAPTIVE_ROUNDING = true;

    /**
     * How the weights reach their int8 grid: each to its nearest step; adaptively, against the
     * float network's own layer inputs ({@link WeightRounding#apply}); or sequentially, against the
     * inputs the int8 network itself feeds each layer ({@link WeightRounding#applySequential}).
     */
    public enum Rounding { NEAREST, ADAPTIVE, SEQUENTIAL }

    private Export() {}

    /** The models' description; the int8 file adds "; int8", the twin "; float32". */
    public static final String ABOUT = "moodbox Mini-Xception, FER2013 7 classes (angry, disgust, fear, happy, sad, surprise, neutral); "
            + "input 48x48x1 gray, real = pixel/255";

    public static void main(String[] args) throws IOException {
        Path weights = Path.of("models/work/best.weights"), out = Path.of("models/emotion-minixception-int8.tflite");
        Path floatOut = null, fromFloat = null;
        int calibration = 2000;
        double percentile = 99.999;
        boolean equalize = true, search = false;
        int searchFaces = 1000, passes = 1;
        var objective = RangeSearch.Objective.KL;
        String int16 = "none";
        Rounding rounding = ADAPTIVE_ROUNDING ? Rounding.ADAPTIVE : Rounding.NEAREST;
        var wideOutput = TfliteWriter.WideOutput.INT8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--weights" -> weights = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--float" -> floatOut = Path.of(args[i + 1]);
                case "--from-float" -> fromFloat = Path.of(args[i + 1]);
                case "--calibration" -> calibration = Integer.parseInt(args[i + 1]);
                case "--percentile" -> percentile = Double.parseDouble(args[i + 1]);
                case "--equalize" -> equalize = Boolean.parseBoolean(args[i + 1]);
                case "--ranges" -> search = switch (args[i + 1]) {
                    case "percentile" -> false;
                    case "search" -> true;
                    default -> throw new IllegalArgumentException("--ranges must be percentile or search, not " + args[i + 1]);
                };
                case "--search-faces" -> searchFaces = Integer.parseInt(args[i + 1]);
                case "--passes" -> passes = Integer.parseInt(args[i + 1]);
                case "--objective" -> objective = switch (args[i + 1]) {
                    case "kl" -> RangeSearch.Objective.KL;
                    case "agreement" -> RangeSearch.Objective.AGREEMENT;
                    default -> throw new IllegalArgumentException("--objective must be kl or agreement, not " + args[i + 1]);
                };
                case "--int16" -> int16 = args[i + 1];
                case "--rounding" -> rounding = switch (args[i + 1]) {
                    case "nearest" -> Rounding.NEAREST;
                    case "adaptive" -> Rounding.ADAPTIVE;
                    case "sequential" -> Rounding.SEQUENTIAL;
                    default -> throw new IllegalArgumentException("--rounding must be nearest, adaptive or sequential, not " + args[i + 1]);
                };
                case "--int16-output" -> wideOutput = switch (args[i + 1]) {
                    case "int8" -> TfliteWriter.WideOutput.INT8;
                    case "float" -> TfliteWriter.WideOutput.FLOAT32;
                    default -> throw new IllegalArgumentException("--int16-output must be int8 or float, not " + args[i + 1]);
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0) throw new IllegalArgumentException("option " + args[args.length - 1] + " has no value");
        if (search && !int16.equals("none")) throw new IllegalArgumentException("--ranges search chooses int8 ranges; it does not combine with --int16");
        Graph g = fromFloat != null ? TfliteReader.read(fromFloat) : miniXception(WeightsFile.read(weights));
        boolean[] wideOps = int16.equals("none") ? null : wideOps(g, int16);   // before the dataset loads: a bad name fails fast
        String about = ABOUT;
        // The float twin is the trained function itself, written before any int8-only adjustment.
        byte[] f32 = TfliteWriter.float32(g, about + "; float32");
        Fer2013 data = Fer2013.load();
        List<Face> pub = data.split(Split.PUBLIC_TEST);
        var ref = new Reference(g);
        int correct = 0;
        for (Face f : pub) if (argmax(ref.run(input(f.pixels()))) == f.label()) correct++;
        System.out.printf(Locale.ROOT, "float reference PublicTest accuracy %.2f%%%n", 100.0 * correct / pub.size());

        List<Face> train = data.split(Split.TRAINING);
        Calibration cal = prepare(g, train, calibration, percentile, equalize, rounding);
        byte[] int8;
        if (search) {
            if (!(percentile < 100)) throw new IllegalArgumentException("--ranges search needs --percentile below 100 (its start and samples)");
            List<float[]> heldOut = heldOut(train.size(), searchFaces, calibration).stream().map(i -> input(train.get(i).pixels())).toList();
            long t0 = System.nanoTime();
            var r = RangeSearch.search(g, cal, heldOut, objective, passes, System.out);
            System.out.printf(Locale.ROOT, "range search: %d tensors changed; held-out %s -> %s (%.0f s)%n",
                    r.changed(), r.start(), r.end(), (System.nanoTime() - t0) / 1e9);
            int8 = TfliteWriter.int8(g, r.quantization(), about + "; int8, searched ranges");
        } else if (wideOps != null) {
            int8 = TfliteWriter.int16x8(g, cal.quantization(), wide(g, cal, wideOps), wideOutput,
                    about + "; 16x8 (int16 activations: " + int16 + "; int8 weights), "
                            + (wideOutput == TfliteWriter.WideOutput.INT8 ? "int8" : "float32") + " scores");
        } else {
            int8 = TfliteWriter.int8(g, cal, about + "; int8");
        }
        TfliteWriter.write(int8, out);
        System.out.printf(Locale.ROOT, "wrote %s (%d bytes, calibrated on %d Training faces)%n", out, int8.length, cal.samples());
        if (floatOut != null) {
            TfliteWriter.write(f32, floatOut);
            System.out.printf(Locale.ROOT, "wrote %s (%d bytes)%n", floatOut, f32.length);
        }
    }

    /**
     * Which ops compute in int16, by index: {@code all}; {@code NAME+}, the first op whose output's
     * name starts with NAME and every op after it; or {@code A,B,...}, the ops whose output's name
     * starts with one of them.
     */
    static boolean[] wideOps(Graph g, String spec) {
        int n = g.ops().size();
        boolean[] w = new boolean[n];
        if (spec.equals("all")) { java.util.Arrays.fill(w, true); return w; }
        boolean from = spec.endsWith("+");
        for (String name : (from ? spec.substring(0, spec.length() - 1) : spec).split(",")) {
            boolean found = false;
            for (int i = 0; i < n; i++)
                if (g.tensor(g.ops().get(i).out()).name().startsWith(name)) {
                    found = true;
                    if (from) { java.util.Arrays.fill(w, i, n, true); break; }
                    w[i] = true;
                }
            if (name.isEmpty() || !found)
                throw new IllegalArgumentException("--int16: no op output is named " + name + "...; names: "
                        + g.ops().stream().map(o -> g.tensor(o.out()).name()).toList());
        }
        return w;
    }

    /**
     * int16 quantization of the tensors made by the ops chosen (null elsewhere: int8), from the
     * calibration's min/max; a max-pool whose input stays int8 reads it on that int8 range's grid.
     */
    static Calibration.Quant[] wide(Graph g, Calibration cal, boolean[] ops) {
        Calibration.Quant[] all = cal.int16Quantization(), q8 = cal.quantization();
        Calibration.Quant[] w = new Calibration.Quant[all.length];
        for (int i = 0; i < g.ops().size(); i++) {
            if (!ops[i]) continue;
            var op = g.ops().get(i);
            w[op.out()] = op instanceof Graph.MaxPool p && w[p.in()] == null ? TfliteWriter.int16Of(q8[p.in()]) : all[op.out()];
        }
        return w;
    }

    /**
     * The int8 preparation every export does: equalizes {@code g}'s channel ranges in place
     * (unless told not to; the function stays the same) and calibrates its activations on
     * {@code calibration} Training faces.
     */
    public static Calibration prepare(Graph g, List<Face> train, int calibration, double percentile, boolean equalize) {
        return prepare(g, train, calibration, percentile, equalize, false);
    }

    /**
     * The same, and with {@code adaptive} the weights are then moved onto their int8 grid by
     * {@link WeightRounding} (input patches of {@code calibration} Training faces, seed 17) before
     * the activations are calibrated.
     */
    public static Calibration prepare(Graph g, List<Face> train, int calibration, double percentile, boolean equalize, boolean adaptive) {
        return prepare(g, train, calibration, percentile, equalize, adaptive ? Rounding.ADAPTIVE : Rounding.NEAREST);
    }

    /**
     * The same with any {@link Rounding}; {@code SEQUENTIAL} simulates the int8 network on the
     * ranges of a first calibration of the float network (seed 7, as the final one) and
     * rounds on {@code calibration} Training faces (seed 17).
     */
    public static Calibration prepare(Graph g, List<Face> train, int calibration, double percentile, boolean equalize, Rounding rounding) {
        if (equalize) {
            int groups = Equalization.apply(g, Equalization.channelRanges(g, runs(g, train, calibration, 11)));
            System.out.printf(Locale.ROOT, "equalized the channel ranges of %d tensor groups%n", groups);
        }
        if (rounding != Rounding.NEAREST) {
            long t0 = System.nanoTime();
            var r = rounding == Rounding.ADAPTIVE
                    ? WeightRounding.apply(g, runs(g, train, calibration, 17))
                    : WeightRounding.applySequential(g, java.util.Arrays.stream(drawn(train.size(), calibration, 17))
                            .mapToObj(i -> input(train.get(i).pixels())).toList(),
                            calibrate(g, train, calibration, 7, percentile).quantization());
            System.out.printf(Locale.ROOT, "%s rounding: %d of %d weights rounded away from their nearest step; layer output error %.4g -> %.4g (%.0f s)%n",
                    rounding.name().toLowerCase(Locale.ROOT), r.flipped(), r.weights(), r.before(), r.after(), (System.nanoTime() - t0) / 1e9);
        }
        return calibrate(g, train, calibration, 7, percentile);
    }

    /** Calibrates on {@code n} Training faces drawn at random (fixed seed), ranges at the given percentile. */
    public static Calibration calibrate(Graph g, List<Face> faces, int n, long seed, double percentile) {
        var cal = new Calibration(g, percentile);
        for (float[][] run : runs(g, faces, n, seed)) cal.observe(run);
        return cal;
    }

    /** Reference runs (all tensors) on {@code n} Training faces drawn at random with a fixed seed, made lazily. */
    static Iterable<float[][]> runs(Graph g, List<Face> faces, int n, long seed) {
        var ref = new Reference(g);
        int[] drawn = drawn(faces.size(), n, seed);
        return () -> java.util.Arrays.stream(drawn).mapToObj(i -> ref.runAll(input(faces.get(i).pixels()))).iterator();
    }

    /** The indices {@link #runs} draws (with replacement): min(n, size) of them. */
    static int[] drawn(int size, int n, long seed) {
        var rnd = new SplittableRandom(seed);
        int[] r = new int[Math.min(n, size)];
        for (int i = 0; i < r.length; i++) r[i] = rnd.nextInt(size);
        return r;
    }

    /**
     * {@code n} Training face indices (seed 13) that neither the calibration ({@code calibration}
     * faces, seed 7) nor the equalization (seed 11) drew.
     */
    static List<Integer> heldOut(int size, int n, int calibration) {
        var used = new java.util.BitSet(size);
        for (int i : drawn(size, calibration, 7)) used.set(i);
        for (int i : drawn(size, calibration, 11)) used.set(i);
        var free = new java.util.ArrayList<Integer>();
        for (int i = used.nextClearBit(0); i < size; i = used.nextClearBit(i + 1)) free.add(i);
        if (free.size() < n) throw new IllegalArgumentException("only " + free.size() + " Training faces are left for the range search, not " + n);
        java.util.Collections.shuffle(free, new java.util.Random(13));
        return List.copyOf(free.subList(0, n));
    }

    static float[] input(byte[] pixels) {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) x[i] = (pixels[i] & 0xFF) / 255f;
        return x;
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    /** The inference graph of {@link MiniXception} from its trained weights, batch norm folded. */
    public static Graph miniXception(Map<String, Tensor> w) {
        Graph g = new Graph(48, 48, 1);
        int x = convBn(g, w, "conv1", g.input(), 1, false, true);
        x = convBn(g, w, "conv2", x, 1, false, true);
        for (int m = 1; m <= MiniXception.MODULE_FILTERS.length; m++) {
            String p = "module" + m;
            int y = depthwise(g, w, p + ".sep1.dw", x);
            y = convBn(g, w, p + ".sep1", y, "pw", 1, true, true);
            y = depthwise(g, w, p + ".sep2.dw", y);
            y = convBn(g, w, p + ".sep2", y, "pw", 1, true, false);
            y = g.maxPool(p + ".pool", y, 3, 2, true);
            int r = convBn(g, w, p + ".res", x, 2, false, false);
            x = g.add(p + ".add", y, r);
        }
        Tensor hw = need(w, "head.weight");
        x = g.conv("head", x, ohwi(hw), hw.shape()[0], hw.shape()[2], hw.shape()[3], need(w, "head.bias").data(), 1, true, false);
        g.softmax("scores", g.mean("logits", x));
        return g;
    }

    private static int convBn(Graph g, Map<String, Tensor> w, String name, int in, int stride, boolean same, boolean relu) {
        return convBn(g, w, name, in, null, stride, same, relu);
    }

    /** A conv (weights at name[.sub].weight) with the batch norm at name.bn folded in. */
    private static int convBn(Graph g, Map<String, Tensor> w, String name, int in, String sub, int stride, boolean same, boolean relu) {
        Tensor k = need(w, name + (sub == null ? "" : "." + sub) + ".weight");
        int o = k.shape()[0], kh = k.shape()[2], kw = k.shape()[3];
        float[] weights = ohwi(k);
        float[] gamma = need(w, name + ".bn.gamma").data(), beta = need(w, name + ".bn.beta").data();
        float[] mean = need(w, name + ".bn.runningMean").data(), var = need(w, name + ".bn.runningVar").data();
        float[] bias = new float[o];
        int per = weights.length / o;
        for (int c = 0; c < o; c++) {
            double scale = gamma[c] / Math.sqrt(var[c] + MiniXception.BN_EPSILON);
            for (int i = 0; i < per; i++) weights[c * per + i] *= (float) scale;
            bias[c] = (float) (beta[c] - mean[c] * scale);
        }
        return g.conv(name, in, weights, o, kh, kw, bias, stride, same || kh == 1 && stride == 1, relu);
    }

    private static int depthwise(Graph g, Map<String, Tensor> w, String name, int in) {
        Tensor k = need(w, name + ".weight");            // [C, 1, kh, kw]
        int c = k.shape()[0], kh = k.shape()[2], kw = k.shape()[3];
        float[] hwc = new float[kh * kw * c];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < kh; y++)
                for (int x = 0; x < kw; x++) hwc[(y * kw + x) * c + ch] = k.data()[(ch * kh + y) * kw + x];
        return g.depthwise(name, in, hwc, kh, kw, new float[c], 1, true, false);
    }

    /** PyTorch OIHW -> TFLite OHWI. */
    private static float[] ohwi(Tensor t) {
        int o = t.shape()[0], i = t.shape()[1], h = t.shape()[2], w = t.shape()[3];
        float[] r = new float[t.data().length];
        for (int a = 0; a < o; a++)
            for (int b = 0; b < i; b++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) r[((a * h + y) * w + x) * i + b] = t.data()[((a * i + b) * h + y) * w + x];
        return r;
    }

    private static Tensor need(Map<String, Tensor> w, String name) {
        Tensor t = w.get(name);
        if (t == null) throw new IllegalArgumentException("weights file has no tensor " + name + "; is it a Mini-Xception?");
        return t;
    }
}
