package io.moodbox.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * Trains Mini-Xception on FER2013 Training, early-stopping on PublicTest, and writes the best
 * weights for the exporter. Interrupted runs resume from the checkpoint in the work folder.
 *
 * <pre>
 * java ... io.moodbox.trainer.Train --work models/work --epochs 60
 * </pre>
 */
public final class Train {

    /**
     * The kit's {@code --name value} arguments by name (Train, Swa and Qat read theirs so): a word
     * without {@code --} where a name belongs, or a name not in {@code known}, is an error.
     */
    static Map<String, String> options(String[] args, String... known) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        var unknown = new java.util.LinkedHashSet<>(a.keySet());
        unknown.removeAll(List.of(known));
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown options " + unknown);
        return a;
    }

    /** Every knob of a run; {@link #parse} reads them from {@code --name value} arguments. */
    public record Options(Path work, int epochs, int batch, float lr, float weightDecay, int patience,
                          float smoothing, float ferPlusMix, int limit, long seed, int threads) {
        static Options parse(String[] args) {
            Map<String, String> a = options(args, "work", "epochs", "batch", "lr", "weight-decay", "patience",
                    "smoothing", "ferplus-mix", "limit", "seed", "threads");
            var o = new Options(Path.of(a.getOrDefault("work", "models/work")),
                    Integer.parseInt(a.getOrDefault("epochs", "60")),
                    Integer.parseInt(a.getOrDefault("batch", "64")),
                    Float.parseFloat(a.getOrDefault("lr", "0.003")),
                    Float.parseFloat(a.getOrDefault("weight-decay", "0.0001")),
                    Integer.parseInt(a.getOrDefault("patience", "15")),
                    Float.parseFloat(a.getOrDefault("smoothing", "0.1")),
                    Float.parseFloat(a.getOrDefault("ferplus-mix", "0.25")),
                    Integer.parseInt(a.getOrDefault("limit", "0")),
                    Long.parseLong(a.getOrDefault("seed", "2013")),
                    Integer.parseInt(a.getOrDefault("threads", "1")));
            return o;
        }
    }

    /** One epoch's outcome. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double publicAccuracy, double seconds) {}

    private Train() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Fer2013 data = Fer2013.load();
        run(o, data.split(Split.TRAINING), data.split(Split.PUBLIC_TEST));
    }

    /** Trains (or resumes), returns the epochs run by this call. Writes best.weights in the work folder. */
    public static List<Epoch> run(Options o, List<Face> train, List<Face> valid) throws IOException {
        Files.createDirectories(o.work());
        if (o.limit() > 0) {
            train = train.subList(0, Math.min(o.limit(), train.size()));
            valid = valid.subList(0, Math.min(Math.max(o.limit() / 4, 64), valid.size()));
        }
        int stepsPerEpoch = train.size() / o.batch();
        int totalSteps = stepsPerEpoch * o.epochs();
        int warmup = Math.min(stepsPerEpoch, totalSteps / 10);
        Properties state = loadState(o.work());
        int startEpoch = Integer.parseInt(state.getProperty("epoch", "0"));
        double best = Double.parseDouble(state.getProperty("best", "0"));
        int bestEpoch = Integer.parseInt(state.getProperty("bestEpoch", "0"));

        // A tracker of our own so a resumed run continues the schedule where it stopped.
        int offset = startEpoch * stepsPerEpoch;
        float base = o.lr();
        // On resume Adam's moments start from zero, so its first steps are full-size sign steps:
        // ramp the rate back up over a few hundred steps instead of shocking every weight.
        int rewarm = offset > 0 ? 300 : 0;
        Tracker schedule = n -> {
            int step = offset + n;
            if (step < warmup) return base * (step + 1) / warmup;
            double t = Math.min(1.0, (step - warmup) / (double) Math.max(1, totalSteps - warmup));
            double lr = 1e-5 + (base - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * t));
            return (float) (n < rewarm ? lr * (n + 1) / rewarm : lr);
        };
        var mx = new MiniXception(Fer2013.CLASSES);
        var loss = softTargetLoss();
        var config = config(loss, schedule, o.weightDecay());
        var epochs = new ArrayList<Epoch>();
        try (Model model = Model.newInstance("minixception", "PyTorch")) {
            model.setBlock(mx.block());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 48, 48));
                long params = mx.block().getParameters().values().stream()
                        .mapToLong(p -> p.getArray().size()).sum();
                Path last = o.work().resolve("last.params");
                if (startEpoch > 0 && Files.exists(last)) {
                    loadParams(mx, trainer.getManager(), last);
                    double restored = accuracy(trainer, valid);
                    String expected = state.getProperty("lastAccuracy");
                    if (expected != null && Math.abs(restored - Double.parseDouble(expected)) > 1e-9)
                        throw new IllegalStateException("checkpoint " + last + " did not restore: PublicTest "
                                + restored + " instead of " + expected);
                    System.out.printf("resuming after epoch %d (restored PublicTest %.2f%%; best %.2f%% at epoch %d)%n",
                            startEpoch, restored * 100, best * 100, bestEpoch);
                } else {
                    System.out.printf("Mini-Xception, %d parameters; %d training faces, %d validation faces, %d steps/epoch%n",
                            params, train.size(), valid.size(), stepsPerEpoch);
                }
                var aug = AUGMENT;
                float[][] targets = targets(train, o.smoothing(), o.ferPlusMix());
                double totalSeconds = 0;
                int ran = 0;
                for (int epoch = startEpoch + 1; epoch <= o.epochs(); epoch++) {
                    long t0 = System.nanoTime();
                    var rnd = new SplittableRandom(o.seed() * 1000 + epoch);
                    double[] lossAcc = epoch(trainer, loss, train, targets, aug, o.batch(), rnd);
                    double acc = accuracy(trainer, valid);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    totalSeconds += seconds;
                    ran++;
                    var e = new Epoch(epoch, lossAcc[0], lossAcc[1], acc, seconds);
                    epochs.add(e);
                    saveParams(mx, last);
                    if (acc > best) {
                        best = acc;
                        bestEpoch = epoch;
                        Files.copy(last, o.work().resolve("best.params"), StandardCopyOption.REPLACE_EXISTING);
                        writeWeights(mx, o.work().resolve("best.weights"));
                    }
                    state.setProperty("epoch", String.valueOf(epoch));
                    state.setProperty("lastAccuracy", String.valueOf(acc));
                    state.setProperty("best", String.valueOf(best));
                    state.setProperty("bestEpoch", String.valueOf(bestEpoch));
                    state.setProperty("params", String.valueOf(params));
                    saveState(o.work(), state);
                    Duration eta = Duration.ofSeconds((long) (totalSeconds / ran * (o.epochs() - epoch)));
                    System.out.printf(Locale.ROOT,
                            "epoch %3d/%d  loss %.4f  train %.2f%%  PublicTest %.2f%% (best %.2f%% @%d)  lr %.5f  %.0f img/s  ETA %s%n",
                            epoch, o.epochs(), e.loss(), e.trainAccuracy() * 100, acc * 100, best * 100, bestEpoch,
                            schedule.getNewValue(s(epoch - startEpoch, stepsPerEpoch)), stepsPerEpoch * o.batch() / seconds,
                            eta.toString().substring(2).toLowerCase(Locale.ROOT));
                    if (epoch - bestEpoch >= o.patience()) {
                        System.out.printf("early stop: no PublicTest gain for %d epochs%n", o.patience());
                        break;
                    }
                }
            }
        }
        return epochs;
    }

    /** The recipe's augmentation: flip, rotation +-10 degrees, shift and zoom +-10%. */
    static final Augment AUGMENT = new Augment(10, 0.1, 0.1);

    /** Cross-entropy against soft target distributions (FER+ votes, label smoothing). */
    static SoftmaxCrossEntropyLoss softTargetLoss() {
        return new SoftmaxCrossEntropyLoss("loss", 1, -1, false, true);
    }

    /** Adam on the CPU with the given rate schedule and weight decay. */
    static DefaultTrainingConfig config(SoftmaxCrossEntropyLoss loss, Tracker schedule, float weightDecay) {
        return new DefaultTrainingConfig(loss)
                .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(weightDecay).build())
                .optDevices(new Device[] {Device.cpu()});
    }

    /** One pass over shuffled, augmented training faces; returns {mean loss, training accuracy}. */
    static double[] epoch(Trainer trainer, SoftmaxCrossEntropyLoss loss, List<Face> train, float[][] targets,
                          Augment aug, int batch, SplittableRandom rnd) {
        int steps = train.size() / batch;
        int[] order = shuffled(train.size(), rnd);
        double lossSum = 0;
        long correct = 0;
        float[] x = new float[batch * 48 * 48];
        float[] y = new float[batch * Fer2013.CLASSES];
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                int i = order[s * batch + b];
                aug.random(train.get(i).pixels(), x, b * 48 * 48, rnd);
                System.arraycopy(targets[i], 0, y, b * Fer2013.CLASSES, Fer2013.CLASSES);
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray xs = m.create(x, new Shape(batch, 1, 48, 48));
                NDArray ys = m.create(y, new Shape(batch, Fer2013.CLASSES));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(xs)).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(ys), new NDList(logits));
                    gc.backward(l);
                    lossSum += l.getFloat();
                    long[] pred = logits.argMax(1).toLongArray();
                    for (int b = 0; b < batch; b++) if (pred[b] == train.get(order[s * batch + b]).label()) correct++;
                }
                trainer.step();
            }
        }
        return new double[] {lossSum / steps, correct / (double) (steps * batch)};
    }

    private static int s(int epochs, int stepsPerEpoch) { return epochs * stepsPerEpoch - 1; }

    /** Soft targets: label smoothing over a blend of the FER2013 label and the FER+ vote distribution. */
    static float[][] targets(List<Face> faces, float smoothing, float ferPlusMix) {
        int k = Fer2013.CLASSES;
        float[][] t = new float[faces.size()][k];
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            float[] d = f.ferPlusDistribution().orElse(null);
            float mix = d == null ? 0 : ferPlusMix;
            for (int c = 0; c < k; c++) {
                float hard = c == f.label() ? 1 : 0;
                float blended = (1 - mix) * hard + (d == null ? 0 : mix * d[c]);
                t[i][c] = (1 - smoothing) * blended + smoothing / k;
            }
        }
        return t;
    }

    static double accuracy(Trainer trainer, List<Face> faces) {
        return accuracy(trainer.getManager(), faces, x -> trainer.evaluate(new NDList(x)).singletonOrThrow());
    }

    /** Top-1 accuracy on plain faces, in batches of 256, with {@code logits} computing a batch's logits. */
    static double accuracy(NDManager manager, List<Face> faces, java.util.function.UnaryOperator<NDArray> logits) {
        int n = 256, correct = 0;
        float[] x = new float[n * 48 * 48];
        for (int start = 0; start < faces.size(); start += n) {
            int b = Math.min(n, faces.size() - start);
            for (int i = 0; i < b; i++) Augment.plain(faces.get(start + i).pixels(), x, i * 48 * 48);
            try (NDManager m = manager.newSubManager()) {
                NDArray xs = m.create(x, new Shape(n, 1, 48, 48)).get("0:" + b);
                long[] pred = logits.apply(xs).argMax(1).toLongArray();
                for (int i = 0; i < b; i++) if (pred[i] == faces.get(start + i).label()) correct++;
            }
        }
        return correct / (double) faces.size();
    }

    static int[] shuffled(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = rnd.nextInt(i + 1); int t = a[i]; a[i] = a[j]; a[j] = t; }
        return a;
    }

    /** Writes every named layer's arrays (conv weight/bias, BN gamma/beta/mean/var) for the exporter. */
    static void writeWeights(MiniXception mx, Path file) throws IOException {
        WeightsFile.write(file, weights(mx));
    }

    /** Every named layer's arrays by weights-file name (layer name + "." + parameter name). */
    static Map<String, WeightsFile.Tensor> weights(MiniXception mx) {
        var out = new LinkedHashMap<String, WeightsFile.Tensor>();
        for (var layer : mx.layers()) {
            for (Pair<String, Parameter> p : layer.block().getParameters()) {
                NDArray a = p.getValue().getArray();
                long[] dims = a.getShape().getShape();
                int[] shape = new int[dims.length];
                for (int i = 0; i < dims.length; i++) shape[i] = (int) dims[i];
                out.put(layer.name() + "." + p.getKey(), new WeightsFile.Tensor(shape, a.toFloatArray()));
            }
        }
        return out;
    }

    private static void saveParams(MiniXception mx, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            mx.block().saveParameters(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Restores a checkpoint into the arrays the trainer already holds. Block.loadParameters
     * would swap in new arrays that the trainer's parameter store never sees: training would go on
     * from the random start while checkpoints kept saving the loaded values.
     */
    static void loadParams(MiniXception mx, NDManager manager, Path file) throws IOException {
        var loaded = new MiniXception(Fer2013.CLASSES);
        loaded.block().initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 48, 48));
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            loaded.block().loadParameters(manager, in);
        } catch (ai.djl.MalformedModelException e) {
            throw new IOException("checkpoint " + file + " does not fit this network: " + e.getMessage(), e);
        }
        var live = mx.block().getParameters().values();
        var saved = loaded.block().getParameters().values();
        for (int i = 0; i < live.size(); i++) live.get(i).getArray().set(saved.get(i).getArray().toFloatArray());
    }

    private static Properties loadState(Path work) throws IOException {
        var p = new Properties();
        Path f = work.resolve("state.properties");
        if (Files.exists(f)) try (Reader r = Files.newBufferedReader(f)) { p.load(r); }
        return p;
    }

    private static void saveState(Path work, Properties state) throws IOException {
        Path f = work.resolve("state.properties"), tmp = work.resolve("state.properties.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) { state.store(w, "moodbox trainer checkpoint"); }
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
