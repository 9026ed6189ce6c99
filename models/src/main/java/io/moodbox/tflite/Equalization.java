package io.moodbox.tflite;

import io.moodbox.tflite.Graph.Add;
import io.moodbox.tflite.Graph.Conv;
import io.moodbox.tflite.Graph.Depthwise;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cross-layer range equalization (after Nagel et al., "Data-Free Quantization", 2019), driven by
 * activation ranges. int8 activations are quantized per tensor, so a channel whose values span a
 * tenth of the tensor's range keeps only about 5 of its 8 bits. Scaling channel c of a tensor by
 * 1/s[c] and undoing it in every op that reads the tensor leaves the float function unchanged
 * (ReLU, max-pool, add and zero padding commute with a positive per-channel scale).
 *
 * <p>Where the scale is undone costs differently: a producer (conv, depthwise) and a depthwise
 * consumer scale whole per-channel weight rows, which per-channel weight quantization absorbs for
 * free; a conv consumer scales input columns inside each output row, trading activation precision
 * against weight precision. So a tensor read only by depthwise convs is fully equalized, and one
 * read by a conv is balanced: s[c] = sqrt(range[c] / column[c]) leaves channel range and weight
 * column equal.
 *
 * <p>Tensors joined by max-pools and adds must share one scale; such a group is equalized only if
 * every tensor in it is made by a conv or depthwise (or by those joins) and read only by convs,
 * depthwise convs, max-pools and adds.
 */
public final class Equalization {
    private Equalization() {}

    /**
     * Rewrites the weights of {@code g} in place. {@code ranges[t][c]} is the largest |value| of
     * channel c of tensor t seen on calibration images (from {@link #channelRanges}).
     * Returns how many tensor groups were equalized.
     */
    public static int apply(Graph g, float[][] ranges) {
        int groups = 0;
        Set<Integer> done = new LinkedHashSet<>();
        for (Op op : List.copyOf(g.ops)) {
            int t = op.out();
            if (done.contains(t) || !(op instanceof Conv || op instanceof Depthwise)) continue;
            Set<Integer> group = group(g, t);
            done.addAll(group);
            if (equalize(g, group, ranges)) groups++;
        }
        return groups;
    }

    /** Per tensor, per channel (last axis), the largest |value| over the given runs of {@link Reference#runAll}. */
    public static float[][] channelRanges(Graph g, Iterable<float[][]> runs) {
        float[][] r = new float[g.tensors.size()][];
        for (float[][] v : runs) {
            for (int t = 0; t < v.length; t++) {
                int[] s = g.tensor(t).shape();
                int c = s[s.length - 1];
                if (r[t] == null) r[t] = new float[c];
                for (int i = 0; i < v[t].length; i++) r[t][i % c] = Math.max(r[t][i % c], Math.abs(v[t][i]));
            }
        }
        return r;
    }

    /** Tensors that must share a per-channel scale with {@code t}: closure over max-pool and add. */
    private static Set<Integer> group(Graph g, int t) {
        Set<Integer> seen = new LinkedHashSet<>();
        var todo = new ArrayDeque<Integer>();
        todo.add(t);
        while (!todo.isEmpty()) {
            int x = todo.poll();
            if (!seen.add(x)) continue;
            for (Op op : g.ops) {
                switch (op) {
                    case MaxPool p -> {
                        if (p.in() == x) todo.add(p.out());
                        if (p.out() == x) todo.add(p.in());
                    }
                    case Add a -> {
                        if (a.a() == x || a.b() == x || a.out() == x) {
                            todo.add(a.a());
                            todo.add(a.b());
                            todo.add(a.out());
                        }
                    }
                    default -> { }
                }
            }
        }
        return seen;
    }

    private static boolean equalize(Graph g, Set<Integer> group, float[][] ranges) {
        int channels = -1;
        var producers = new ArrayList<Integer>();   // op indices that make a member
        var readers = new ArrayList<Integer>();     // conv / depthwise op indices that read a member
        for (int t : group) {
            if (t == g.input || t == g.output) return false;
            int[] s = g.tensor(t).shape();
            if (channels < 0) channels = s[s.length - 1];
            if (s.length != 4 || s[3] != channels) return false;
        }
        for (int i = 0; i < g.ops.size(); i++) {
            Op op = g.ops.get(i);
            boolean makes = group.contains(op.out());
            switch (op) {
                case Conv c -> {
                    if (makes) producers.add(i);
                    if (group.contains(c.in())) readers.add(i);
                }
                case Depthwise d -> {
                    if (makes) producers.add(i);
                    if (group.contains(d.in())) readers.add(i);
                }
                case MaxPool p -> { }
                case Add a -> { }
                default -> {
                    // An op that cannot carry the scale (mean, softmax) touches the group.
                    for (int t : group) if (readsOrMakes(op, t)) return false;
                }
            }
        }
        if (producers.isEmpty() || readers.isEmpty()) return false;

        float[] range = new float[channels];
        for (int t : group) {
            if (ranges[t] == null) return false;
            for (int c = 0; c < channels; c++) range[c] = Math.max(range[c], ranges[t][c]);
        }
        float[] column = new float[channels];
        boolean mixing = false;
        for (int i : readers) {
            if (g.ops.get(i) instanceof Conv c) {
                mixing = true;
                for (int k = 0; k < c.weights().length; k++)
                    column[k % c.ic()] = Math.max(column[k % c.ic()], Math.abs(c.weights()[k]));
            }
        }
        float top = 0;
        for (float r : range) top = Math.max(top, r);
        if (top == 0) return false;
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            if (range[c] <= top * 1e-6f) { s[c] = 1; continue; }           // a dead channel: leave it
            s[c] = mixing ? (column[c] > 0 ? (float) Math.sqrt(range[c] / column[c]) : 1) : range[c] / top;
        }
        if (mixing) {
            // Only ratios matter; keep the largest activation range where it was.
            float m = 0;
            for (int c = 0; c < channels; c++) m = Math.max(m, range[c] / s[c]);
            for (int c = 0; c < channels; c++) s[c] *= m / top;
        }
        for (int i : producers) g.ops.set(i, scaleOut(g.ops.get(i), s));
        for (int i : readers) g.ops.set(i, scaleIn(g.ops.get(i), s));
        return true;
    }

    private static boolean readsOrMakes(Op op, int t) {
        if (op.out() == t) return true;
        return switch (op) {
            case Graph.Softmax x -> x.in() == t;
            case Graph.Mean m -> m.in() == t;
            default -> false;
        };
    }

    /** Output channel c divided by s[c]: weights and bias. */
    private static Op scaleOut(Op op, float[] s) {
        return switch (op) {
            case Conv c -> {
                float[] w = c.weights().clone(), b = c.bias().clone();
                int per = w.length / c.o();
                for (int o = 0; o < c.o(); o++) {
                    for (int k = 0; k < per; k++) w[o * per + k] /= s[o];
                    b[o] /= s[o];
                }
                yield new Conv(c.in(), c.out(), w, c.o(), c.kh(), c.kw(), c.ic(), b, c.stride(), c.same(), c.relu());
            }
            case Depthwise d -> {
                float[] w = d.weights().clone(), b = d.bias().clone();
                for (int k = 0; k < w.length; k++) w[k] /= s[k % d.c()];
                for (int c = 0; c < d.c(); c++) b[c] /= s[c];
                yield new Depthwise(d.in(), d.out(), w, d.kh(), d.kw(), d.c(), b, d.stride(), d.same(), d.relu());
            }
            default -> throw new IllegalStateException("cannot scale the output of " + op);
        };
    }

    /** Input channel c multiplied by s[c], so the op's output is unchanged. */
    private static Op scaleIn(Op op, float[] s) {
        return switch (op) {
            case Conv c -> {
                float[] w = c.weights().clone();
                for (int k = 0; k < w.length; k++) w[k] *= s[k % c.ic()];
                yield new Conv(c.in(), c.out(), w, c.o(), c.kh(), c.kw(), c.ic(), c.bias(), c.stride(), c.same(), c.relu());
            }
            case Depthwise d -> {
                float[] w = d.weights().clone();
                for (int k = 0; k < w.length; k++) w[k] *= s[k % d.c()];
                yield new Depthwise(d.in(), d.out(), w, d.kh(), d.kw(), d.c(), d.bias(), d.stride(), d.same(), d.relu());
            }
            default -> throw new IllegalStateException("cannot scale the input of " + op);
        };
    }
}
