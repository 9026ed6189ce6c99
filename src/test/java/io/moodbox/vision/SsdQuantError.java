package io.moodbox.vision;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;
import io.moodbox.detector.SsdModel;
import io.moodbox.detector.SsdRanges;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Path;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * Prints, layer by layer, how far the int8 SSD's activations are from the float32 model's on a few
 * generated scenes (RMS error over the float's RMS): where quantization loses most. Dev tool. Run:
 * {@code java -cp ... io.moodbox.vision.SsdQuantError [RANGES_FILE] [SCENES]}
 */
public final class SsdQuantError {
    public static void main(String[] args) throws Exception {
        var weights = SsdModels.weights();
        var ranges = args.length > 0 ? SsdRanges.read(Path.of(args[0])) : SsdModels.ranges();
        int scenes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var gen = new SceneGenerator(Fer2013.load().split(Fer2013.Split.PRIVATE_TEST), SceneGenerator.Options.defaults(101));
        try (var f = new TfliteNet(SsdModel.probe(weights, null), 1, "probe damaged", "cannot run the probe");
             var q = new TfliteNet(SsdModel.probe(weights, ranges), 1, "int8 probe damaged", "cannot run the int8 probe");
             var resized = new Mat(); var rgb = new Mat(); var conv = new Mat()) {
            var fi = f.interpreter();
            var qi = q.interpreter();
            int n = (int) fi.outputs().limit();
            double[] err = new double[n], ref = new double[n], clip = new double[n];
            long[] count = new long[n];
            float[] in = new float[512 * 512 * 3];
            byte[] inq = new byte[512 * 512 * 3];
            for (int s = 0; s < scenes; s++) {
                var frame = gen.scene(s * gen.framesPerSegment()).frame();
                try (Mat bgr = new Mat(frame.height(), frame.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC3); BytePointer d = bgr.data()) {
                    d.position(0).limit(frame.bgr().length).put(frame.bgr(), 0, frame.bgr().length);
                    SsdFaceDetector.toInput(bgr, resized, rgb, conv, in, null);
                    SsdFaceDetector.toInput(bgr, resized, rgb, conv, null, inq);
                }
                fi.typed_input_tensor_float(0).position(0).put(in, 0, in.length);
                qi.typed_input_tensor_byte(0).position(0).put(inq, 0, inq.length);
                if (fi.Invoke() != kTfLiteOk || qi.Invoke() != kTfLiteOk) throw new IllegalStateException("run failed");
                for (int o = 0; o < n; o++) {
                    var t = qi.output_tensor(o);
                    int len = (int) t.bytes();
                    float[] fv = new float[len];
                    byte[] qv = new byte[len];
                    fi.typed_output_tensor_float(o).position(0).get(fv, 0, len);
                    qi.typed_output_tensor_byte(o).position(0).get(qv, 0, len);
                    float sc = t.params().scale(), zp = t.params().zero_point();
                    for (int i = 0; i < len; i++) {
                        double dq = sc * (qv[i] - zp), e = dq - fv[i];
                        err[o] += e * e;
                        ref[o] += (double) fv[i] * fv[i];
                        if (qv[i] == 127 || qv[i] == -128 && fv[i] < sc * (-128 - zp)) clip[o]++;
                    }
                    count[o] += len;
                }
            }
            for (int o = 0; o < n; o++)
                System.out.printf("%-55s rel.rms error %.4f  clipped %.5f%n", fi.output_tensor(o).name().getString(), Math.sqrt(err[o] / Math.max(ref[o], 1e-12)), clip[o] / count[o]);
        }
    }
}
