package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A short real training run: the loss falls, the next call goes on from its checkpoint, and the exporter reads the result. */
class TrainTest {
    static Fer2013 data;

    @BeforeAll
    static void load() throws Exception {
        data = Faces.fer2013();
    }

    @Test
    void lossFallsCheckpointResumesAndWeightsExport(@TempDir Path work) throws Exception {
        var train = data.split(Split.TRAINING);
        var valid = data.split(Split.PUBLIC_TEST);
        var opts = Train.Options.parse("--work", work.toString(), "--epochs", "4", "--until", "3", "--batch", "32",
                "--patience", "10", "--limit", "1024", "--seed", "7");
        List<Train.Epoch> first = Train.run(opts, train, valid);
        assertEquals(3, first.size());
        assertTrue(first.get(2).loss() < first.get(0).loss(),
                "loss should fall: " + first.get(0).loss() + " -> " + first.get(2).loss());
        assertTrue(Files.size(work.resolve("best.weights")) > 200_000);
        assertTrue(Files.size(work.resolve(Checkpoint.FILE)) < 2_000_000, "a checkpoint small enough to commit");

        // The next call goes on after epoch 3 instead of starting over.
        var more = Train.Options.parse("--work", work.toString(), "--epochs", "4", "--batch", "32",
                "--patience", "10", "--limit", "1024", "--seed", "7");
        List<Train.Epoch> resumed = Train.run(more, train, valid);
        assertEquals(1, resumed.size());
        assertEquals(4, resumed.get(0).epoch());
        assertEquals(5, Files.readAllLines(work.resolve("history.tsv")).size(), "a header and one line an epoch");

        assertSoftmax(Export.miniXception(WeightsFile.read(work.resolve("best.weights"))), valid);

        // Weight averaging goes on from that checkpoint and writes its best average for the exporter.
        List<Double> averaged = Swa.run(Swa.Options.parse("--work", work.toString(), "--from", Checkpoint.FILE,
                "--epochs", "2", "--lr", "0.001", "--seed", "3"), train.subList(0, 1024), valid.subList(0, 256));
        assertEquals(2, averaged.size());
        for (double a : averaged) assertTrue(a > 1.0 / 7, "an average of trained weights beats chance: " + a);
        assertSoftmax(Export.miniXception(WeightsFile.read(work.resolve("swa.weights"))), valid);
    }

    private static void assertSoftmax(Graph g, List<Fer2013.Face> valid) {
        float[] scores = new Reference(g).run(Export.input(valid.get(0).pixels()));
        assertEquals(7, scores.length);
        float sum = 0;
        for (float s : scores) sum += s;
        assertEquals(1f, sum, 1e-4f);
    }

    @Test
    void targetsBlendLabelAndFerPlusVotesWithSmoothing() {
        var faces = data.split(Split.TRAINING).subList(0, 50);
        float[][] t = Train.targets(faces, 0.1f, 0.25f);
        for (int i = 0; i < faces.size(); i++) {
            float sum = 0;
            for (float v : t[i]) { sum += v; assertTrue(v >= 0.1f / 7 - 1e-6f); }
            assertEquals(1f, sum, 1e-5f);
            int best = 0;
            for (int c = 1; c < 7; c++) if (t[i][c] > t[i][best]) best = c;
            assertEquals(faces.get(i).label(), best, "the FER2013 label dominates the target");
        }
    }
}
