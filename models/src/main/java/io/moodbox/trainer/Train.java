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
import java.util.Arrays;
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
     * Every knob of a run; {@link #parse} reads them from {@code --name value} arguments. The
     * recipe ({@link #recipe}) is fixed when a run starts and kept in its checkpoint; the rest
     * (where, how many threads, when to stop this call) may differ from call to call.
     */
    public record Options(Path work, int epochs, int batch, float lr, float weightDecay, int patience,
                          float smoothing, float ferPlusMix, int limit, long seed, int threads,
                          float brightness, float contrast, float erasing, float cutmix, int swaEpochs, float swaLr,
                          int checkpointEvery, int until, double minutes,
                          boolean flip, double rotation, double shift, double zoom, int valid) {
        static final String[] NAMES = {"work", "epochs", "batch", "lr", "weight-decay", "patience", "smoothing",
                "ferplus-mix", "limit", "seed", "threads", "brightness", "contrast", "erasing", "cutmix", "swa-epochs", "swa-lr",
                "checkpoint-every", "until", "minutes", "flip", "rotation", "shift", "zoom", "valid"};

        static Options parse(String... args) {
            Args a = Args.parse(args, NAMES);
            var o = new Options(a.path("work", "models/work"),
                    a.integer("epochs", 60),
                    a.integer("batch", 64),
                    a.decimal("lr", 0.003f),
                    a.decimal("weight-decay", 0.0001f),
                    a.integer("patience", 15),
                    a.decimal("smoothing", 0.1f),
                    a.decimal("ferplus-mix", 0.25f),
                    a.integer("limit", 0),
                    a.whole("seed", 2013),
                    a.integer("threads", 1),
                    a.decimal("brightness", 0),
                    a.decimal("contrast", 0),
                    a.decimal("erasing", 0),
                    a.decimal("cutmix", 0),
                    a.integer("swa-epochs", 0),
                    a.decimal("swa-lr", 0.0005f),
                    a.integer("checkpoint-every", 1),
                    a.integer("until", 0),
                    a.decimal("minutes", 0),
                    a.flag("flip", true),
                    a.real("rotation", 10),
                    a.real("shift", 0.1),
                    a.real("zoom", 0.1),
                    a.integer("valid", 0));
            if (o.epochs() < 1 || o.batch() < 2 || o.checkpointEvery() < 1 || o.until() < 0 || o.minutes() < 0 || o.swaEpochs() < 0
                    || o.rotation() < 0 || o.shift() < 0 || o.zoom() < 0 || o.zoom() >= 1 || o.valid() < 0)
                throw new IllegalArgumentException("--epochs, --batch and --checkpoint-every must be positive, "
                        + "--until, --minutes, --swa-epochs, --rotation, --shift, --zoom and --valid not negative, --zoom below 1");
            return o;
        }

        /** What makes the run this run: a resume must match it exactly. */
        Map<String, String> recipe() {
            var r = new LinkedHashMap<String, String>();
            r.put("epochs", String.valueOf(epochs));
            r.put("batch", String.valueOf(batch));
            r.put("lr", String.valueOf(lr));
            r.put("weight-decay", String.valueOf(weightDecay));
            r.put("smoothing", String.valueOf(smoothing));
            r.put("ferplus-mix", String.valueOf(ferPlusMix));
            r.put("limit", String.valueOf(limit));
            r.put("seed", String.valueOf(seed));
            r.put("brightness", String.valueOf(brightness));
            r.put("contrast", String.valueOf(contrast));
            r.put("erasing", String.valueOf(erasing));
            r.put("cutmix", String.valueOf(cutmix));
            r.put("swa-epochs", String.valueOf(swaEpochs));
            r.put("swa-lr", String.valueOf(swaLr));
            r.put("flip", String.valueOf(flip));
            r.put("rotation", String.valueOf(rotation));
            r.put("shift", String.valueOf(shift));
            r.put("zoom", String.valueOf(zoom));
            r.put("valid", String.valueOf(valid));
            return r;
        }

        Augment augment() { return new Augment(flip, rotation, shift, zoom, brightness, contrast, erasing); }
    }

    /** One epoch's outcome. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double publicAccuracy, double seconds) {}

    private Train() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(withRecipe(args));
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Fer2013 data = Fer2013.load();
        try {
            run(o, data.split(Split.TRAINING), data.split(Split.PUBLIC_TEST));
        } catch (Adam.NotFinite e) {
            System.err.println(stopped(e, "The checkpoint in " + o.work() + " is the last one written before it; run the same command to resume from it."));
            System.exit(1);
        }
    }

    /** What a run stopped by a NaN says: what happened, what is intact, and the known cause. */
    static String stopped(Adam.NotFinite e, String intact) {
        return "training stopped: " + e.getMessage() + ". " + intact
                + " On some AVX-512 CPUs oneDNN's backward convolutions read uninitialised memory, which turns"
                + " gradients into NaN at random; models/kit runs Java with GLIBC_TUNABLES=...:glibc.malloc.perturb=255,"
                + " which zeroes that memory. Run through models/kit, or set it yourself.";
    }

    /**
     * Trains, or resumes the run whose checkpoint is in the work folder; returns the epochs run by
     * this call. After every {@code checkpointEvery} epochs and at the end of the call it writes
     * {@code checkpoint.ckpt} (weights, Adam's moments, epoch and step; the augmentation's random
     * source is derived from the seed and the epoch, so nothing more is needed to go on exactly)
     * and {@code history.tsv}; the best PublicTest epoch's weights go to {@code best.weights}.
     *
     * <p>With {@code --swa-epochs N}, the cosine schedule is followed by N epochs at the constant
     * rate {@code --swa-lr}, averaging the weights after each (stochastic weight averaging,
     * Izmailov et al. 2018, as a float running mean, which the checkpoint keeps exactly); the
     * average gets batch statistics re-estimated on plain Training faces and, when its PublicTest
     * is the best so far, goes to {@code swa.weights}.
     */
    public static List<Epoch> run(Options o, List<Face> train, List<Face> valid) throws IOException {
        Files.createDirectories(o.work());
        if (o.limit() > 0) {
            train = train.subList(0, Math.min(o.limit(), train.size()));
            if (o.valid() == 0) valid = valid.subList(0, Math.min(Math.max(o.limit() / 4, 64), valid.size()));
        }
        // --valid N: the first N PublicTest faces (all of them when N is larger), whatever --limit says.
        if (o.valid() > 0) valid = valid.subList(0, Math.min(o.valid(), valid.size()));
        int stepsPerEpoch = train.size() / o.batch();
        long totalSteps = (long) stepsPerEpoch * o.epochs();
        long warmup = Math.min(stepsPerEpoch, totalSteps / 10);
        float base = o.lr();
        java.util.function.LongFunction<Float> schedule = step -> {
            // Step n (0-based): a linear warm-up, then cosine decay to 1e-5 over the planned epochs.
            if (step < warmup) return base * (step + 1) / warmup;
            double t = Math.min(1.0, (step - warmup) / (double) Math.max(1, totalSteps - warmup));
            return (float) (1e-5 + (base - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * t)));
        };
        Path file = o.work().resolve(Checkpoint.FILE);
        Checkpoint saved = Files.exists(file) ? Checkpoint.read(file) : null;
        Properties state = saved != null ? saved.state() : new Properties();
        if (saved != null) checkRecipe(file, state, o.recipe());
        else o.recipe().forEach((k, v) -> state.setProperty("recipe." + k, v));
        int startEpoch = Integer.parseInt(state.getProperty("epoch", "0"));
        double best = Double.parseDouble(state.getProperty("best", "0"));
        int bestEpoch = Integer.parseInt(state.getProperty("bestEpoch", "0"));

        // The initial weights are PyTorch's draws: seed them so a run is the same run on every machine.
        // Nothing else draws from PyTorch (the network has no dropout).
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) o.seed());
        var mx = new MiniXception(Fer2013.CLASSES);
        var loss = softTargetLoss();
        var config = new DefaultTrainingConfig(loss).optDevices(new Device[] {Device.cpu()});
        var epochs = new ArrayList<Epoch>();
        try (Model model = Model.newInstance("minixception", "PyTorch")) {
            model.setBlock(mx.block());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 48, 48));
                List<Parameter> params = mx.block().getParameters().values();
                long count = params.stream().filter(Parameter::requiresGradient).mapToLong(p -> p.getArray().size()).sum();
                var adam = new Adam(params, o.weightDecay());
                if (saved != null) {
                    restore(saved, file, params, adam);
                    System.out.printf(Locale.ROOT, "resuming %s after epoch %d of %d (step %d; best PublicTest %.2f%% at epoch %d)%n",
                            o.work(), startEpoch, o.epochs() + o.swaEpochs(), adam.steps(), best * 100, bestEpoch);
                } else {
                    System.out.printf("Mini-Xception, %d parameters; %d training faces, %d validation faces, %d steps/epoch%n",
                            count, train.size(), valid.size(), stepsPerEpoch);
                }
                var aug = o.augment();
                float[][] targets = targets(train, o.smoothing(), o.ferPlusMix());
                var swa = new Averaged(params, saved == null ? null : saved.tensors());
                double swaBest = Double.parseDouble(state.getProperty("swaBest", "0"));
                int last = o.epochs() + o.swaEpochs();
                if (startEpoch >= last)
                    System.out.printf("the run in %s is complete: %d epochs (%d cosine, %d averaged)%n",
                            o.work(), last, o.epochs(), o.swaEpochs());
                long started = System.nanoTime();
                double totalSeconds = 0;
                int ran = 0, savedEpoch = startEpoch;
                for (int epoch = startEpoch + 1; epoch <= last; epoch++) {
                    long t0 = System.nanoTime();
                    var rnd = new SplittableRandom(o.seed() * 1000 + epoch);
                    boolean averaging = epoch > o.epochs();
                    double[] lossAcc = epoch(trainer, loss, train, targets, aug, o.batch(), o.cutmix(), rnd,
                            () -> adam.step(averaging ? o.swaLr() : schedule.apply(adam.steps())));
                    double acc = accuracy(trainer, valid);
                    String swaNote = "";
                    if (averaging) {
                        swa.add(epoch - o.epochs());
                        double avgAcc = swa.score(trainer.getManager(), train, valid, null, new SplittableRandom(o.seed() + epoch));
                        state.setProperty("swa." + epoch, String.format(Locale.ROOT, "%.5f", avgAcc));
                        if (avgAcc > swaBest) {
                            swaBest = avgAcc;
                            state.setProperty("swaBest", String.valueOf(swaBest));
                            state.setProperty("swaBestEpoch", String.valueOf(epoch));
                            writeWeights(swa.net, o.work().resolve("swa.weights"));
                        }
                        swaNote = String.format(Locale.ROOT, "  average of %d: PublicTest %.2f%%", epoch - o.epochs(), avgAcc * 100);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    totalSeconds += seconds;
                    ran++;
                    var e = new Epoch(epoch, lossAcc[0], lossAcc[1], acc, seconds);
                    epochs.add(e);
                    if (acc > best) {
                        best = acc;
                        bestEpoch = epoch;
                        writeWeights(mx, o.work().resolve("best.weights"));
                    }
                    state.setProperty("epoch", String.valueOf(epoch));
                    state.setProperty("step", String.valueOf(adam.steps()));
                    state.setProperty("best", String.valueOf(best));
                    state.setProperty("bestEpoch", String.valueOf(bestEpoch));
                    state.setProperty("history." + epoch, String.format(Locale.ROOT, "%.5f\t%.5f\t%.5f\t%.6f\t%.0f",
                            e.loss(), e.trainAccuracy(), acc, averaging ? o.swaLr() : schedule.apply(adam.steps() - 1), seconds));
                    boolean stop = epoch == last || (o.until() > 0 && epoch >= o.until())
                            || (o.minutes() > 0 && (System.nanoTime() - started) / 60e9 >= o.minutes());
                    boolean early = !averaging && epoch - bestEpoch >= o.patience();
                    if (epoch % o.checkpointEvery() == 0 || stop || early) {
                        save(file, state, params, adam, swa);
                        savedEpoch = epoch;
                    }
                    Duration eta = Duration.ofSeconds((long) (totalSeconds / ran * (last - epoch)));
                    System.out.printf(Locale.ROOT,
                            "epoch %3d/%d  loss %.4f  train %.2f%%  PublicTest %.2f%% (best %.2f%% @%d)%s  lr %.5f  %.0f img/s  ETA %s%s%n",
                            epoch, last, e.loss(), e.trainAccuracy() * 100, acc * 100, best * 100, bestEpoch, swaNote,
                            averaging ? o.swaLr() : schedule.apply(adam.steps() - 1), stepsPerEpoch * o.batch() / seconds,
                            eta.toString().substring(2).toLowerCase(Locale.ROOT), savedEpoch == epoch ? "  [checkpoint]" : "");
                    if (early) {
                        System.out.printf("early stop: no PublicTest gain for %d epochs%n", o.patience());
                        break;
                    }
                    if (stop) break;
                }
            }
        }
        return epochs;
    }

    /**
     * The arguments with the recipe of the run already in {@code --work} put first, so that
     * {@code --work DIR} alone continues it; an option given again must still match.
     */
    static String[] withRecipe(String[] args) throws IOException {
        Path file = Options.parse(args).work().resolve(Checkpoint.FILE);
        if (!Files.exists(file)) return args;
        var all = new ArrayList<String>();
        Properties state = Checkpoint.read(file).state();
        for (String k : Options.parse().recipe().keySet()) {
            String v = state.getProperty("recipe." + k);
            if (v != null) { all.add("--" + k); all.add(v); }
        }
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** A resume must be the same run: any recipe option that differs is named, with what the run was started with. */
    static void checkRecipe(Path file, Properties state, Map<String, String> recipe) {
        var differ = new ArrayList<String>();
        recipe.forEach((k, v) -> {
            String was = state.getProperty("recipe." + k);
            // A recipe part added to the kit after the run started: this call fixes it for the rest of the run.
            if (was == null) state.setProperty("recipe." + k, v);
            else if (!v.equals(was)) differ.add("--" + k + " " + was + " (not " + v + ")");
        });
        if (!differ.isEmpty())
            throw new IllegalArgumentException("the run in " + file + " was started with " + String.join(", ", differ)
                    + ": give those to continue it, or choose another place for a new run");
    }

    private static void save(Path file, Properties state, List<Parameter> params, Adam adam, Averaged swa) throws IOException {
        checkpoint(state, params, adam, swa).write(file);
        // The figures so far, one line an epoch, for people (the checkpoint holds the same).
        var lines = new StringBuilder("epoch\tloss\ttrain\tpublic\tlr\tseconds\taverage\n");
        int last = Integer.parseInt(state.getProperty("epoch"));
        for (int e = 1; e <= last; e++) {
            String h = state.getProperty("history." + e);
            // The last column, the weight average's PublicTest, only in the averaging epochs.
            String avg = state.getProperty("swa." + e);
            if (h != null) lines.append(e).append('\t').append(h).append(avg == null ? "" : "\t" + avg).append('\n');
        }
        writeText(file.resolveSibling("history.tsv"), lines);
    }

    /** Writes {@code text} to a temporary file renamed over {@code file}: a reader never sees half of it. */
    static void writeText(Path file, CharSequence text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A run's whole state: every parameter (batch statistics too), Adam's moments, the running average, and their CRC. */
    static Checkpoint checkpoint(Properties state, List<Parameter> params, Adam adam, Averaged swa) {
        var tensors = new LinkedHashMap<String, WeightsFile.Tensor>();
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.get(i).getArray();
            long[] dims = a.getShape().getShape();
            int[] shape = new int[dims.length];
            for (int d = 0; d < dims.length; d++) shape[d] = (int) dims[d];
            tensors.put("param." + i, new WeightsFile.Tensor(shape, a.toFloatArray()));
        }
        adam.save(tensors);
        swa.save(tensors);
        state.setProperty("crc", crc(params));
        return new Checkpoint(state, tensors);
    }

    /** Puts what {@link #checkpoint} saved back into the live parameters and Adam, and proves it went in. */
    static void restore(Checkpoint saved, Path file, List<Parameter> params, Adam adam) {
        setParams(params, saved.tensors(), file);
        adam.restore(saved.tensors(), Long.parseLong(saved.state().getProperty("step")));
        if (!saved.state().getProperty("crc").equals(crc(params)))
            throw new IllegalStateException(file + " did not restore into the trainer's weights");
    }

    /** CRC-32 of every parameter's float bits, in order: proves a checkpoint went into the live arrays. */
    private static String crc(List<Parameter> params) {
        var crc = new java.util.zip.CRC32();
        for (Parameter p : params) {
            var buf = java.nio.ByteBuffer.allocate(Math.toIntExact(p.getArray().size()) * 4);
            for (float f : p.getArray().toFloatArray()) buf.putFloat(f);
            crc.update(buf.array());
        }
        return Long.toHexString(crc.getValue());
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

    /**
     * One pass over shuffled, augmented training faces, {@code step} after each batch's backward
     * pass; returns {mean loss, training accuracy}. With probability {@code cutmix} a batch is
     * CutMixed (Yun et al. 2019): a random box of each face is replaced by the same box of the next
     * face in the batch, and the targets mixed by the box's share of the area.
     */
    static double[] epoch(Trainer trainer, SoftmaxCrossEntropyLoss loss, List<Face> train, float[][] targets,
                          Augment aug, int batch, float cutmix, SplittableRandom rnd, Runnable step) {
        return epoch(trainer, loss, train, targets, aug, batch, cutmix, rnd, step, null, 0);
    }

    /** With a {@code teacher}, each batch's targets move toward its scores on the same images by {@code distill}. */
    static double[] epoch(Trainer trainer, SoftmaxCrossEntropyLoss loss, List<Face> train, float[][] targets,
                          Augment aug, int batch, float cutmix, SplittableRandom rnd, Runnable step,
                          Teacher teacher, float distill) {
        int steps = train.size() / batch;
        int[] order = shuffled(train.size(), rnd);
        double lossSum = 0;
        long correct = 0;
        int k = Fer2013.CLASSES, n = 48 * 48;
        float[] x = new float[batch * n];
        float[] y = new float[batch * k];
        float[] mixed = new float[batch * n];
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                int i = order[s * batch + b];
                aug.random(train.get(i).pixels(), x, b * n, rnd);
                System.arraycopy(targets[i], 0, y, b * k, k);
            }
            float[] xb = x, yb = y;
            if (cutmix > 0 && rnd.nextDouble() < cutmix) {
                double lambda = rnd.nextDouble();
                int h = (int) Math.round(48 * Math.sqrt(1 - lambda)), w = h;
                int top = rnd.nextInt(48 - h + 1), left = rnd.nextInt(48 - w + 1);
                float share = h * w / (float) n;
                yb = new float[batch * k];
                System.arraycopy(x, 0, mixed, 0, x.length);
                for (int b = 0; b < batch; b++) {
                    int other = (b + 1) % batch;
                    for (int r = top; r < top + h; r++)
                        System.arraycopy(x, other * n + r * 48 + left, mixed, b * n + r * 48 + left, w);
                    for (int c = 0; c < k; c++) yb[b * k + c] = (1 - share) * y[b * k + c] + share * y[other * k + c];
                }
                xb = mixed;
            }
            if (teacher != null) teacher.blend(xb, yb, batch, distill);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray xs = m.create(xb, new Shape(batch, 1, 48, 48));
                NDArray ys = m.create(yb, new Shape(batch, k));
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray logits = trainer.forward(new NDList(xs)).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(ys), new NDList(logits));
                    float value = l.getFloat();
                    if (!Float.isFinite(value)) throw new Adam.NotFinite("the loss is " + value + " at batch " + (s + 1) + " of the epoch");
                    gc.backward(l);
                    lossSum += value;
                    long[] pred = logits.argMax(1).toLongArray();
                    for (int b = 0; b < batch; b++) if (pred[b] == train.get(order[s * batch + b]).label()) correct++;
                }
                step.run();
            }
        }
        return new double[] {lossSum / steps, correct / (double) (steps * batch)};
    }

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

    /** Sets the network's weights (and batch statistics) to those of a training run's checkpoint. */
    static void loadCheckpoint(MiniXception mx, Path file) throws IOException {
        setParams(mx.block().getParameters().values(), Checkpoint.read(file).tensors(), file);
    }

    private static void setParams(List<Parameter> params, Map<String, WeightsFile.Tensor> tensors, Path file) {
        for (int i = 0; i < params.size(); i++) {
            var t = tensors.get("param." + i);
            if (t == null || t.data().length != params.get(i).getArray().size())
                throw new IllegalArgumentException(file + " does not fit this network (parameter " + i + ")");
            params.get(i).getArray().set(t.data());
        }
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
}
