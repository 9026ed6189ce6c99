package io.moodbox.trainer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

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
 *          [--teacher A-f32.tflite,B-f32.tflite --distill 0.5 --teacher-flip true] [--until E] [--minutes M]
 * </pre>
 *
 * <p>With {@code --teacher}, the continuation is distilled: each batch's targets are blended with
 * the mean scores of the given float32 models on the same augmented images ({@link Teacher}).
 *
 * <p>A cycle resumes: after every epoch it writes its whole state beside the average
 * ({@code swa.ckpt} for {@code swa.weights}: live weights and batch statistics, Adam's moments and
 * step, the running mean, the figures so far) and the figures as {@code swa.tsv}. The same command
 * run again goes on after the last epoch written, bit for bit; one with another recipe is refused.
 * {@code --until E} or {@code --minutes M} stop it early, with its state written.
 */
public final class Swa {
    private static final int BN_BATCHES = 60, BN_BATCH = 256, RAMP = 300;

    private Swa() {}

    /** One averaging cycle's options; {@link #recipe} is what makes it this cycle, kept in its checkpoint. */
    record Options(Path work, Path from, Path out, int epochs, float lr, long seed, int threads, Path join, int joinCount,
                   boolean augmentedBn, List<Path> teachers, float distill, boolean teacherFlip, int until, double minutes) {
        static Options parse(String... args) {
            Args a = Args.parse(args, "work", "from", "out", "epochs", "lr", "threads", "seed", "join", "join-count", "bn",
                    "teacher", "distill", "teacher-flip", "until", "minutes");
            Path work = a.path("work", "models/work");
            Path join = a.has("join") ? work.resolve(a.text("join", null)) : null;
            int joinCount = a.integer("join-count", 0);
            if ((join == null) != (joinCount == 0)) throw new IllegalArgumentException("--join FILE needs --join-count N (its snapshots)");
            float distill = a.decimal("distill", a.has("teacher") ? 0.5f : 0);
            if (distill < 0 || distill > 1 || (distill > 0) != a.has("teacher"))
                throw new IllegalArgumentException("--distill is a weight from 0 to 1 and goes with --teacher FILE[,FILE...]");
            List<Path> teachers = a.has("teacher") ? Arrays.stream(a.text("teacher", null).split(",")).map(Path::of).toList() : List.of();
            String out = a.text("out", "swa.weights");
            if (!out.endsWith(".weights")) throw new IllegalArgumentException("--out names a .weights file, not " + out);
            var o = new Options(work, work.resolve(a.text("from", "last.params")), work.resolve(out), a.integer("epochs", 24),
                    a.decimal("lr", 0.0005f), a.whole("seed", 4242), a.integer("threads", 1), join, joinCount,
                    a.choice("bn", "plain", "plain", "augmented") == 1, teachers, distill, a.flag("teacher-flip", true),
                    a.integer("until", 0), a.decimal("minutes", 0));
            if (o.epochs() < 0 || o.lr() <= 0 || o.until() < 0 || o.minutes() < 0)
                throw new IllegalArgumentException("--epochs, --until and --minutes must not be negative, --lr must be positive");
            return o;
        }

        /** The checkpoint beside the average: {@code X.ckpt} for {@code X.weights}. */
        Path state() { return sibling(".ckpt"); }

        /** The figures, one line an epoch: {@code X.tsv}. */
        Path figures() { return sibling(".tsv"); }

        private Path sibling(String ext) {
            String name = out.getFileName().toString();
            return out.resolveSibling(name.substring(0, name.length() - ".weights".length()) + ext);
        }

        /** What a resume must match; teachers by name and content, so a changed file is caught too. */
        Map<String, String> recipe() throws IOException {
            var r = new LinkedHashMap<String, String>();
            r.put("from", from.toString());
            r.put("epochs", String.valueOf(epochs));
            r.put("lr", String.valueOf(lr));
            r.put("seed", String.valueOf(seed));
            r.put("bn", augmentedBn ? "augmented" : "plain");
            r.put("join", join == null ? "" : join.toString());
            r.put("join-count", String.valueOf(joinCount));
            r.put("teacher", teachers.stream().map(Path::toString).collect(Collectors.joining(",")));
            var crc = new CRC32();
            for (Path t : teachers) if (Files.isRegularFile(t)) crc.update(Files.readAllBytes(t));
            r.put("teacher-crc", teachers.isEmpty() ? "" : Long.toHexString(crc.getValue()));
            r.put("distill", String.valueOf(distill));
            r.put("teacher-flip", String.valueOf(teacherFlip));
            return r;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        if (!Files.exists(o.from()) && !Files.exists(o.state())) throw new IllegalArgumentException("no checkpoint " + o.from());
        for (Path t : o.teachers()) if (!Files.isRegularFile(t)) throw new IllegalArgumentException("no teacher model " + t);
        Fer2013 data = Fer2013.load();   // after the options: a mistake there fails at once
        try {
            run(o, data.split(Split.TRAINING), data.split(Split.PUBLIC_TEST));
        } catch (Adam.NotFinite e) {
            System.err.println(Train.stopped(e, o.from() + " is untouched, and " + o.state() + " holds the cycle as it was after"
                    + " the last epoch written; run the same command to resume from it."));
            System.exit(1);
        }
    }

    /**
     * Runs the cycle, or the rest of it when its checkpoint exists; returns the PublicTest accuracy
     * of the average after each epoch run by this call.
     */
    static List<Double> run(Options o, List<Face> train, List<Face> valid) throws IOException {
        Path file = o.state();
        Checkpoint saved = Files.exists(file) ? Checkpoint.read(file) : null;
        Properties state = saved != null ? saved.state() : new Properties();
        if (saved != null) Train.checkRecipe(file, state, o.recipe());
        else o.recipe().forEach((k, v) -> state.setProperty("recipe." + k, v));
        int start = Integer.parseInt(state.getProperty("epoch", "0"));
        double best = Double.parseDouble(state.getProperty("best", "0"));

        var mx = new MiniXception(Fer2013.CLASSES);
        // The training run's own recipe (targets, weight decay, augmentation), only the rate differs.
        var recipe = Train.Options.parse(new String[0]);
        var loss = Train.softTargetLoss();
        var config = new DefaultTrainingConfig(loss).optDevices(new Device[] {Device.cpu()});
        var scores = new ArrayList<Double>();
        try (Teacher teacher = o.teachers().isEmpty() ? null : new Teacher(o.teachers(), o.teacherFlip());
             Model model = Model.newInstance("minixception", "PyTorch")) {
            model.setBlock(mx.block());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 48, 48));
                NDManager manager = trainer.getManager();
                List<Parameter> params = mx.block().getParameters().values();
                var adam = new Adam(params, recipe.weightDecay());
                var avg = new Averaged(params, saved == null ? null : saved.tensors());
                if (teacher != null)
                    System.out.printf(Locale.ROOT, "distilling from %d teacher model(s)%s, weight %.2f: %s%n", teacher.size(),
                            o.teacherFlip() ? ", each face and its mirror" : "", o.distill(), o.teachers());
                if (saved != null) {
                    Train.restore(saved, file, params, adam);
                    System.out.printf(Locale.ROOT, "resuming %s after epoch %d of %d (best average so far: PublicTest %.2f%%)%n",
                            file, start, o.epochs(), best * 100);
                } else {
                    if (o.from().getFileName().toString().endsWith(".ckpt")) Train.loadCheckpoint(mx, o.from());
                    else Train.loadParams(mx, manager, o.from());
                    if (o.join() != null) avg.join(WeightsFile.read(o.join()));
                    System.out.printf(Locale.ROOT, "SWA from %s: PublicTest %.2f%%%n", o.from(), Train.accuracy(trainer, valid) * 100);
                }
                float[][] targets = Train.targets(train, recipe.smoothing(), recipe.ferPlusMix());
                var aug = Train.AUGMENT;
                Augment bnAug = o.augmentedBn() ? aug : null;
                if (o.epochs() == 0) {
                    // Only re-estimate the batch statistics, of the joined average or else the checkpoint.
                    if (o.join() == null) avg.add(1);
                    double acc = avg.score(manager, train, valid, bnAug, new SplittableRandom(o.seed()));
                    scores.add(acc);
                    Train.writeWeights(avg.net, o.out());
                    System.out.printf(Locale.ROOT, "batch statistics re-estimated: PublicTest %.2f%%%n", acc * 100);
                    return scores;
                }
                if (start >= o.epochs()) System.out.printf("the cycle in %s is complete: %d epochs%n", file, o.epochs());
                long began = System.nanoTime();
                // Adam's moments start at zero: ramp up over a few hundred steps, then hold the rate.
                java.util.function.LongFunction<Float> rate = n -> n < RAMP ? o.lr() * (n + 1) / RAMP : o.lr();
                for (int epoch = start + 1; epoch <= o.epochs(); epoch++) {
                    long t0 = System.nanoTime();
                    double[] lossAcc = Train.epoch(trainer, loss, train, targets, aug, 64, 0,
                            new SplittableRandom(o.seed() * 1000 + epoch), () -> adam.step(rate.apply(adam.steps())),
                            teacher, o.distill());
                    double liveAcc = Train.accuracy(trainer, valid);
                    int snapshots = o.joinCount() + epoch;
                    avg.add(snapshots);
                    double avgAcc = avg.score(manager, train, valid, bnAug, new SplittableRandom(o.seed() + epoch));
                    scores.add(avgAcc);
                    if (avgAcc > best) {
                        best = avgAcc;
                        state.setProperty("bestEpoch", String.valueOf(epoch));
                        Train.writeWeights(avg.net, o.out());
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    state.setProperty("epoch", String.valueOf(epoch));
                    state.setProperty("step", String.valueOf(adam.steps()));
                    state.setProperty("best", String.valueOf(best));
                    state.setProperty("figures." + epoch, String.format(Locale.ROOT, "%.2f\t%.2f\t%.4f\t%.2f",
                            liveAcc * 100, avgAcc * 100, lossAcc[0], lossAcc[1] * 100));
                    state.setProperty("seconds." + epoch, String.format(Locale.ROOT, "%.0f", seconds));
                    save(o, state, params, adam, avg);
                    System.out.printf(Locale.ROOT, "swa epoch %2d/%d  loss %.4f  train %.2f%%  live PublicTest %.2f%%  "
                                    + "average of %d: PublicTest %.2f%% (best %.2f%%)  %.0f s  [checkpoint]%n",
                            epoch, o.epochs(), lossAcc[0], lossAcc[1] * 100, liveAcc * 100, snapshots, avgAcc * 100, best * 100, seconds);
                    if ((o.until() > 0 && epoch >= o.until()) || (o.minutes() > 0 && (System.nanoTime() - began) / 60e9 >= o.minutes())) {
                        System.out.printf("stopped after epoch %d of %d; the same command goes on from here%n", epoch, o.epochs());
                        break;
                    }
                }
            }
        }
        return scores;
    }

    /** The checkpoint, then the figures as a table for people (the checkpoint holds the same). */
    private static void save(Options o, Properties state, List<Parameter> params, Adam adam, Averaged avg) throws IOException {
        Train.checkpoint(state, params, adam, avg).write(o.state());
        var lines = new StringBuilder("epoch\tlive_public\taverage_public\tloss\ttrain\tseconds\n");
        for (int e = 1; e <= Integer.parseInt(state.getProperty("epoch")); e++)
            lines.append(e).append('\t').append(state.getProperty("figures." + e))
                    .append('\t').append(state.getProperty("seconds." + e)).append('\n');
        Train.writeText(o.figures(), lines);
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
