package io.moodbox.vision;

import io.moodbox.config.MoodboxException;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * MediaPipe's BlazeFace full-range detector (Apache-2.0; the build fetches it from the npm package
 * {@code @mediapipe/face_detection}) on the TFLite interpreter. The frame is letterboxed into
 * the 192x192 RGB input in [-1, 1]; 2304 anchors (48x48 grid, stride 4, fixed size) are decoded,
 * scored with a sigmoid and merged by weighted non-maximum suppression, all as MediaPipe's
 * {@code face_detection_full_range.pbtxt} graph does. Not thread-safe; natives freed in close().
 */
final class BlazeFaceDetector implements FaceDetector {
    private static final Logger log = LoggerFactory.getLogger(BlazeFaceDetector.class);
    static final String RESOURCE = "face_detection_full_range.tflite";
    static final int INPUT = 192, GRID = 48, ANCHORS = GRID * GRID, COORDS = 16;
    /** Measured on generated scenes (docs/seeing.md): the FER crop is 1.12 times BlazeFace's box, centred 4% higher. */
    static final CropGeometry GEOMETRY = new CropGeometry(1.12, 0.0, -0.04);
    private static final double NMS_IOU = 0.3;

    private final TfliteNet net;
    private final Interpreter interpreter;
    private final FloatPointer input;
    private final int boxesOut, scoresOut;
    private final double minScore;
    private final Mat resized, rgb, floats;
    private final float[] inputBuffer = new float[INPUT * INPUT * 3];
    private final float[] raw = new float[ANCHORS * COORDS], logits = new float[ANCHORS];

    /** Whether this build bundles the model (the build fetches it from npm when it can). */
    static boolean bundled() {
        return BlazeFaceDetector.class.getResource(RESOURCE) != null;
    }

    /** {@code modelFile} null: the bundled model. {@code minScore}: detections below are dropped early. */
    BlazeFaceDetector(Path modelFile, double minScore) {
        this.minScore = minScore;
        byte[] data = load(modelFile);
        net = new TfliteNet(data, 1, "the BlazeFace model is damaged (the flatbuffer does not verify)",
                "the TFLite interpreter cannot run the BlazeFace model");
        interpreter = net.interpreter();
        resized = new Mat();
        rgb = new Mat();
        floats = new Mat();
        TfLiteTensor in = interpreter.input_tensor(0);
        int[] inDims = dims(in);
        if (in.type() != kTfLiteFloat32 || !Arrays.equals(inDims, new int[]{1, INPUT, INPUT, 3})) {
            close();
            throw new MoodboxException("BlazeFace input must be float [1,192,192,3], is " + Arrays.toString(inDims));
        }
        int boxes = -1, scores = -1;
        long outputs = interpreter.outputs().limit();
        for (int i = 0; i < outputs; i++) {
            int[] d = dims(interpreter.output_tensor(i));
            if (Arrays.equals(d, new int[]{1, ANCHORS, COORDS})) boxes = i;
            else if (Arrays.equals(d, new int[]{1, ANCHORS, 1})) scores = i;
        }
        if (boxes < 0 || scores < 0) {
            close();
            throw new MoodboxException("BlazeFace outputs must be [1,2304,16] boxes and [1,2304,1] scores (model has " + outputs + " outputs)");
        }
        boxesOut = boxes;
        scoresOut = scores;
        input = interpreter.typed_input_tensor_float(0);
        log.info("Face detector: BlazeFace full-range ({})", modelFile == null ? "bundled" : modelFile);
    }

    private static byte[] load(Path file) {
        try {
            if (file != null) {
                // A regular file of model size only: /dev/zero or a film here would fill the heap at startup.
                if (!Files.isRegularFile(file)) throw new MoodboxException("the BlazeFace model " + file
                        + (Files.exists(file) ? " is not a regular file" : " does not exist"));
                if (Files.size(file) > 64L << 20) throw new MoodboxException("the BlazeFace model " + file + " is over 64 MB: not a BlazeFace model");
                return Files.readAllBytes(file);
            }
            try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new MoodboxException("this build has no BlazeFace model (npm was unreachable at build time); use vision.detector=haar");
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new MoodboxException("cannot read the BlazeFace model " + file + ": " + e.getMessage(), e);
        }
    }

    private static int[] dims(TfLiteTensor t) {
        int[] d = new int[t.dims().size()];
        for (int i = 0; i < d.length; i++) d[i] = t.dims().data(i);
        return d;
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        int w = bgr.cols(), h = bgr.rows();
        // Letterbox: keep the aspect ratio, centre, pad with black (-1), as MediaPipe's ImageToTensor does.
        double scale = Math.min((double) INPUT / w, (double) INPUT / h);
        int rw = Math.max(1, (int) Math.round(w * scale)), rh = Math.max(1, (int) Math.round(h * scale));
        int padX = (INPUT - rw) / 2, padY = (INPUT - rh) / 2;
        try (var scope = new PointerScope()) {
            opencv_imgproc.resize(bgr, resized, new Size(rw, rh), 0, 0, opencv_imgproc.INTER_AREA);
            opencv_imgproc.cvtColor(resized, rgb, opencv_imgproc.COLOR_BGR2RGB);
            rgb.convertTo(floats, opencv_core.CV_32FC3, 2.0 / 255, -1.0);
            Arrays.fill(inputBuffer, -1f);
            FloatPointer src = new FloatPointer(floats.data());
            int row = rw * 3;
            float[] line = new float[row];
            for (int y = 0; y < rh; y++) {
                src.position((long) y * (floats.step1())).get(line, 0, row);
                System.arraycopy(line, 0, inputBuffer, ((y + padY) * INPUT + padX) * 3, row);
            }
        }
        input.position(0).put(inputBuffer, 0, inputBuffer.length);
        if (interpreter.Invoke() != kTfLiteOk) throw new MoodboxException("BlazeFace inference failed");
        interpreter.typed_output_tensor_float(boxesOut).position(0).get(raw, 0, raw.length);
        interpreter.typed_output_tensor_float(scoresOut).position(0).get(logits, 0, logits.length);

        double logitMin = Math.log(minScore / (1 - minScore));
        var candidates = new ArrayList<Box>();
        for (int a = 0; a < ANCHORS; a++) {
            double logit = Math.max(-100, Math.min(100, logits[a]));
            if (logit < logitMin) continue;
            double score = 1 / (1 + Math.exp(-logit));
            double ax = (a % GRID + 0.5) / GRID, ay = (a / GRID + 0.5) / GRID;
            int o = a * COORDS;
            double cx = raw[o] / INPUT + ax, cy = raw[o + 1] / INPUT + ay;
            double bw = raw[o + 2] / INPUT, bh = raw[o + 3] / INPUT;
            // From the 192x192 letterbox back to frame pixels.
            double x0 = ((cx - bw / 2) * INPUT - padX) / scale, y0 = ((cy - bh / 2) * INPUT - padY) / scale;
            candidates.add(new Box(x0, y0, bw * INPUT / scale, bh * INPUT / scale, score));
        }
        return weightedNms(candidates);
    }

    /** MediaPipe's WEIGHTED suppression: overlapping boxes are averaged by score into the best one. */
    static List<Box> weightedNms(List<Box> boxes) {
        var remaining = new ArrayList<>(boxes);
        remaining.sort(Comparator.comparingDouble(Box::confidence).reversed());
        var out = new ArrayList<Box>();
        while (!remaining.isEmpty()) {
            Box best = remaining.get(0);
            double sw = 0, x = 0, y = 0, w = 0, h = 0;
            var rest = new ArrayList<Box>();
            for (Box b : remaining) {
                if (best.iou(b) > NMS_IOU) {
                    double s = b.confidence();
                    sw += s; x += b.x() * s; y += b.y() * s; w += b.w() * s; h += b.h() * s;
                } else {
                    rest.add(b);
                }
            }
            out.add(new Box(x / sw, y / sw, w / sw, h / sw, best.confidence()));
            remaining = rest;
        }
        return out;
    }

    @Override
    public CropGeometry crop() { return GEOMETRY; }

    @Override
    public String name() { return "blazeface"; }

    @Override
    public void close() {
        resized.close();
        rgb.close();
        floats.close();
        net.close();
    }
}
