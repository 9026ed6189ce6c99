package io.moodbox.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Adam whose state is ours to save: DJL's built-in Adam keeps its moments where a checkpoint
 * cannot reach them. The same update as DJL's (L2 weight decay added to the gradient, then
 * bias-corrected moments, beta 0.9/0.999, epsilon 1e-8), done in Java on each parameter's
 * values after the backward pass; plain float arithmetic, so it repeats bit for bit. The
 * moments and the step count go into and come back from a {@link Checkpoint}.
 */
final class Adam {
    private static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-8f;

    private final List<Parameter> params;
    private final float weightDecay;
    private final float[][] m, v;
    private long steps;

    /** {@code params}: the trainer's parameters; those that take no gradient (batch-norm statistics) are left alone. */
    Adam(List<Parameter> params, float weightDecay) {
        this.params = params.stream().filter(Parameter::requiresGradient).toList();
        this.weightDecay = weightDecay;
        m = new float[this.params.size()][];
        v = new float[this.params.size()][];
        for (int i = 0; i < m.length; i++) {
            int n = Math.toIntExact(this.params.get(i).getArray().size());
            m[i] = new float[n];
            v[i] = new float[n];
        }
    }

    /** Steps taken so far: the position in the rate schedule. */
    long steps() { return steps; }

    /**
     * One update at rate {@code lr} from the gradients the last backward pass left; clears them.
     * A gradient that is not finite changes nothing, weights and moments alike, and throws
     * {@link NotFinite}: one NaN would spread to every weight within a step or two, and the
     * checkpoint written next would carry it.
     */
    void step(float lr) {
        float[][] g = new float[params.size()][];
        for (int p = 0; p < params.size(); p++) {
            try (NDArray grad = params.get(p).getArray().getGradient()) {
                g[p] = grad.toFloatArray();
                grad.subi(grad);
            }
        }
        for (int p = 0; p < params.size(); p++)
            for (float x : g[p])
                if (!Float.isFinite(x))
                    throw new NotFinite("the gradient of " + params.get(p).getName() + " " + params.get(p).getArray().getShape()
                            + " is " + x + " at step " + (steps + 1));
        steps++;
        double correction = Math.sqrt(1 - Math.pow(BETA2, steps)) / (1 - Math.pow(BETA1, steps));
        float rate = (float) (lr * correction);
        for (int p = 0; p < params.size(); p++) {
            NDArray w = params.get(p).getArray();
            float[] wv = w.toFloatArray();
            float[] gp = g[p], mp = m[p], vp = v[p];
            for (int i = 0; i < wv.length; i++) {
                float gi = gp[i] + weightDecay * wv[i];
                mp[i] = BETA1 * mp[i] + (1 - BETA1) * gi;
                vp[i] = BETA2 * vp[i] + (1 - BETA2) * gi * gi;
                wv[i] -= rate * mp[i] / ((float) Math.sqrt(vp[i]) + EPSILON);
            }
            w.set(wv);
        }
    }

    /** A loss or gradient that is NaN or infinite: the run stops before it reaches the weights. */
    static final class NotFinite extends IllegalStateException {
        NotFinite(String message) { super(message); }
    }

    /** Adds the moments to a checkpoint's tensors ({@code adam.m.N}, {@code adam.v.N}, in parameter order). */
    void save(Map<String, WeightsFile.Tensor> out) {
        for (int p = 0; p < params.size(); p++) {
            out.put("adam.m." + p, new WeightsFile.Tensor(new int[] {m[p].length}, m[p].clone()));
            out.put("adam.v." + p, new WeightsFile.Tensor(new int[] {v[p].length}, v[p].clone()));
        }
    }

    void restore(Map<String, WeightsFile.Tensor> in, long steps) {
        for (int p = 0; p < params.size(); p++) {
            copy(in.get("adam.m." + p), m[p], "adam.m." + p);
            copy(in.get("adam.v." + p), v[p], "adam.v." + p);
        }
        this.steps = steps;
    }

    private static void copy(WeightsFile.Tensor t, float[] into, String name) {
        if (t == null || t.data().length != into.length)
            throw new IllegalArgumentException("the checkpoint has no fitting " + name + ": a different network?");
        System.arraycopy(t.data(), 0, into, 0, into.length);
    }
}
