package io.moodbox.tflite;

import java.util.Random;

/** Small graphs and inputs for the writer's tests, drawn from the caller's random source in a fixed order. */
final class TinyNets {
    private TinyNets() {}

    static float[] randn(Random rnd, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * std);
        return v;
    }

    /** Pixels as the int8 input holds them (multiples of 1/255). */
    static float[] image(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = Math.round(rnd.nextFloat() * 255) / 255f;
        return x;
    }

    /**
     * A miniature Mini-Xception on 16x16x1: every op it uses (conv, depthwise, max-pool, residual
     * add, head conv, mean, softmax); {@code pointwiseRelu} and {@code headStd} vary what the
     * tests need.
     */
    static Graph xception(Random rnd, boolean pointwiseRelu, double headStd) {
        Graph g = new Graph(16, 16, 1);
        int x = g.conv("conv1", g.input(), randn(rnd, 4 * 9, 0.5), 4, 3, 3, randn(rnd, 4, 0.1), 1, false, true);   // 14
        int y = g.depthwise("dw", x, randn(rnd, 9 * 4, 0.4), 3, 3, new float[4], 1, true, false);
        y = g.conv("pw", y, randn(rnd, 8 * 4, 0.5), 8, 1, 1, randn(rnd, 8, 0.1), 1, true, pointwiseRelu);
        y = g.maxPool("pool", y, 3, 2, true);                                                                    // 7
        int r = g.conv("res", x, randn(rnd, 8 * 4, 0.5), 8, 1, 1, randn(rnd, 8, 0.1), 2, false, false);          // 7
        x = g.add("add", y, r);
        x = g.conv("head", x, randn(rnd, 7 * 9 * 8, headStd), 7, 3, 3, randn(rnd, 7, 0.1), 1, true, false);
        g.softmax("scores", g.mean("logits", x));
        return g;
    }
}
