package io.moodbox.trainer;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stochastic weight averaging (Izmailov et al. 2018): from a trained checkpoint, goes on training
 * at a constant rate and averages the weights seen at the end of each epoch, then re-estimates
 * the batch-norm statistics of the average. Each epoch prints PublicTest for the live weights
 * and for the running average; the average that scored best on PublicTest is written as
 * {@code swa.weights} in the work folder, for the exporter. With {@code --epochs 0} it only
 * re-estimates the batch statistics of the checkpoint (or of the {@code --join}ed average), on
 * plain faces ({@code --bn plain}, the default) or augmented ones ({@code --bn augmented}).
 *
 * <pre>
 * java ... io.moodbox.trainer.Swa --work models/work --from last.params --epochs 24 --lr 0.0005 [--out swa.weights]
 *     (--from may also be a training run's checkpoint.ckpt: its weights are the start)
 *          [--seed 4242] [--bn plain|augmented] [--join EARLIER.weights --join-count N]
 *          [--teacher A-f32.tflite,B-f32.tflite --distill 0.5 --teacher-flip true]
 * </pre>
 *
 * <p>With {@code --teacher}, the continuation is distilled: each batch's targets are blended with
 * the mean scores of the given float32 models on the same augmented images ({@link Teacher}).
 */
public final class Swa {
    private static final int BN_BATCHES = 60, BN_BATCH = 256;

    private Swa() {}

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "work", "from", "out", "epochs", "lr", "threads", "seed", "join", "join-count", "bn",
                "teacher", "distill", "teacher-flip");
        Path work = a.path("work", "models/work");
        Path from = work.resolve(a.text("from", "last.params"));
        int epochs = a.integer("epochs", 24);
        float lr = a.decimal("lr", 0.0005f);
        int threads = a.integer("threads", 1);
        long seed = a.whole("seed", 4242);
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        if (!Files.exists(from)) throw new IllegalArgumentException("no checkpoint " + from);
        Path join = a.has("join") ? work.resolve(a.text("join", null)) : null;
        int joinCount = a.integer("join-count", 0);
        if ((join == null) != (joinCount == 0)) throw new IllegalArgumentException("--join FILE needs --join-count N (its snapshots)");
        boolean augmentedBn = a.choice("bn", "plain", "plain", "augmented") == 1;
        float distill = a.decimal("distill", a.has("teacher") ? 0.5f : 0);
        if (distill < 0 || distill > 1 || (distill > 0) != a.has("teacher"))
            throw new IllegalArgumentException("--distill is a weight from 0 to 1 and goes with --teacher FILE[,FILE...]");
        List<Path> teachers = a.has("teacher")
                ? java.util.Arrays.stream(a.text("teacher", null).split(",")).map(Path::of).toList() : List.of();
        boolean teacherFlip = a.flag("teacher-flip", true);
        try (Teacher teacher = teachers.isEmpty() ? null : new Teacher(teachers, teacherFlip)) {
            if (teacher != null)
                System.out.printf(Locale.ROOT, "distilling from %d teacher model(s)%s, weight %.2f: %s%n", teacher.size(),
                        teacherFlip ? ", each face and its mirror" : "", distill, teachers);
            Fer2013 data = Fer2013.load();   // after the options and teachers: a mistake there fails at once
            Path out = work.resolve(a.text("out", "swa.weights"));
            try {
                run(from, out, epochs, lr, seed, join, joinCount, augmentedBn,
                        data.split(Split.TRAINING), data.split(Split.PUBLIC_TEST), teacher, distill);
            } catch (Adam.NotFinite e) {
                System.err.println(Train.stopped(e, from + " is untouched; " + out
                        + " holds the best average written before it, if any (its figures are in the lines above)."));
                System.exit(1);
            }
        }
    }

    /** Returns the PublicTest accuracy of the averaged weights after each epoch. */
    static List<Double> run(Path from, Path out, int epochs, float lr, long seed, List<Face> train, List<Face> valid)
            throws IOException {
        return run(from, out, epochs, lr, seed, null, 0, false, train, valid, null, 0);
    }

    /**
     * With {@code join}, the average starts as that earlier average (a weights file) counted as
     * {@code joinCount} snapshots, so a second run from the same start extends the first.
     */
    static List<Double> run(Path from, Path out, int epochs, float lr, long seed, Path join, int joinCount,
                            boolean augmentedBn, List<Face> train, List<Face> valid, Teacher teacher, float distill)
            throws IOException {
        var mx = new MiniXception(Fer2013.CLASSES);
        // The training run's own recipe (targets, weight decay, augmentation), only the rate differs.
        var recipe = Train.Options.parse(new String[0]);
        var loss = Train.softTargetLoss();
        // Adam's moments start at zero: ramp up over a few hundred steps, then hold the rate.
        Tracker schedule = n -> n < 300 ? lr * (n + 1) / 300 : lr;
        var config = Train.config(loss, schedule, recipe.weightDecay());
        var scores = new ArrayList<Double>();
        try (Model model = Model.newInstance("minixception", "PyTorch")) {
            model.setBlock(mx.block());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 48, 48));
                NDManager manager = trainer.getManager();
                if (from.getFileName().toString().endsWith(".ckpt")) Train.loadCheckpoint(mx, from);
                else Train.loadParams(mx, manager, from);
                System.out.printf(Locale.ROOT, "SWA from %s: PublicTest %.2f%%%n", from, Train.accuracy(trainer, valid) * 100);
                var avg = new MiniXception(Fer2013.CLASSES, 0.9f);
                avg.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
                List<Parameter> live = mx.block().getParameters().values();
                List<Parameter> mean = avg.block().getParameters().values();
                double[][] sum = new double[live.size()][];
                if (join != null) joinAverage(avg, WeightsFile.read(join), joinCount, mean, sum);
                float[][] targets = Train.targets(train, recipe.smoothing(), recipe.ferPlusMix());
                var aug = Train.AUGMENT;
                double best = 0;
                if (epochs == 0) {
                    // Only re-estimate the batch statistics, of the joined average or else the checkpoint.
                    if (join == null) accumulate(live, sum);
                    double acc = average(sum, join == null ? 1 : joinCount, mean, avg, manager, train, valid,
                            augmentedBn ? aug : null, new SplittableRandom(seed));
                    scores.add(acc);
                    Train.writeWeights(avg, out);
                    System.out.printf(Locale.ROOT, "batch statistics re-estimated: PublicTest %.2f%%%n", acc * 100);
                }
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long t0 = System.nanoTime();
                    double[] lossAcc = Train.epoch(trainer, loss, train, targets, aug, 64, 0,
                            new SplittableRandom(seed * 1000 + epoch), trainer::step, teacher, distill);
                    double liveAcc = Train.accuracy(trainer, valid);
                    accumulate(live, sum);
                    double avgAcc = average(sum, joinCount + epoch, mean, avg, manager, train, valid,
                            augmentedBn ? aug : null, new SplittableRandom(seed + epoch));
                    scores.add(avgAcc);
                    if (avgAcc > best) {
                        best = avgAcc;
                        Train.writeWeights(avg, out);
                    }
                    System.out.printf(Locale.ROOT, "swa epoch %2d/%d  loss %.4f  train %.2f%%  live PublicTest %.2f%%  "
                                    + "average of %d: PublicTest %.2f%% (best %.2f%%)  %.0f s%n",
                            epoch, epochs, lossAcc[0], lossAcc[1] * 100, liveAcc * 100, joinCount + epoch, avgAcc * 100, best * 100,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        return scores;
    }

    /** Seeds the running sum with an earlier average, parameter by parameter in the weights file's names. */
    private static void joinAverage(MiniXception avg, Map<String, WeightsFile.Tensor> earlier, int count,
                                    List<Parameter> mean, double[][] sum) {
        var byName = new LinkedHashMap<Parameter, float[]>();
        for (var layer : avg.layers())
            for (var p : layer.block().getParameters()) {
                String name = layer.name() + "." + p.getKey();
                WeightsFile.Tensor t = earlier.get(name);
                if (t == null) throw new IllegalArgumentException("the joined average has no " + name);
                byName.put(p.getValue(), t.data());
            }
        for (int p = 0; p < mean.size(); p++) {
            float[] v = byName.get(mean.get(p));
            if (v == null || v.length != mean.get(p).getArray().size())
                throw new IllegalArgumentException("the joined average does not fit parameter " + mean.get(p).getName());
            sum[p] = new double[v.length];
            for (int i = 0; i < v.length; i++) sum[p][i] = (double) v[i] * count;
        }
    }

    private static void accumulate(List<Parameter> live, double[][] sum) {
        for (int p = 0; p < live.size(); p++) {
            float[] v = live.get(p).getArray().toFloatArray();
            if (sum[p] == null) sum[p] = new double[v.length];
            for (int i = 0; i < v.length; i++) sum[p][i] += v[i];
        }
    }

    /** Sets {@code avg} to the mean of {@code count} snapshots, re-estimates its batch statistics, scores it. */
    private static double average(double[][] sum, int count, List<Parameter> mean, MiniXception avg, NDManager manager,
                                  List<Face> train, List<Face> valid, Augment aug, SplittableRandom rnd) {
        for (int p = 0; p < mean.size(); p++) {
            float[] v = new float[sum[p].length];
            for (int i = 0; i < v.length; i++) v[i] = (float) (sum[p][i] / count);
            mean.get(p).getArray().set(v);
        }
        refreshBatchNorm(avg, manager, train, aug, rnd);
        return accuracy(avg, manager, valid);
    }

    /**
     * Averaged weights need their own batch statistics: training-mode passes over Training faces,
     * augmented as in training ({@code aug}) or plain (null). Augmented statistics suit the box,
     * whose faces are re-cropped and resampled; plain ones suit FER's own crops.
     */
    static void refreshBatchNorm(MiniXception net, NDManager manager, List<Face> train, Augment aug,
                                         SplittableRandom rnd) {
        var store = new ParameterStore(manager, false);
        float[] x = new float[BN_BATCH * 48 * 48];
        int batches = Math.max(4, Math.min(BN_BATCHES, train.size() / BN_BATCH));
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < BN_BATCH; i++) {
                byte[] face = train.get(rnd.nextInt(train.size())).pixels();
                if (aug == null) Augment.plain(face, x, i * 48 * 48);
                else aug.random(face, x, i * 48 * 48, rnd);
            }
            try (NDManager m = manager.newSubManager()) {
                net.block().forward(store, new NDList(m.create(x, new Shape(BN_BATCH, 1, 48, 48))), true);
            }
        }
    }

    static double accuracy(MiniXception net, NDManager manager, List<Face> faces) {
        var store = new ParameterStore(manager, false);
        return Train.accuracy(manager, faces, x -> net.block().forward(store, new NDList(x), false).singletonOrThrow());
    }
}
