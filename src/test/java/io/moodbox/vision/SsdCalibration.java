package io.moodbox.vision;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;
import io.moodbox.detector.SsdModel;
import io.moodbox.detector.SsdRanges;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * Calibrates the int8 SSD's activation ranges: runs the float32 model with every activation an
 * output (the models kit's {@code SsdModel.probe}) over generated scenes of FER2013 <b>Training</b> faces
 * (never PrivateTest, which the benches score on) and over empty rooms, and writes one ranges file
 * per method into OUT_DIR: {@code minmax} (everything seen) and the 99.9th / 99.99th percentiles
 * (of a random sample of 4096 values per tensor and frame), each with every ReLU6 activation's
 * largest value by channel (equalization, {@link SsdMobilenetModel#int8}). Copy the one that measures best to
 * {@code models/ssd_int8_ranges.properties} (the build converts the int8 model from it). Run:
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/cp.txt &&
 * java -Xmx1g -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.vision.SsdCalibration target/ssd-ranges 300 60}
 */
public final class SsdCalibration {
    private static final int SAMPLE = 4096;

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of(args.length > 0 ? args[0] : "target/ssd-ranges");
        int sceneCount = args.length > 1 ? Integer.parseInt(args[1]) : 300, emptyCount = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Files.createDirectories(outDir);
        var weights = SsdModels.weights();
        byte[] probe = SsdModel.probe(weights, null);
        var names = new java.util.ArrayList<String>();
        try (var net = new TfliteNet(probe, 1, "the probe model does not verify", "the interpreter cannot run the probe model")) {
            for (int o = 0; o < net.interpreter().outputs().limit(); o++) names.add(net.interpreter().output_tensor(o).name().getString());
        }
        var faces = Fer2013.load().split(Fer2013.Split.TRAINING);
        var gen = new SceneGenerator(faces, SceneGenerator.Options.defaults(201));
        var empty = new SceneGenerator(faces, SceneGenerator.Options.defaults(202).withFaces(0, 0));

        int n = names.size(), frames = sceneCount + emptyCount;
        float[] min = new float[n], max = new float[n];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        float[][] sample = new float[n][frames * SAMPLE];
        float[][] channelMax = new float[n][];   // ReLU6 activations (all but the predictors), by channel
        var rnd = new SplittableRandom(7);
        try (var net = new TfliteNet(probe, 1, "the probe model does not verify",
                "the interpreter cannot run the probe model");
             var resized = new Mat(); var rgb = new Mat(); var converted = new Mat()) {
            var interpreter = net.interpreter();
            float[] input = new float[SsdFaceDetector.WIDTH * SsdFaceDetector.HEIGHT * 3];
            float[][] out = new float[n][];
            for (int o = 0; o < n; o++) {
                out[o] = new float[(int) (interpreter.output_tensor(o).bytes() / 4)];
                if (!names.get(o).contains("Predictor")) channelMax[o] = new float[interpreter.output_tensor(o).dims().data(3)];
            }
            for (int f = 0; f < frames; f++) {
                var frame = f < sceneCount ? gen.scene(f * gen.framesPerSegment()).frame()
                        : empty.scene((f - sceneCount) * empty.framesPerSegment()).frame();
                try (Mat bgr = new Mat(frame.height(), frame.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC3);
                     BytePointer data = bgr.data()) {
                    data.position(0).limit(frame.bgr().length).put(frame.bgr(), 0, frame.bgr().length);
                    SsdFaceDetector.toInput(bgr, resized, rgb, converted, input, null);
                }
                interpreter.typed_input_tensor_float(0).position(0).put(input, 0, input.length);
                if (interpreter.Invoke() != kTfLiteOk) throw new IllegalStateException("probe run failed");
                for (int o = 0; o < n; o++) {
                    float[] v = out[o];
                    interpreter.typed_output_tensor_float(o).position(0).get(v, 0, v.length);
                    for (float x : v) {
                        if (x < min[o]) min[o] = x;
                        if (x > max[o]) max[o] = x;
                    }
                    for (int i = 0; i < SAMPLE; i++) sample[o][f * SAMPLE + i] = v[rnd.nextInt(v.length)];
                    float[] cm = channelMax[o];
                    if (cm != null) for (int i = 0; i < v.length; i++) cm[i % cm.length] = Math.max(cm[i % cm.length], v[i]);
                }
                if (f % 50 == 49) System.out.printf("%d/%d frames%n", f + 1, frames);
            }
        }
        for (float[] s : sample) Arrays.sort(s);
        String about = "Activation ranges of the int8 SSD face model, by tensor: written by SsdCalibration (src/test) from the float32 model on\n"
                + sceneCount + " generated scenes of FER2013 Training faces (seed 201) and " + emptyCount + " empty rooms (seed 202); method ";
        for (String method : List.of("minmax", "p99.9", "p99.99")) {
            var ranges = new HashMap<String, float[]>();
            for (int o = 0; o < n; o++) {
                if (method.equals("minmax")) {
                    ranges.put(names.get(o), new float[]{min[o], max[o]});
                } else {
                    double p = Double.parseDouble(method.substring(1));
                    float[] s = sample[o];
                    int lo = (int) Math.floor((100 - p) / 100 * (s.length - 1)), hi = (int) Math.ceil(p / 100 * (s.length - 1));
                    ranges.put(names.get(o), new float[]{s[lo], s[hi]});
                }
            }
            Path file = outDir.resolve("ranges-" + method + ".properties");
            var channels = new HashMap<String, float[]>();
            for (int o = 0; o < n; o++) if (channelMax[o] != null) channels.put(names.get(o), channelMax[o]);
            new SsdRanges(weights.sha256(), method, ranges, channels).write(file, about + method
                    + "; channel maxima (for cross-layer equalization) are the largest values seen.");
            System.out.println("wrote " + file);
        }
    }
}
