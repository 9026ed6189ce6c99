package io.moodbox.vision;

import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.detector.SsdModel;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Temporary proof for the move of the SSD's conversion into the models kit: the models the old
 * in-memory build wrote (dumped to files from the old code, SSD_OLD=DIR) and the ones the kit's
 * converter writes give bit-identical outputs, so identical boxes and scores, on real photos and
 * generated scenes.
 */
class SsdConversionIdentityTest {

    @Test
    void convertedModelsComputeWhatTheOldBuildComputed() throws Exception {
        String dir = System.getenv("SSD_OLD");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "needs SSD_OLD=DIR with the old build's models");
        var frames = new ArrayList<Frame>();
        var gen = Scenes.generator(SceneGenerator.Options.defaults(61));
        for (int s = 0; s < 20; s++) frames.add(gen.scene(s * gen.framesPerSegment()).frame());
        var empty = Scenes.generator(SceneGenerator.Options.defaults(62).withFaces(0, 0));
        for (int s = 0; s < 5; s++) frames.add(empty.scene(s * empty.framesPerSegment()).frame());
        int real = 0;
        for (var image : RealFaces.read()) {
            if (real >= 40) break;
            if (!Files.isRegularFile(image.file())) continue;
            try (Mat bgr = RealFaces.load(image)) {
                frames.add(RealFaces.place(bgr, 640, 480, true, real).frame());
                real++;
            }
        }
        var weights = SsdModels.weights();
        byte[] newInt8 = Files.readAllBytes(Path.of("target/classes/io/moodbox/vision", SsdFaceDetector.INT8));
        byte[] newFloat = Files.readAllBytes(Path.of("target/classes/io/moodbox/vision", SsdFaceDetector.FLOAT32));
        record Pair(String what, byte[] old, byte[] now, int height) {}
        var pairs = List.of(
                new Pair("int8 512x384", Files.readAllBytes(Path.of(dir, "old-int8-384.tflite")), newInt8, 384),
                new Pair("float32 512x384", Files.readAllBytes(Path.of(dir, "old-float32-384.tflite")), newFloat, 384),
                new Pair("float32 512x512", Files.readAllBytes(Path.of(dir, "old-float32-512.tflite")), SsdModel.float32(weights, 512), 512));
        for (var p : pairs) {
            long values = 0, boxes = 0;
            try (var a = SsdModels.detector(weights, p.old(), SsdFaceDetector.MIN_SCORE, p.height());
                 var b = SsdModels.detector(weights, p.now(), SsdFaceDetector.MIN_SCORE, p.height());
                 var oldNet = new TfliteNet(p.old(), 1, "old damaged", "old cannot run");
                 var newNet = new TfliteNet(p.now(), 1, "new damaged", "new cannot run")) {
                boolean int8 = p.what().startsWith("int8");
                for (Frame f : frames) {
                    try (Mat bgr = mat(f); Mat r = new Mat(); Mat g = new Mat(); Mat c = new Mat()) {
                        float[] fl = int8 ? null : new float[SsdFaceDetector.WIDTH * p.height() * 3];
                        byte[] by = int8 ? new byte[SsdFaceDetector.WIDTH * p.height() * 3] : null;
                        SsdFaceDetector.toInput(bgr, p.height(), r, g, c, fl, by);
                        for (var net : List.of(oldNet, newNet)) {
                            if (int8) net.interpreter().typed_input_tensor_byte(0).position(0).put(by, 0, by.length);
                            else net.interpreter().typed_input_tensor_float(0).position(0).put(fl, 0, fl.length);
                            assertEquals(0, net.interpreter().Invoke());
                        }
                        for (int o = 0; o < 12; o++) {
                            var ot = oldNet.interpreter().output_tensor(o);
                            var nt = newNet.interpreter().output_tensor(o);
                            assertEquals(ot.bytes(), nt.bytes(), p.what() + " output " + o + " size");
                            assertEquals(ot.params().scale(), nt.params().scale(), p.what() + " output " + o + " scale");
                            assertEquals(ot.params().zero_point(), nt.params().zero_point(), p.what() + " output " + o + " zero point");
                            byte[] x = new byte[(int) ot.bytes()], y = new byte[(int) nt.bytes()];
                            new BytePointer(ot.data().data()).capacity(x.length).get(x);
                            new BytePointer(nt.data().data()).capacity(y.length).get(y);
                            assertArrayEquals(x, y, p.what() + " output " + o + " differs");
                            values += x.length;
                        }
                    }
                    List<Box> ba, bb;
                    try (Mat m1 = mat(f); Mat m2 = mat(f)) {
                        ba = a.detect(m1, null);
                        bb = b.detect(m2, null);
                    }
                    assertEquals(ba, bb, p.what() + ": boxes and scores");
                    boxes += ba.size();
                }
            }
            System.out.printf("%s: %d frames (%d real photos), %d output bytes and %d boxes identical%n", p.what(), frames.size(), real, values, boxes);
        }
    }

    private static Mat mat(Frame f) {
        Mat m = new Mat(f.height(), f.width(), opencv_core.CV_8UC3);
        try (BytePointer data = m.data()) {
            data.position(0).limit(f.bgr().length).put(f.bgr(), 0, f.bgr().length);
        }
        return m;
    }
}
