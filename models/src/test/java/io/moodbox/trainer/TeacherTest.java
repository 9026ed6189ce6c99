package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.Reference;
import io.moodbox.tflite.TfliteReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The distillation teacher runs the shipped float twin through the interpreter as the exporter's reference computes it. */
class TeacherTest {
    static final Path FLOAT = ReexportTest.FLOAT, INT8 = ReexportTest.INT8;

    @Test
    void scoresAreTheFloatTwinsSoftmaxForEachImageOfABatch() throws Exception {
        List<Face> faces = Faces.fer2013().split(Split.PUBLIC_TEST).subList(0, 5);
        float[] x = new float[faces.size() * 48 * 48];
        for (int i = 0; i < faces.size(); i++) Augment.plain(faces.get(i).pixels(), x, i * 48 * 48);
        Graph g = TfliteReader.read(FLOAT);
        var ref = new Reference(g);
        try (var teacher = new Teacher(List.of(FLOAT))) {
            float[] p = teacher.probabilities(x, faces.size());
            for (int i = 0; i < faces.size(); i++) {
                float[] one = new float[48 * 48];
                System.arraycopy(x, i * 48 * 48, one, 0, one.length);
                float[] want = ref.run(one);
                float sum = 0;
                for (int c = 0; c < 7; c++) {
                    assertEquals(want[c], p[i * 7 + c], 1e-4, "face " + i + " class " + c);
                    sum += p[i * 7 + c];
                }
                assertEquals(1, sum, 1e-4);
            }
            // A batch of another size is re-allocated, and gives the same scores.
            float[] first = teacher.probabilities(x, 1);
            for (int c = 0; c < 7; c++) assertEquals(p[c], first[c], 1e-6);
        }
    }

    @Test
    void anEnsembleAveragesAndBlendWeighsTheTargets() throws Exception {
        float[] x = new float[2 * 48 * 48];
        Augment.plain(Faces.fer2013().split(Split.TRAINING).get(0).pixels(), x, 0);
        Augment.plain(Faces.fer2013().split(Split.TRAINING).get(1).pixels(), x, 48 * 48);
        try (var one = new Teacher(List.of(FLOAT)); var two = new Teacher(List.of(FLOAT, FLOAT))) {
            float[] p = one.probabilities(x, 2), q = two.probabilities(x, 2);
            for (int i = 0; i < p.length; i++) assertEquals(p[i], q[i], 1e-6);
            float[] hard = new float[14];
            hard[3] = 1;
            hard[7 + 6] = 1;
            float[] kept = hard.clone(), taught = hard.clone(), half = hard.clone();
            one.blend(x, kept, 2, 0);
            one.blend(x, taught, 2, 1);
            one.blend(x, half, 2, 0.5f);
            for (int i = 0; i < 14; i++) {
                assertEquals(hard[i], kept[i], 1e-6);
                assertEquals(p[i], taught[i], 1e-6);
                assertEquals((hard[i] + p[i]) / 2, half[i], 1e-6);
            }
        }
    }

    @Test
    void withFlipEachImageIsReadAsItselfAndAsItsMirror() throws Exception {
        byte[] face = Faces.fer2013().split(Split.TRAINING).get(7).pixels();
        float[] x = new float[48 * 48], m = new float[48 * 48];
        Augment.plain(face, x, 0);
        Augment.flipped(face, m, 0);
        try (var plain = new Teacher(List.of(FLOAT)); var flip = new Teacher(List.of(FLOAT), true)) {
            float[] a = plain.probabilities(x, 1), b = plain.probabilities(m, 1), both = flip.probabilities(x, 1);
            for (int c = 0; c < 7; c++) assertEquals((a[c] + b[c]) / 2, both[c], 1e-5);
            assertNotEquals(a[0], both[0]);
        }
    }

    @Test
    void theInt8FileIsRefusedWithWhatToGive() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Teacher(List.of(INT8)));
        assertTrue(e.getMessage().contains("give the float twin"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Teacher(List.of()));
        e = assertThrows(IllegalArgumentException.class, () -> new Teacher(List.of(FLOAT, Path.of("no-such-model.tflite"))));
        assertTrue(e.getMessage().contains("no teacher model no-such-model.tflite"), e.getMessage());
    }
}
