package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.tflite.Graph;
import io.moodbox.tflite.TfliteReader;
import io.moodbox.tflite.TfliteWriter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The shipped float twin read back ({@link TfliteReader}) is the exporter's graph: written again it
 * is the same file, and re-quantized as {@code models/kit export} does it gives the shipped int8
 * model byte for byte, so the int8 file can be rebuilt from what the repository holds.
 */
class ReexportTest {
    static final Path FLOAT = Path.of("emotion-minixception-float32.tflite");
    static final Path INT8 = Path.of("emotion-minixception-int8.tflite");

    @Test
    void floatTwinRoundTripsByteForByte() throws Exception {
        byte[] shipped = Files.readAllBytes(FLOAT);
        Graph g = TfliteReader.read(shipped);
        assertEquals(48, g.tensor(g.input()).shape()[1]);
        assertEquals(7, g.tensor(g.output()).size());
        assertArrayEquals(shipped, TfliteWriter.float32(g, Export.ABOUT + "; float32"));
    }

    @Test
    void requantizedTwinIsTheShippedInt8Model() throws Exception {
        Graph g = TfliteReader.read(FLOAT);
        var cal = Export.prepare(g, Faces.fer2013().split(Split.TRAINING), 2000, 99.999, true, Export.ADAPTIVE_ROUNDING);
        byte[] rebuilt = TfliteWriter.int8(g, cal, Export.ABOUT + "; int8");
        byte[] shipped = Files.readAllBytes(INT8);
        assertEquals(shipped.length, rebuilt.length);
        assertTrue(Arrays.equals(shipped, rebuilt), "re-export differs from the shipped int8 model");
    }

    @Test
    void noWeightScaleOfTheShippedModelIsSubnormal() throws Exception {
        // A subnormal scale made the interpreter run the whole file a third slower (MODEL_CARD.md).
        var m = org.tensorflow.lite.schema.Model.getRootAsModel(java.nio.ByteBuffer.wrap(Files.readAllBytes(INT8)));
        var g = m.subgraphs(0);
        int checked = 0;
        for (int t = 0; t < g.tensorsLength(); t++) {
            var q = g.tensors(t).quantization();
            if (q == null || !g.tensors(t).name().endsWith("/weights")) continue;
            for (int c = 0; c < q.scaleLength(); c++, checked++)
                assertTrue(q.scale(c) >= TfliteWriter.MIN_WEIGHT_SCALE, g.tensors(t).name() + " channel " + c + " scale " + q.scale(c));
        }
        assertTrue(checked > 500, "weight scales checked: " + checked);
    }

    @Test
    void refusesWhatTheExporterDidNotWrite() throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> TfliteReader.read(INT8));
        assertTrue(e.getMessage().contains("float32 twin"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TfliteReader.read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        assertTrue(e.getMessage().contains("not a TFLite flatbuffer"), e.getMessage());
    }
}
