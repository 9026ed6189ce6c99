package io.moodbox.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The running mean of the trained weights over averaging epochs (stochastic weight averaging),
 * and a network of its own (batch norm momentum 0.9) that gets the mean and fresh batch
 * statistics to be scored. The mean is kept in float, as a checkpoint stores it, so a resumed
 * run averages bit for bit what a straight one does.
 */
final class Averaged {
    final MiniXception net = new MiniXception(Fer2013.CLASSES, 0.9f);
    private final List<Parameter> live;
    private final float[][] mean;
    private boolean ready;

    /** {@code saved}: a checkpoint's tensors, whose {@code swa.N} entries are the mean so far (none: no snapshot yet). */
    Averaged(List<Parameter> live, Map<String, WeightsFile.Tensor> saved) {
        this.live = live;
        mean = new float[live.size()][];
        for (int i = 0; i < live.size(); i++) {
            var t = saved == null ? null : saved.get("swa." + i);
            if (t != null) mean[i] = t.data().clone();
        }
    }

    /** Starts the mean as an earlier average (a weights file), matched by layer and parameter name. */
    void join(Map<String, WeightsFile.Tensor> earlier) {
        var byParam = new IdentityHashMap<Parameter, String>();
        for (var layer : net.layers())
            for (var p : layer.block().getParameters()) byParam.put(p.getValue(), layer.name() + "." + p.getKey());
        List<Parameter> mine = net.block().getParameters().values();
        for (int i = 0; i < mine.size(); i++) {
            String name = byParam.get(mine.get(i));
            WeightsFile.Tensor t = earlier.get(name);
            if (t == null) throw new IllegalArgumentException("the joined average has no " + name);
            if (t.data().length != live.get(i).getArray().size())
                throw new IllegalArgumentException("the joined average does not fit parameter " + name);
            mean[i] = t.data().clone();
        }
    }

    /** Folds in the live weights as snapshot {@code n} (1-based): mean += (w - mean) / n. */
    void add(int n) {
        for (int i = 0; i < live.size(); i++) {
            float[] w = live.get(i).getArray().toFloatArray();
            if (n == 1 || mean[i] == null) { mean[i] = w; continue; }
            for (int j = 0; j < w.length; j++) mean[i][j] += (w[j] - mean[i][j]) / n;
        }
    }

    /**
     * Sets the average's network to the mean, re-estimates its batch statistics (from the mean of
     * the live ones) on Training faces (plain, or augmented with {@code aug}), returns its PublicTest accuracy.
     */
    double score(NDManager manager, List<Face> train, List<Face> valid, Augment aug, SplittableRandom rnd) {
        if (!ready) { net.block().initialize(manager, DataType.FLOAT32, new Shape(1, 1, 48, 48)); ready = true; }
        // Every array from the mean, batch statistics too: they are only the start of the re-estimate,
        // and a start kept in the checkpoint, so a resumed run scores alike.
        List<Parameter> p = net.block().getParameters().values();
        for (int i = 0; i < p.size(); i++) p.get(i).getArray().set(mean[i]);
        Swa.refreshBatchNorm(net, manager, train, aug, rnd);
        return Swa.accuracy(net, manager, valid);
    }

    void save(Map<String, WeightsFile.Tensor> out) {
        for (int i = 0; i < mean.length; i++)
            if (mean[i] != null) out.put("swa." + i, new WeightsFile.Tensor(new int[] {mean[i].length}, mean[i].clone()));
    }
}
