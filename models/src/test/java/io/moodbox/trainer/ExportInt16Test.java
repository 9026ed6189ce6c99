package io.moodbox.trainer;

import io.moodbox.tflite.Calibration;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.Reference;
import io.moodbox.tflite.TfliteWriter;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --int16}'s choice of ops, and the int16 quantization Export hands the writer. */
class ExportInt16Test {
    private final Random rnd = new Random(3);

    private float[] randn(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * 0.3);
        return v;
    }

    /** conv1, module1.{dw, pw, pool, res, add}, head, logits, scores: Mini-Xception's names in small. */
    private Graph graph() {
        Graph g = new Graph(8, 8, 1);
        int x = g.conv("conv1", g.input(), randn(4 * 9), 4, 3, 3, randn(4), 1, false, true);
        int y = g.depthwise("module1.dw", x, randn(9 * 4), 3, 3, new float[4], 1, true, false);
        y = g.conv("module1.pw", y, randn(8 * 4), 8, 1, 1, randn(8), 1, true, false);
        y = g.maxPool("module1.pool", y, 3, 2, true);
        int r = g.conv("module1.res", x, randn(8 * 4), 8, 1, 1, randn(8), 2, false, false);
        x = g.add("module1.add", y, r);
        x = g.conv("head", x, randn(7 * 9 * 8), 7, 3, 3, randn(7), 1, true, false);
        g.softmax("scores", g.mean("logits", x));
        return g;
    }

    @Test
    void choosesAllFromANameOnOrTheNamesListed() {
        Graph g = graph();
        assertArrayEquals(new boolean[] {true, true, true, true, true, true, true, true, true}, Export.wideOps(g, "all"));
        assertArrayEquals(new boolean[] {false, true, true, true, true, true, true, true, true}, Export.wideOps(g, "module1+"));
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, true, true, true}, Export.wideOps(g, "head+"));
        assertArrayEquals(new boolean[] {true, false, false, false, false, false, true, false, false}, Export.wideOps(g, "conv1,head"));
        var e = assertThrows(IllegalArgumentException.class, () -> Export.wideOps(g, "module9+"));
        assertTrue(e.getMessage().contains("module1.dw"), "the message lists the names: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Export.wideOps(g, "conv1,,head"));
    }

    @Test
    void aMaxPoolReadingInt8ReadsItOnThatRangesGridAndTheModelRuns() {
        Graph g = graph();
        var cal = new Calibration(g, 100);
        var ref = new Reference(g);
        for (int i = 0; i < 32; i++) {
            float[] x = new float[64];
            for (int k = 0; k < x.length; k++) x[k] = rnd.nextFloat();
            cal.observe(ref.runAll(x));
        }
        // Only the pool on: its int8 input is read on the int16 grid covering its int8 range.
        boolean[] ops = Export.wideOps(g, "module1.pool,module1.add,head,logits,scores");
        Calibration.Quant[] w = Export.wide(g, cal, ops), q8 = cal.quantization();
        var pool = (Graph.MaxPool) g.ops().get(3);
        assertNull(w[pool.in()]);
        assertEquals(TfliteWriter.int16Of(q8[pool.in()]), w[pool.out()]);
        assertEquals(0, w[pool.out()].zeroPoint());
        assertEquals(TfliteWriter.SOFTMAX16, w[g.output()]);
        try (var tfl = new io.moodbox.tflite.TfliteRun(TfliteWriter.int16x8(g, q8, w, TfliteWriter.WideOutput.INT8, "t"))) {
            byte[] in = new byte[64];
            rnd.nextBytes(in);
            byte[] scores = tfl.runInt8(in);
            double sum = 0;
            for (byte b : scores) sum += Calibration.SOFTMAX.dequantize(b);
            assertEquals(1.0, sum, 7.0 / 256, "int8 scores of the mixed model should sum to 1");
        }
    }
}
