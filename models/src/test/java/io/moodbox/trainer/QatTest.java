package io.moodbox.trainer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Calibration;
import io.moodbox.tflite.Calibration.Quant;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.Reference;
import io.moodbox.tflite.TfliteRun;
import io.moodbox.tflite.TfliteWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Quantization-aware fine-tuning: its rounding is the int8 writer's, its simulated int8 network
 * follows the real interpreter's int8 model, its float path is the exporter's folded graph, and
 * a short run's loss falls.
 */
class QatTest {
    static Fer2013 data;

    @BeforeAll
    static void load() throws Exception {
        data = Faces.fer2013();
    }

    @Test
    void fakeQuantRoundsAsTheInt8ModelDoes() {
        var rnd = new SplittableRandom(3);
        var q = new Quant(0.037f, -17);
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 14 - 5);   // beyond the range too
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] got = Qat.QatNet.fakeQuant(m.create(v), q).toFloatArray();
            for (int i = 0; i < v.length; i++)
                assertEquals(q.dequantize(q.quantize(v[i])), got[i], 1e-5f, "value " + v[i]);

            // Per output channel, symmetric, max |w| at 127: a channel scaled by 3 rounds to the same steps.
            float[] w = new float[2 * 9];
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            float[] scaled = w.clone();
            for (int i = 9; i < 18; i++) scaled[i] *= 3;
            float[] a = Qat.QatNet.fakeQuantPerChannel(m.create(w, new Shape(2, 1, 3, 3))).toFloatArray();
            float[] b = Qat.QatNet.fakeQuantPerChannel(m.create(scaled, new Shape(2, 1, 3, 3))).toFloatArray();
            for (int c = 0; c < 2; c++) {
                float max = 0;
                for (int i = c * 9; i < c * 9 + 9; i++) max = Math.max(max, Math.abs(w[i]));
                for (int i = c * 9; i < c * 9 + 9; i++) {
                    assertEquals(Math.round(w[i] / (max / 127)) * (max / 127), a[i], 1e-5f);
                    assertEquals(c == 0 ? a[i] : 3 * a[i], b[i], 1e-5f);
                }
            }
        }
    }

    @Test
    void shortRunLossFallsAndItsRoundingIsTheInterpretersInt8(@TempDir Path work) throws Exception {
        List<Face> train = data.split(Split.TRAINING).subList(0, 512);
        List<Face> valid = data.split(Split.PUBLIC_TEST).subList(0, 32);
        // A briefly trained network (batch statistics of real faces), then two epochs of fine-tuning.
        Train.run(Train.Options.parse("--work", work.toString(), "--epochs", "1", "--batch", "32", "--limit", "512", "--seed", "7"),
                train, valid);
        var o = new Qat.Options(work.resolve("best.weights"), work.resolve("qat"), 2, 0.001f, 1f, 1f, 0.2f, 1f, 0.5f, false, 1.0,
                false, 3, 200);
        List<Qat.Figures> f = Qat.run(o, train, valid);
        assertEquals(3, f.size());
        assertTrue(f.get(2).loss() < f.get(1).loss(), "loss should fall: " + f.get(1).loss() + " -> " + f.get(2).loss());

        var weights = WeightsFile.read(work.resolve("qat-e2.weights"));
        Graph g = Export.miniXception(weights);
        Calibration cal = Export.calibrate(g, train, 200, Qat.CALIBRATION_SEED, Qat.PERCENTILE);
        int logits = id(g, "logits");
        float[][] reference = new float[valid.size()][];
        var ref = new Reference(g);
        for (int i = 0; i < valid.size(); i++) reference[i] = ref.runAll(Export.input(valid.get(i).pixels()))[logits];
        // The first residual module's output: conv, depthwise, pointwise, pool and add, each rounded. (Deeper
        // tensors drift: a one-step tie broken differently early on spreads, as rounding noise does.)
        String probe = "module1.add";
        int probeId = id(g, probe);
        Quant pq = cal.quantization()[probeId];
        g.output(probeId);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             var tflite = new TfliteRun(TfliteWriter.int8(g, cal, "qat test"))) {
            var mx = new MiniXception(Fer2013.CLASSES);
            var net = new Qat.QatNet(mx);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 48, 48));
            Qat.load(mx, weights);
            net.ranges = Qat.ranges(mx, train, 200);
            net.withFloat = true;
            net.probe = probe;
            double simLsb = 0, floatLsb = 0;
            int far = 0, n = 0;
            for (int i = 0; i < valid.size(); i++) {
                float[] x = new float[48 * 48];
                Augment.plain(valid.get(i).pixels(), x, 0);
                NDList out = net.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(1, 1, 48, 48))), false);
                float[] flt = out.get(1).toFloatArray();
                for (int c = 0; c < Fer2013.CLASSES; c++)   // the float path is the exporter's folded graph
                    assertEquals(reference[i][c], flt[c], 1e-4f * Math.max(1, Math.abs(reference[i][c])), "logit " + c + " of face " + i);
                float[] sim = net.probed.transpose(0, 2, 3, 1).toFloatArray();        // NCHW -> NHWC
                float[] real = net.probedFloat.transpose(0, 2, 3, 1).toFloatArray();
                byte[] in = new byte[48 * 48];
                for (int p = 0; p < in.length; p++) in[p] = (byte) ((valid.get(i).pixels()[p] & 0xFF) - 128);
                byte[] q = tflite.runInt8(in);
                assertEquals(sim.length, q.length);
                for (int k = 0; k < q.length; k++) {
                    double d = Math.abs(pq.dequantize(q[k]) - sim[k]) / pq.scale();
                    simLsb += d;
                    floatLsb += Math.abs(pq.dequantize(q[k]) - real[k]) / pq.scale();
                    if (d > 1.01) far++;
                    n++;
                }
            }
            simLsb /= n;
            floatLsb /= n;
            assertTrue(far <= n / 100, far + " of " + n + " simulated values more than 1 LSB from the interpreter's");
            assertTrue(simLsb < floatLsb / 4, "simulated " + simLsb + " LSB vs float " + floatLsb + " LSB from int8");
        }
    }

    private static int id(Graph g, String name) {
        return g.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().id();
    }
}
