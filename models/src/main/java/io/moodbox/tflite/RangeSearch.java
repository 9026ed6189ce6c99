package io.moodbox.tflite;

import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses each activation tensor's int8 range on its own instead of one global percentile.
 * For every tensor an op writes (not the max-pools, which keep their input's quantization, nor
 * the softmax, fixed at 1/256), candidates come from the calibration sample: several percentiles
 * and the clipping that minimises that tensor's own quantization MSE. Greedy coordinate passes
 * then take the tensors in graph order and keep, for each, the candidate whose simulated int8
 * network ({@link QuantSim}) is closest to the float network on a held-out set of faces: by the
 * mean KL divergence of the softmax outputs, or by argmax disagreements (KL breaking ties).
 * Only a strict improvement replaces the current choice, so the search starts from and can only
 * improve on the calibration's own percentile ranges, as measured on the held-out faces.
 *
 * <p>Cost: per pass, each candidate runs the network from its tensor onwards on every face (the
 * simulated values before it are kept per face). Runs on the caller's thread.
 */
public final class RangeSearch {
    /** What "closest to the float network" means. */
    public enum Objective { KL, AGREEMENT }

    /** Simulated distance from the float network over the held-out faces. */
    public record Score(double meanKl, int disagreements, int faces) {
        public double agreement() { return 1 - disagreements / (double) faces; }

        boolean betterThan(Score o, Objective objective) {
            if (objective == Objective.AGREEMENT && disagreements != o.disagreements) return disagreements < o.disagreements;
            return meanKl < o.meanKl * (1 - 1e-9);
        }

        @Override public String toString() {
            return String.format(Locale.ROOT, "KL %.5f, agreement %.2f%%", meanKl, 100 * agreement());
        }
    }

    /** The chosen quantization (by tensor id), the held-out score before and after, and how many tensors changed. */
    public record Result(Quant[] quantization, Score start, Score end, int changed) {}

    /** Percentiles offered as candidates besides the MSE-optimal clipping (100: min/max of the sample). */
    static final double[] PERCENTILES = {100, 99.999, 99.99, 99.95, 99.9, 99.5};
    private static final int MSE_SAMPLE = 1 << 15;

    private RangeSearch() {}

    /**
     * Searches ranges for {@code g}. {@code cal} must have kept samples (a percentile below 100)
     * and its own ranges are the start; {@code faces} are float inputs not used for calibration.
     */
    public static Result search(Graph g, Calibration cal, List<float[]> faces, Objective objective, int passes, PrintStream log) {
        if (!cal.sampled()) throw new IllegalArgumentException("range search needs a percentile calibration (it keeps value samples)");
        if (faces.isEmpty()) throw new IllegalArgumentException("range search needs held-out faces");
        if (passes < 1) throw new IllegalArgumentException("passes must be at least 1, not " + passes);
        var sim = new QuantSim(g);
        List<Op> ops = g.ops;
        int logitsTensor = -1;
        for (Op op : ops) if (op instanceof Softmax s) logitsTensor = s.in();
        if (logitsTensor < 0 || g.output != ops.getLast().out()) throw new IllegalArgumentException("range search needs a graph ending in softmax");
        var ref = new Reference(g);
        float[][] target = new float[faces.size()][];
        for (int f = 0; f < target.length; f++) target[f] = ref.run(faces.get(f));
        var scorer = new Scorer(target, logitsTensor, g.output);

        Quant[] cur = cal.quantization();
        Quant[] startQ = cur.clone();
        Score start = score(sim, g.input, cur, faces, scorer), now = start;
        log.printf(Locale.ROOT, "range search on %d held-out faces, objective %s; start (calibration's ranges): %s%n",
                faces.size(), objective, start);
        for (int pass = 1; pass <= passes; pass++) {
            float[][][] state = new float[faces.size()][][];
            for (int f = 0; f < state.length; f++) {
                state[f] = new float[g.tensors.size()][];
                state[f][g.input] = faces.get(f);
            }
            int changedThisPass = 0;
            for (int k = 0; k < ops.size(); k++) {
                Op op = ops.get(k);
                if (searchable(op)) {
                    long t0 = System.nanoTime();
                    int t = op.out();
                    List<String> labels = new ArrayList<>();
                    List<Quant> cands = candidates(cal.sortedSample(t), labels);
                    int keep = cands.indexOf(cur[t]);
                    if (keep < 0) { cands.add(cur[t]); labels.add("current"); keep = cands.size() - 1; }
                    Quant[][] qs = new Quant[cands.size()][];
                    for (int c = 0; c < qs.length; c++) qs[c] = with(g, cur, t, cands.get(c));
                    Score[] scores = new Score[cands.size()];
                    double[] kl = new double[cands.size()];
                    int[] dis = new int[cands.size()];
                    for (int f = 0; f < faces.size(); f++)
                        for (int c = 0; c < qs.length; c++) {
                            float[][] v = sim.runFrom(k, state[f], qs[c]);
                            kl[c] += scorer.kl(f, v);
                            if (scorer.disagrees(f, v)) dis[c]++;
                        }
                    int best = keep;
                    for (int c = 0; c < scores.length; c++) scores[c] = new Score(kl[c] / faces.size(), dis[c], faces.size());
                    for (int c = 0; c < scores.length; c++) if (scores[c].betterThan(scores[best], objective)) best = c;
                    if (best != keep) {
                        cur = qs[best];
                        changedThisPass++;
                    }
                    now = scores[best];
                    log.printf(Locale.ROOT, "  pass %d %-16s %-9s [%9.4f, %9.4f] (was [%9.4f, %9.4f])  %s  (%d candidates, %.0f s)%n",
                            pass, g.tensor(t).name(), labels.get(best), lo(cur[t]), hi(cur[t]), lo(startQ[t]), hi(startQ[t]),
                            now, cands.size(), (System.nanoTime() - t0) / 1e9);
                }
                for (float[][] s : state) {
                    s[op.out()] = sim.run(k, s, cur);
                    for (int i = 0; i < s.length; i++) if (sim.lastUse[i] == k) s[i] = null;
                }
            }
            log.printf(Locale.ROOT, "pass %d: %d tensors changed, %s%n", pass, changedThisPass, now);
            if (changedThisPass == 0) break;
        }
        int changed = 0;
        for (int t = 0; t < cur.length; t++) if (!cur[t].equals(startQ[t])) changed++;
        Calibration.checkKernelConstraints(g, cur);
        return new Result(cur, start, now, changed);
    }

    private static float lo(Quant q) { return q.dequantize(-128); }

    private static float hi(Quant q) { return q.dequantize(127); }

    /** Tensors whose range is free: what convolutions, adds and the mean write. */
    static boolean searchable(Op op) {
        return !(op instanceof MaxPool) && !(op instanceof Softmax);
    }

    /** {@code q} with tensor {@code t} set to {@code n} and the max-pools reading it following. */
    static Quant[] with(Graph g, Quant[] q, int t, Quant n) {
        Quant[] r = q.clone();
        r[t] = n;
        for (Op op : g.ops) if (op instanceof MaxPool p) r[p.out()] = r[p.in()];
        return r;
    }

    /** The held-out score of a whole quantization. */
    static Score score(QuantSim sim, int input, Quant[] q, List<float[]> faces, Scorer scorer) {
        double kl = 0;
        int dis = 0;
        for (int f = 0; f < faces.size(); f++) {
            float[][] v = new float[q.length][];
            v[input] = faces.get(f);
            v = sim.runFrom(0, v, q);
            kl += scorer.kl(f, v);
            if (scorer.disagrees(f, v)) dis++;
        }
        return new Score(kl / faces.size(), dis, faces.size());
    }

    /**
     * Candidate ranges from one tensor's sorted value sample: the percentiles of {@link #PERCENTILES}
     * and the clipping of [min, max] by a factor in 0.2..1 with the least quantization MSE on the
     * sample. Duplicates dropped; {@code labels} gets each candidate's name.
     */
    static List<Quant> candidates(float[] sorted, List<String> labels) {
        int n = sorted.length;
        if (n == 0) throw new IllegalArgumentException("no calibration sample for a tensor");
        var out = new ArrayList<Quant>();
        for (double p : PERCENTILES) {
            int lo = (int) Math.floor((100 - p) / 100 * (n - 1)), hi = (int) Math.ceil(p / 100 * (n - 1));
            add(out, labels, Calibration.fromRange(sorted[lo], sorted[hi]), p == 100 ? "min/max" : "p" + p);
        }
        add(out, labels, mseOptimal(sorted), "mse");
        return out;
    }

    private static void add(List<Quant> out, List<String> labels, Quant q, String label) {
        if (out.contains(q)) return;
        out.add(q);
        labels.add(label);
    }

    /** The range alpha * [min, max], alpha in 0.2..1 by 0.01, with the least mean squared rounding error on the sample. */
    static Quant mseOptimal(float[] sorted) {
        int n = sorted.length, stride = Math.max(1, n / MSE_SAMPLE);
        // An even stride through the sorted sample keeps its distribution, tails included.
        float lo = sorted[0], hi = sorted[n - 1];
        Quant best = Calibration.fromRange(lo, hi);
        double bestErr = Double.MAX_VALUE;
        for (int a = 100; a >= 20; a--) {
            Quant q = Calibration.fromRange(lo * a / 100f, hi * a / 100f);
            double err = 0;
            for (int i = n - 1; i >= 0; i -= stride) {
                double d = sorted[i] - QuantSim.fq(sorted[i], q);
                err += d * d;
            }
            if (err < bestErr) { bestErr = err; best = q; }
        }
        return best;
    }

    /** KL and argmax against the float network's outputs. */
    static final class Scorer {
        private final float[][] target;
        private final int[] targetTop;
        private final int logits, output;

        Scorer(float[][] target, int logits, int output) {
            this.target = target;
            this.logits = logits;
            this.output = output;
            targetTop = new int[target.length];
            for (int f = 0; f < target.length; f++) targetTop[f] = argmax(target[f]);
        }

        /** KL(float || int8) of face {@code f}, the int8 side from its rounded logits (unrounded softmax, so no zero). */
        double kl(int f, float[][] v) {
            float[] p = target[f], q = Reference.softmax(v[logits]);
            double s = 0;
            for (int i = 0; i < p.length; i++) if (p[i] > 0) s += p[i] * (Math.log(p[i]) - Math.log(Math.max(q[i], 1e-30)));
            return s;
        }

        /** Whether the rounded softmax's top class (first of ties, as the evaluator takes it) differs from the float one. */
        boolean disagrees(int f, float[][] v) { return argmax(v[output]) != targetTop[f]; }
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
