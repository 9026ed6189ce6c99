package io.moodbox.tflite;

import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph.MaxPool;
import io.moodbox.tflite.Graph.Op;
import io.moodbox.tflite.Graph.Softmax;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-tensor range search: its ranges obey TFLite's kernel constraints and write a model the
 * real interpreter runs, an outlier seen only in calibration gets clipped where that lowers the
 * simulated error, and the simulation it ranks ranges with follows the interpreter's int8 output.
 */
class RangeSearchTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private final Random rnd = new Random(7);

    private float[] randn(int n, double std) {
        return TinyNets.randn(rnd, n, std);
    }

    private float[] image(int n) {
        return TinyNets.image(rnd, n);
    }

    /** Every op Mini-Xception uses: conv, depthwise, max-pool, residual add, head, mean, softmax. */
    private Graph tinyXception() {
        return TinyNets.xception(rnd, false, 0.3);
    }

    private Calibration calibrate(Graph g, List<float[]> inputs) {
        var cal = new Calibration(g, 99.999);
        var ref = new Reference(g);
        for (float[] x : inputs) cal.observe(ref.runAll(x));
        return cal;
    }

    private List<float[]> images(Graph g, int n) {
        var r = new ArrayList<float[]>();
        for (int i = 0; i < n; i++) r.add(image(g.tensor(g.input()).size()));
        return r;
    }

    @Test
    void searchedRangesKeepTheKernelConstraintsAndRunInTheInterpreter() {
        Graph g = tinyXception();
        var cal = calibrate(g, images(g, 64));
        var result = RangeSearch.search(g, cal, images(g, 48), RangeSearch.Objective.KL, 2, QUIET);
        Quant[] q = result.quantization();
        assertEquals(Calibration.INPUT, q[g.input()]);
        for (Op op : g.ops()) {
            if (op instanceof MaxPool p) assertEquals(q[p.in()], q[p.out()], "max-pool keeps its input's quantization");
            if (op instanceof Softmax) assertEquals(Calibration.SOFTMAX, q[op.out()]);
            assertTrue(q[op.out()].scale() > 0 && q[op.out()].zeroPoint() >= -128 && q[op.out()].zeroPoint() <= 127);
        }
        assertTrue(!result.end().betterThan(result.start(), RangeSearch.Objective.KL) || result.changed() > 0);
        assertTrue(result.end().meanKl() <= result.start().meanKl(), "the search never ends worse than it starts on its own faces");
        try (var tfl = new TfliteRun(TfliteWriter.int8(g, q, "test"))) {
            assertEquals(1f / 256f, tfl.out().params().scale(), 1e-9);
            byte[] out = tfl.runInt8(new byte[16 * 16]);
            assertEquals(7, out.length);
        }
        // The writer refuses ranges that break a constraint: a max-pool requantizing.
        Quant[] broken = q.clone();
        int pool = g.ops().stream().filter(o -> o instanceof MaxPool).findFirst().orElseThrow().out();
        broken[pool] = new Quant(q[pool].scale() * 2, q[pool].zeroPoint());
        assertThrows(IllegalArgumentException.class, () -> TfliteWriter.int8(g, broken, "test"));
    }

    @Test
    void anOutlierSeenOnlyInCalibrationIsClippedAndTheSimulatedErrorFalls() {
        // Faces are dim (pixels up to 0.1); one calibration image has a bright patch that a gain of 10 turns
        // into an outlier ten times the usual range. The 99.999th percentile keeps it; the held-out faces never reach it.
        Graph g = new Graph(6, 6, 1);
        int a = g.conv("gain", g.input(), new float[] {10f, 8f, -9f, 6f}, 4, 1, 1, new float[4], 1, false, false);
        int h = g.conv("head", a, randn(7 * 4, 1.0), 7, 1, 1, randn(7, 0.1), 1, false, false);
        g.softmax("scores", g.mean("logits", h));
        List<float[]> calibration = new ArrayList<>(), heldOut = new ArrayList<>();
        for (int i = 0; i < 64; i++) calibration.add(dim(36));
        java.util.Arrays.fill(calibration.get(9), 0, 6, 1f);
        for (int i = 0; i < 64; i++) heldOut.add(dim(36));
        var cal = calibrate(g, calibration);
        Quant start = cal.quantization()[a];
        assertTrue(start.dequantize(127) > 5, "the calibration's range should include the outlier: " + start);

        var result = RangeSearch.search(g, cal, heldOut, RangeSearch.Objective.KL, 1, QUIET);
        Quant chosen = result.quantization()[a];
        assertTrue(chosen.scale() < start.scale() / 2, "chosen " + chosen + " should clip the outlier of " + start);
        assertTrue(result.end().meanKl() < 0.7 * result.start().meanKl(),
                "simulated KL " + result.end().meanKl() + " vs " + result.start().meanKl() + " with the calibration's ranges");
    }

    private float[] dim(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextInt(26) / 255f;
        return x;
    }

    @Test
    void theSimulationFollowsTheInterpreterCloserThanTheFloatNetwork() {
        Graph g = tinyXception();
        var cal = calibrate(g, images(g, 64));
        Quant[] q = cal.quantization();
        var sim = new QuantSim(g);
        var ref = new Reference(g);
        double simErr = 0, floatErr = 0;
        int n = 0;
        try (var tfl = new TfliteRun(TfliteWriter.int8(g, q, "test"))) {
            for (int k = 0; k < 32; k++) {
                float[] x = image(256);
                byte[] qx = new byte[x.length];
                for (int i = 0; i < x.length; i++) qx[i] = Calibration.INPUT.quantize(x[i]);
                byte[] got = tfl.runInt8(qx);
                float[][] v = new float[g.tensors().size()][];
                v[g.input()] = x;
                float[] simOut = sim.runFrom(0, v, q)[g.output()];
                float[] floatOut = ref.run(x);
                for (int i = 0; i < got.length; i++, n++) {
                    float real = Calibration.SOFTMAX.dequantize(got[i]);
                    simErr += Math.abs(simOut[i] - real) * 256;
                    floatErr += Math.abs(floatOut[i] - real) * 256;
                }
            }
        }
        simErr /= n;
        floatErr /= n;
        System.out.printf("mean |int8 - x| in softmax steps: simulation %.3f, float %.3f%n", simErr, floatErr);
        assertTrue(simErr < 0.5 * floatErr, "simulation " + simErr + " steps from the interpreter, float " + floatErr);
    }

    @Test
    void candidatesIncludeTheCalibrationPercentileAndNarrowerOnes() {
        float[] sample = new float[100_000];
        for (int i = 0; i < sample.length; i++) sample[i] = (float) Math.abs(rnd.nextGaussian());
        sample[0] = 40;                                           // one far outlier
        java.util.Arrays.sort(sample);
        List<String> labels = new ArrayList<>();
        List<Quant> c = RangeSearch.candidates(sample, labels);
        assertEquals(c.size(), labels.size());
        assertEquals(c.size(), new java.util.HashSet<>(c).size(), "no duplicates");
        assertEquals(Calibration.fromRange(0, 40), c.get(labels.indexOf("min/max")));
        for (Quant q : c) assertTrue(q.dequantize(127) <= 40.2f && q.dequantize(-128) <= 0);
        assertTrue(c.stream().anyMatch(q -> q.dequantize(127) < 5), "a percentile candidate ignores the outlier: " + c);
    }
}
