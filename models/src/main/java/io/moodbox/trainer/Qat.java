package io.moodbox.trainer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Calibration;
import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Quantization-aware fine-tuning: goes on training trained weights with the int8 model's rounding
 * simulated in the forward pass, aiming for an int8 model and float twin that decide alike.
 *
 * <p>The network is run as the exporter writes it (without equalization): batch norm folded into
 * each convolution with its running statistics frozen, folded weights rounded per output channel
 * to symmetric int8, and every activation tensor of the int8 graph (each conv's output, each
 * residual add, the head, the averaged logits) rounded to int8 with the exporter's own
 * calibration of the current weights, refreshed after every epoch. Rounding passes gradients
 * straight through. The loss is soft-target cross-entropy on the rounded network, optionally plus:
 * the same on the float network ({@code --float-ce W}), a KL term pulling the float and rounded
 * outputs together ({@code --kl W}), a hinge asking both to prefer the float network's class by
 * {@code --margin M} logits ({@code --margin-weight W}), and targets blended with the starting
 * float network's scores ({@code --distill A}, 0..1). Each epoch prints PublicTest accuracy of the
 * float and the simulated int8 network and their argmax agreement, for the average of the epoch
 * ends ({@code --average true}; the live weights only at the last epoch) or the live weights; each
 * set is written as a weights file for {@code Export --equalize false}. Single-threaded training,
 * about 4-5 minutes an epoch on one core with the float path on.
 *
 * <p>Measured on the shipped weights (MODEL_CARD.md): it did not raise agreement; the simulation
 * predicts the interpreter's agreement to a few tenths of a point on most runs.
 *
 * <pre>
 * java ... io.moodbox.trainer.Qat --work models/work --from swa24.weights --out qat --epochs 2 --lr 0.00005
 *          [--kl 10 --float-ce 1 --margin 0.2 --margin-weight 1 --distill 1 --optimizer adam|sgd
 *           --fraction 0.5 --average true --seed 5 --threads 1 --calibration 2000]
 * </pre>
 */
public final class Qat {
    /** The exporter's calibration: Training faces, seed and percentile of {@code Export} without equalization. */
    static final int CALIBRATION_FACES = 2000, CALIBRATION_SEED = 7;
    static final double PERCENTILE = 99.999;

    /** One epoch's PublicTest figures of the simulated int8 and the float network. */
    record Figures(double loss, double floatAccuracy, double int8Accuracy, double agreement) {}

    /** Options of one run. */
    record Options(Path from, Path out, int epochs, float lr, float kl, float floatCe, float margin, float marginWeight,
                   float distill, boolean sgd, double fraction,
                   boolean average, long seed, int calibration) {}

    private Qat() {}

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args, "work", "from", "out", "epochs", "lr", "kl", "float-ce", "margin", "margin-weight",
                "distill", "optimizer", "fraction", "average", "seed", "threads", "calibration");
        Path work = a.path("work", "models/work");
        var o = new Options(work.resolve(a.text("from", "swa24.weights")),
                work.resolve(a.text("out", "qat")),
                a.integer("epochs", 3),
                a.decimal("lr", 0.0002f),
                a.decimal("kl", 0),
                a.decimal("float-ce", 0),
                a.decimal("margin", 0.2f),
                a.decimal("margin-weight", 0),
                a.decimal("distill", 0),
                a.choice("optimizer", "adam", "adam", "sgd") == 1,
                a.decimal("fraction", 1),
                a.flag("average", true),
                a.whole("seed", 5),
                a.integer("calibration", CALIBRATION_FACES));
        if (!Files.exists(o.from())) throw new IllegalArgumentException("no weights file " + o.from());
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(a.integer("threads", 1)));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        Fer2013 data = Fer2013.load();
        run(o, data.split(Split.TRAINING), data.split(Split.PUBLIC_TEST));
    }

    /**
     * Runs the fine-tuning; returns the figures before training (index 0) and after each epoch of
     * the live weights. Writes {@code out-eN.weights} (live) and {@code out-avgN.weights}
     * (average of epochs 1..N) next to {@code out}.
     */
    static List<Figures> run(Options o, List<Face> train, List<Face> valid) throws IOException {
        var mx = new MiniXception(Fer2013.CLASSES);
        var net = new QatNet(mx);
        var recipe = Train.Options.parse(new String[0]);
        var ce = Train.softTargetLoss();
        float lr = o.lr();
        // Adam's moments start at zero: ramp up over a few hundred steps, then hold the rate.
        Tracker schedule = n -> n < 200 ? lr * (n + 1) / 200 : lr;
        // Adam moves every weight by about the rate each step, whatever its gradient: a random walk off
        // the averaged optimum. SGD with momentum moves weights in proportion to their gradients.
        var config = o.sgd()
                ? new ai.djl.training.DefaultTrainingConfig(ce).optDevices(new ai.djl.Device[] {ai.djl.Device.cpu()})
                        .optOptimizer(ai.djl.training.optimizer.Optimizer.sgd().setLearningRateTracker(schedule)
                                .optMomentum(0.9f).optWeightDecays(recipe.weightDecay()).build())
                : Train.config(ce, schedule, recipe.weightDecay());
        var figures = new ArrayList<Figures>();
        try (Model model = Model.newInstance("minixception-qat", "PyTorch")) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, 48, 48));
                NDManager manager = trainer.getManager();
                var startWeights = WeightsFile.read(o.from());
                load(mx, startWeights);
                // The teacher: the starting weights' float network, frozen (its arrays are not the trainer's parameters).
                QatNet teacher = null;
                if (o.distill() > 0) {
                    var tmx = new MiniXception(Fer2013.CLASSES);
                    teacher = new QatNet(tmx);
                    teacher.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48));
                    load(tmx, startWeights);
                    teacher.floatOnly = true;
                }
                net.ranges = ranges(mx, train, o.calibration());
                Figures start = evaluate(net, manager, valid, Double.NaN);
                figures.add(start);
                print("start " + o.from().getFileName(), start);
                float[][] targets = Train.targets(train, recipe.smoothing(), recipe.ferPlusMix());
                List<Parameter> live = mx.block().getParameters().values();
                double[][] sum = new double[live.size()][];
                int[] snapshots = {0};
                Runnable snapshot = () -> {
                    for (int p = 0; p < live.size(); p++) {
                        float[] v = live.get(p).getArray().toFloatArray();
                        if (sum[p] == null) sum[p] = new double[v.length];
                        for (int i = 0; i < v.length; i++) sum[p][i] += v[i];
                    }
                    snapshots[0]++;
                };
                for (int epoch = 1; epoch <= o.epochs(); epoch++) {
                    long t0 = System.nanoTime();
                    double loss = epoch(trainer, net, teacher, ce, o, train, targets, new SplittableRandom(o.seed() * 1000 + epoch));
                    if (o.average()) snapshot.run();
                    long t1 = System.nanoTime();
                    net.ranges = ranges(mx, train, o.calibration());
                    long t2 = System.nanoTime();
                    // With averaging only the average is scored each epoch (scoring costs half a minute), the live weights at the end.
                    Figures f = o.average() && epoch < o.epochs() ? new Figures(loss, Double.NaN, Double.NaN, Double.NaN)
                            : evaluate(net, manager, valid, loss);
                    System.out.printf(Locale.ROOT, "  training %.0f s, calibration %.0f s, evaluation %.0f s%n",
                            (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
                    figures.add(f);
                    Train.writeWeights(mx, sibling(o.out(), "-e" + epoch + ".weights"));
                    print(String.format(Locale.ROOT, "epoch %d/%d (%.0f s)", epoch, o.epochs(), (System.nanoTime() - t0) / 1e9), f);
                    if (o.average()) {
                        // Batch norm is frozen, so the average needs no fresh statistics: only its own calibration.
                        float[][] keep = new float[live.size()][];
                        for (int p = 0; p < live.size(); p++) keep[p] = live.get(p).getArray().toFloatArray();
                        var liveRanges = net.ranges;
                        for (int p = 0; p < live.size(); p++) {
                            float[] v = new float[keep[p].length];
                            for (int i = 0; i < v.length; i++) v[i] = (float) (sum[p][i] / snapshots[0]);
                            live.get(p).getArray().set(v);
                        }
                        net.ranges = ranges(mx, train, o.calibration());
                        print("  average of " + snapshots[0] + " snapshots", evaluate(net, manager, valid, Double.NaN));
                        Train.writeWeights(mx, sibling(o.out(), "-avg" + epoch + ".weights"));
                        for (int p = 0; p < live.size(); p++) live.get(p).getArray().set(keep[p]);
                        net.ranges = liveRanges;
                    }
                }
            }
        }
        return figures;
    }

    private static Path sibling(Path out, String suffix) {
        return out.resolveSibling(out.getFileName() + suffix);
    }

    private static void print(String what, Figures f) {
        String loss = Double.isNaN(f.loss()) ? "" : String.format(Locale.ROOT, "  loss %.4f", f.loss());
        if (Double.isNaN(f.agreement())) { System.out.println(what + loss); return; }
        System.out.printf(Locale.ROOT, "%s%s  PublicTest float %.2f%%  int8 (simulated) %.2f%%  agreement %.2f%%%n",
                what, loss, f.floatAccuracy() * 100, f.int8Accuracy() * 100, f.agreement() * 100);
    }

    /** Loads a weights file (as {@link Train#writeWeights} writes it) into the network's arrays. */
    static void load(MiniXception mx, Map<String, WeightsFile.Tensor> w) {
        for (var layer : mx.layers())
            for (var p : layer.block().getParameters()) {
                String name = layer.name() + "." + p.getKey();
                WeightsFile.Tensor t = w.get(name);
                if (t == null || t.data().length != p.getValue().getArray().size())
                    throw new IllegalArgumentException("the weights file has no fitting " + name);
                p.getValue().getArray().set(t.data());
            }
    }

    /** The exporter's int8 quantization of every activation tensor for the network's current weights, by tensor name. */
    static Map<String, Quant> ranges(MiniXception mx, List<Face> train, int faces) {
        Graph g = Export.miniXception(Train.weights(mx));
        Calibration cal = Export.calibrate(g, train, faces, CALIBRATION_SEED, PERCENTILE);
        Quant[] q = cal.quantization();
        var byName = new HashMap<String, Quant>();
        for (Graph.Tensor t : g.tensors()) byName.put(t.name(), q[t.id()]);
        return byName;
    }

    /** One pass over a fraction of the shuffled, augmented training faces; returns the mean loss. */
    private static double epoch(Trainer trainer, QatNet net, QatNet teacher, SoftmaxCrossEntropyLoss ce, Options o, List<Face> train,
                                float[][] targets, SplittableRandom rnd) {
        int batch = 64;
        int steps = (int) Math.max(1, Math.round(train.size() / batch * o.fraction()));
        int[] order = Train.shuffled(train.size(), rnd);
        float[] x = new float[batch * 48 * 48];
        float[] y = new float[batch * Fer2013.CLASSES];
        double lossSum = 0;
        net.withFloat = o.kl() > 0 || o.floatCe() > 0 || o.marginWeight() > 0;
        var aug = Train.AUGMENT;
        var teacherStore = new ParameterStore(trainer.getManager(), false);
        for (int s = 0; s < steps; s++) {
            for (int b = 0; b < batch; b++) {
                int i = order[(s * batch + b) % order.length];
                aug.random(train.get(i).pixels(), x, b * 48 * 48, rnd);
                System.arraycopy(targets[i], 0, y, b * Fer2013.CLASSES, Fer2013.CLASSES);
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray xs = m.create(x, new Shape(batch, 1, 48, 48));
                NDArray target = m.create(y, new Shape(batch, Fer2013.CLASSES));
                if (teacher != null) {
                    // Distillation: the starting float network's scores on the same faces, blended into the targets.
                    NDArray t = teacher.forward(teacherStore, new NDList(xs), false).singletonOrThrow().softmax(1).stopGradient();
                    target = target.mul(1 - o.distill()).add(t.mul(o.distill()));
                }
                NDList labels = new NDList(target);
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(xs));
                    NDArray l = ce.evaluate(labels, new NDList(out.get(0)));
                    if (net.withFloat) {
                        if (o.floatCe() > 0) l = l.add(ce.evaluate(labels, new NDList(out.get(1))).mul(o.floatCe()));
                        if (o.kl() > 0) l = l.add(kl(out.get(1), out.get(0)).mul(o.kl()));
                        if (o.marginWeight() > 0) {
                            // Both networks should prefer the float network's class by a margin the rounding cannot undo.
                            NDArray top = out.get(1).stopGradient().argMax(1).oneHot(Fer2013.CLASSES);
                            l = l.add(margin(out.get(0), top, o.margin()).add(margin(out.get(1), top, o.margin()))
                                    .mul(o.marginWeight()));
                        }
                    }
                    float value = l.getFloat();
                    if (!Float.isFinite(value)) throw new IllegalStateException("loss " + value + " at step " + s
                            + ": int8 logits finite " + finite(out.get(0)) + ", float logits finite "
                            + (out.size() > 1 ? finite(out.get(1)) : "-") + ", weights finite " + finite(net));
                    gc.backward(l);
                    lossSum += value;
                }
                trainer.step();
            }
        }
        return lossSum / steps;
    }

    private static boolean finite(NDArray a) {
        for (float v : a.toFloatArray()) if (!Float.isFinite(v)) return false;
        return true;
    }

    private static boolean finite(QatNet net) {
        for (var p : net.getParameters()) if (!finite(p.getValue().getArray())) return false;
        return true;
    }

    /** Mean hinge max(0, m - (z[k] - max other z)) over the batch, k given one-hot. */
    static NDArray margin(NDArray z, NDArray oneHot, float m) {
        NDArray zk = z.mul(oneHot).sum(new int[] {1});
        NDArray other = z.sub(oneHot.mul(1e4f)).max(new int[] {1});
        return zk.sub(other).neg().add(m).maximum(0f).mean();
    }

    /** Mean KL(softmax(p) || softmax(q)) over the batch, from logits. */
    static NDArray kl(NDArray p, NDArray q) {
        NDArray lp = p.logSoftmax(1);
        return lp.exp().mul(lp.sub(q.logSoftmax(1))).sum(new int[] {1}).mean();
    }

    /** PublicTest accuracy of the float and the simulated int8 network (argmax of int8 softmax scores) and their agreement. */
    static Figures evaluate(QatNet net, NDManager manager, List<Face> faces, double loss) {
        boolean was = net.withFloat;
        net.withFloat = true;
        var store = new ParameterStore(manager, false);
        int n = 256, floatRight = 0, int8Right = 0, agree = 0;
        float[] x = new float[n * 48 * 48];
        for (int start = 0; start < faces.size(); start += n) {
            int b = Math.min(n, faces.size() - start);
            for (int i = 0; i < b; i++) Augment.plain(faces.get(start + i).pixels(), x, i * 48 * 48);
            try (NDManager m = manager.newSubManager()) {
                NDArray xs = m.create(x, new Shape(n, 1, 48, 48)).get("0:" + b);
                NDList out = net.forward(store, new NDList(xs), false);
                long[] q = QatNet.fakeQuant(out.get(0).softmax(1), Calibration.SOFTMAX).argMax(1).toLongArray();
                long[] f = out.get(1).argMax(1).toLongArray();
                for (int i = 0; i < b; i++) {
                    int label = faces.get(start + i).label();
                    if (q[i] == label) int8Right++;
                    if (f[i] == label) floatRight++;
                    if (q[i] == f[i]) agree++;
                }
            }
        }
        net.withFloat = was;
        double total = faces.size();
        return new Figures(loss, floatRight / total, int8Right / total, agree / total);
    }

    /**
     * Mini-Xception's folded inference graph over the parameters of a {@link MiniXception}: the
     * rounded (simulated int8) network first, then, if {@link #withFloat}, the float one.
     */
    static final class QatNet extends AbstractBlock {
        private static final Shape ONE = new Shape(1, 1), TWO = new Shape(2, 2), NONE = new Shape(0, 0);
        private final MiniXception mx;
        private final Map<String, Block> layers = new HashMap<>();
        /** Activation quantization by graph tensor name; replaced whole, read by the training thread. */
        Map<String, Quant> ranges = Map.of();
        boolean withFloat;
        /** Only the float network (a teacher). */
        boolean floatOnly;
        /** For tests: the graph tensor whose values (NCHW) the last pass leaves in probed / probedFloat. */
        String probe;
        NDArray probed, probedFloat;

        QatNet(MiniXception mx) {
            super((byte) 1);
            this.mx = mx;
            addChildBlock("net", mx.block());
            for (var l : mx.layers()) layers.put(l.name(), l.block());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            mx.block().initialize(manager, dataType, inputShapes);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            Shape s = mx.block().getOutputShapes(inputs)[0];
            return withFloat ? new Shape[] {s, s} : new Shape[] {s};
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            if (floatOnly) return new NDList(run(ps, x, training, false));
            NDList out = new NDList(run(ps, x, training, true));
            if (withFloat) out.add(run(ps, x, training, false));
            return out;
        }

        /** The folded network; with {@code q}, weights and activations rounded as the int8 model does. */
        private NDArray run(ParameterStore ps, NDArray x, boolean training, boolean q) {
            var f = new Forward(ps, x.getManager(), x.getDevice(), training, q);
            x = f.convBn("conv1", "conv1", x, 1, 0, true);
            x = f.convBn("conv2", "conv2", x, 1, 0, true);
            for (int m = 1; m <= MiniXception.MODULE_FILTERS.length; m++) {
                String p = "module" + m;
                NDArray y = f.depthwise(p + ".sep1.dw", x);
                y = f.convBn(p + ".sep1", p + ".sep1.pw", y, 1, 0, true);
                y = f.depthwise(p + ".sep2.dw", y);
                y = f.convBn(p + ".sep2", p + ".sep2.pw", y, 1, 0, false);
                // A max-pool keeps its input's quantization: no rounding of its own.
                y = Pool.maxPool2d(MiniXception.padSame(y), new Shape(3, 3), TWO, NONE, false);
                NDArray r = f.convBn(p + ".res", p + ".res", x, 2, 0, false);
                x = f.act(p + ".add", y.add(r));
            }
            NDArray w = f.param("head", "weight"), b = f.param("head", "bias");
            x = f.act("head", Conv2d.conv2d(x, f.weights(w), b, ONE, ONE, ONE, 1).singletonOrThrow());
            return f.act("logits", Pool.globalAvgPool2d(x));
        }

        /** One forward pass's parameter access and rounding. */
        private final class Forward {
            final ParameterStore ps;
            final NDManager manager;
            final ai.djl.Device device;
            final boolean training, q;

            Forward(ParameterStore ps, NDManager manager, ai.djl.Device device, boolean training, boolean q) {
                this.ps = ps;
                this.manager = manager;
                this.device = device;
                this.training = training;
                this.q = q;
            }

            NDArray param(String layer, String name) {
                for (var p : layers.get(layer).getParameters())
                    if (p.getKey().equals(name)) {
                        // Results live in the first operand's manager: a copy made in the batch's manager keeps the
                        // folded and rounded weights from piling up in the parameters' manager, step after step.
                        NDArray v = ps.getValue(p.getValue(), device, training);
                        return manager.zeros(v.getShape()).add(v);
                    }
                throw new IllegalStateException(layer + " has no parameter " + name);
            }

            /** Conv (weights at {@code conv}) with the batch norm at {@code bn}.bn folded in, as the exporter folds it. */
            NDArray convBn(String name, String conv, NDArray x, int stride, int pad, boolean relu) {
                NDArray w = param(conv, "weight");
                NDArray gamma = param(name + ".bn", "gamma"), beta = param(name + ".bn", "beta");
                NDArray mean = param(name + ".bn", "runningMean").stopGradient();
                NDArray var = param(name + ".bn", "runningVar").stopGradient();
                NDArray scale = gamma.div(var.add(MiniXception.BN_EPSILON).sqrt());
                NDArray folded = w.mul(scale.reshape(scale.getShape().get(0), 1, 1, 1));
                NDArray bias = beta.sub(mean.mul(scale));
                NDArray y = Conv2d.conv2d(x, weights(folded), bias, new Shape(stride, stride), new Shape(pad, pad), ONE, 1)
                        .singletonOrThrow();
                return act(name, relu ? y.maximum(0f) : y);
            }

            NDArray depthwise(String name, NDArray x) {
                NDArray w = param(name, "weight");
                int c = (int) w.getShape().get(0);
                return act(name, Conv2d.conv2d(x, weights(w), null, ONE, ONE, ONE, c).singletonOrThrow());
            }

            NDArray weights(NDArray w) { return q ? fakeQuantPerChannel(w) : w; }

            NDArray act(String tensor, NDArray x) {
                if (q) {
                    Quant quant = ranges.get(tensor);
                    if (quant == null) throw new IllegalStateException("no calibration for tensor " + tensor);
                    x = straightThrough(x, fakeQuant(x, quant));
                }
                if (tensor.equals(probe)) {
                    if (q) probed = x;
                    else probedFloat = x;
                }
                return x;
            }
        }

        /** int8 rounding of {@code x} at a per-tensor (scale, zero point), as real values. */
        static NDArray fakeQuant(NDArray x, Quant q) {
            return x.div(q.scale()).round().add(q.zeroPoint()).clip(-128, 127).sub(q.zeroPoint()).mul(q.scale());
        }

        /** Symmetric int8 rounding per output channel (axis 0), scale max|w| / 127, as the writer does. */
        static NDArray fakeQuantPerChannel(NDArray w) {
            long o = w.getShape().get(0);
            NDArray scale = w.stopGradient().abs().reshape(o, -1).max(new int[] {1}, true).reshape(o, 1, 1, 1)
                    .div(127f).maximum(1e-8f);
            return straightThrough(w, w.stopGradient().div(scale).round().clip(-127, 127).mul(scale));
        }

        /** Forward: the rounded value; backward: the gradient of {@code x} unchanged. */
        static NDArray straightThrough(NDArray x, NDArray rounded) {
            return x.add(rounded.sub(x).stopGradient());
        }
    }
}
