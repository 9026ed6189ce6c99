package io.moodbox.vision;

import io.moodbox.config.MoodboxException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.tensorflowlite.Interpreter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * face-api.js's SSD-MobileNetV1 face detector ({@link SsdMobilenetModel}; weights fetched by the
 * build from the npm package {@code @vladmandic/face-api}) on the TFLite interpreter, one thread.
 * The frame is scaled to fit the 512x384 RGB input in [-1, 1] and padded at the right and bottom,
 * where face-api's square padding puts it (a 4:3 frame fills it); the priors' box encodings are decoded
 * (TensorFlow Object Detection's centre-size coder, scales 10, 10, 5, 5), scored with a sigmoid
 * and reduced by non-maximum suppression at IoU 0.5, all as face-api's {@code SsdMobilenetv1.ts};
 * boxes much wider than tall are dropped ({@link #MIN_ASPECT}).
 * Confidence follows the cascades' convention: 0.5 at this detector's own threshold
 * ({@link #MIN_SCORE}), rising to 1 with the score. The model runs full int8 ({@link SsdRanges}:
 * activation ranges calibrated ahead, tied to the weights' sha256; without matching ranges it
 * falls back to float32 and says so) or float32. Not thread-safe; natives freed in close().
 */
final class SsdFaceDetector implements FaceDetector {
    private static final Logger log = LoggerFactory.getLogger(SsdFaceDetector.class);
    static final String WEIGHTS = "ssd_mobilenetv1_model.bin", MANIFEST = "ssd_mobilenetv1_model-weights_manifest.json";
    static final int WIDTH = SsdMobilenetModel.WIDTH, HEIGHT = SsdMobilenetModel.HEIGHT;
    /**
     * The score a detection needs. Measured on generated scenes (docs/seeing.md, DetectorComparisonBench):
     * 0.1 finds 95.9% of FER's faces at 96.3% precision, 0.15 93.8% at 98.7%, 0.3 85.1%, 0.5
     * (face-api's default) 68.9%; no empty room got a box at any of these.
     */
    static final double MIN_SCORE = 0.1;
    /**
     * Measured on generated scenes (DetectorComparisonBench, median over the matched faces): the
     * box is a third taller than wide; the FER crop is 1.05 times its mean side, 1.3% of its width
     * right and 1.8% of its height lower.
     */
    static final CropGeometry GEOMETRY = new CropGeometry(1.05, 0.013, 0.018);
    private static final double NMS_IOU = 0.5;
    /**
     * The least height / width of a box kept. This SSD's face boxes are taller than wide (median
     * 1.4, 99% at least 1.0 on 150 scenes of FER Training faces, int8 and float32 alike); what it
     * boxes wider than tall at a low score is furniture, floor and the whole of a dark frame (every
     * box the int8 model put in 200 empty rooms and in a black frame from score 0.1 had h/w 0.43-0.81).
     */
    static final double MIN_ASPECT = 0.9;

    private final double minScore;
    private final int height;
    private final float[] priors;
    private final TfliteNet net;
    private final Interpreter interpreter;
    /** Whether the model built is the int8 one (the float32 one when ranges were missing). */
    private final boolean int8;
    private final Mat resized, rgb, converted;
    private final float[] inputFloats;
    private final byte[] inputBytes, outBytes;
    private final float[][] boxOut = new float[6][], classOut = new float[6][];
    /** The int8 outputs' dequantization, by output index. */
    private final float[] outScale = new float[12], outZero = new float[12];

    /** Whether this build bundles the weights (the build fetches them from npm when it can). */
    static boolean bundled() {
        return SsdFaceDetector.class.getResource(WEIGHTS) != null && SsdFaceDetector.class.getResource(MANIFEST) != null;
    }

    /** The bundled weights (and, for int8, the bundled ranges), detections from {@link #MIN_SCORE}. */
    SsdFaceDetector(VisionConfig.SsdPrecision precision) {
        this(loadBundled(), MIN_SCORE, precision, precision == VisionConfig.SsdPrecision.INT8 ? SsdRanges.bundled() : null);
    }

    /**
     * @param ranges the int8 model's activation ranges; ignored for float32; for int8, null or
     *               ranges calibrated for other weights fall back to float32 with a warning
     */
    SsdFaceDetector(TfjsWeights weights, double minScore, VisionConfig.SsdPrecision precision, SsdRanges ranges) {
        this(weights, minScore, precision, ranges, HEIGHT);
    }

    /** @param height the input's height (512: face-api's square, for comparisons) */
    SsdFaceDetector(TfjsWeights weights, double minScore, VisionConfig.SsdPrecision precision, SsdRanges ranges, int height) {
        this.minScore = minScore;
        this.height = height;
        this.priors = SsdMobilenetModel.priors(weights, height);
        long t0 = System.nanoTime();
        BytePointer built = null;
        if (precision == VisionConfig.SsdPrecision.INT8) {
            if (ranges == null) {
                log.warn("This build has no int8 ranges for the SSD face model ({}): running it in float32, which takes about 80 MB more", SsdRanges.RESOURCE);
            } else if (!ranges.weightsSha256().equals(weights.sha256())) {
                log.warn("The SSD's int8 ranges were calibrated for other weights (sha256 {}, these are {}): running it in float32, which takes about 80 MB more",
                        ranges.weightsSha256(), weights.sha256());
            } else {
                try {
                    built = SsdMobilenetModel.int8(weights, ranges, height);
                } catch (MoodboxException e) {
                    log.warn("{}: running the SSD face model in float32, which takes about 80 MB more", e.getMessage());
                }
            }
        }
        int8 = built != null;
        BytePointer model = int8 ? built : SsdMobilenetModel.build(weights, height);
        long size = SsdMobilenetModel.size(model);
        // Read in place: the net owns the flatbuffer's memory and frees it with the interpreter.
        net = new TfliteNet(model, size,
                "the SSD face model built from the weights does not verify as a TFLite flatbuffer",
                "the TFLite interpreter cannot run the SSD face model");
        interpreter = net.interpreter();
        resized = new Mat();
        rgb = new Mat();
        converted = new Mat();
        int[] rows = SsdMobilenetModel.rows(height);
        for (int k = 0; k < 6; k++) {
            int cells = rows[k] * SsdMobilenetModel.GRID[k] * SsdMobilenetModel.ANCHORS_PER_CELL[k];
            boxOut[k] = new float[cells * 4];
            classOut[k] = new float[cells * 3];
        }
        if (int8) {
            inputFloats = null;
            inputBytes = new byte[WIDTH * height * 3];
            int most = 0;
            for (int o = 0; o < 12; o++) {
                var t = interpreter.output_tensor(o);
                outScale[o] = t.params().scale();
                outZero[o] = t.params().zero_point();
                most = Math.max(most, (o % 2 == 0 ? boxOut : classOut)[o / 2].length);
            }
            outBytes = new byte[most];
        } else {
            inputFloats = new float[WIDTH * height * 3];
            inputBytes = outBytes = null;
        }
        log.info("Face detector: SSD-MobileNetV1 (face-api.js weights, {} TFLite model of {} MB built in {} ms)",
                int8 ? "int8" : "float32", size / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
    }

    static TfjsWeights loadBundled() {
        try (InputStream w = SsdFaceDetector.class.getResourceAsStream(WEIGHTS);
             InputStream m = SsdFaceDetector.class.getResourceAsStream(MANIFEST)) {
            if (w == null || m == null)
                throw new MoodboxException("this build has no SSD face model (npm was unreachable at build time); use vision.detector=auto or cascades");
            return TfjsWeights.parse(m.readAllBytes(), w.readAllBytes());
        } catch (IOException e) {
            throw new MoodboxException("cannot read the bundled SSD face model: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        double scale = toInput(bgr, height, resized, rgb, converted, inputFloats, inputBytes);
        if (int8) interpreter.typed_input_tensor_byte(0).position(0).put(inputBytes, 0, inputBytes.length);
        else interpreter.typed_input_tensor_float(0).position(0).put(inputFloats, 0, inputFloats.length);
        if (interpreter.Invoke() != kTfLiteOk) throw new MoodboxException("SSD face detection failed");
        for (int o = 0; o < 12; o++) {
            float[] out = (o % 2 == 0 ? boxOut : classOut)[o / 2];
            if (int8) {
                interpreter.typed_output_tensor_byte(o).position(0).get(outBytes, 0, out.length);
                for (int i = 0; i < out.length; i++) out[i] = outScale[o] * (outBytes[i] - outZero[o]);
            } else {
                interpreter.typed_output_tensor_float(o).position(0).get(out, 0, out.length);
            }
        }
        return suppress(decode(boxOut, classOut, priors, minScore, SsdMobilenetModel.SQUARE / scale));
    }

    /**
     * Fills the model's 512x384 RGB input (space-to-depth, {@link #inputIndex}) from a BGR frame: {@code floats} in [-1, 1] (float32
     * model) or, when it is null, {@code bytes} as q = pixel - 128 (int8 model). The three Mats are
     * the caller's scratch. Returns the frame's scale onto the input.
     */
    static double toInput(Mat bgr, Mat resized, Mat rgb, Mat converted, float[] floats, byte[] bytes) {
        return toInput(bgr, HEIGHT, resized, rgb, converted, floats, bytes);
    }

    static double toInput(Mat bgr, int height, Mat resized, Mat rgb, Mat converted, float[] floats, byte[] bytes) {
        int w = bgr.cols(), h = bgr.rows();
        double scale = Math.min((double) WIDTH / w, (double) height / h);
        int rw = Math.min(WIDTH, Math.max(1, (int) Math.round(w * scale))), rh = Math.min(height, Math.max(1, (int) Math.round(h * scale)));
        try (var scope = new PointerScope()) {
            opencv_imgproc.resize(bgr, resized, new Size(rw, rh), 0, 0, scale < 1 ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR);
            opencv_imgproc.cvtColor(resized, rgb, opencv_imgproc.COLOR_BGR2RGB);
            int row = rw * 3;
            // Padding is black (-1) at the right and bottom, where face-api's padToSquare puts it.
            if (floats == null) {
                rgb.convertTo(converted, opencv_core.CV_8SC3, 1, -128);   // q = pixel - 128 (SsdMobilenetModel.INPUT_QUANT)
                Arrays.fill(bytes, (byte) -128);
                BytePointer src = new BytePointer(converted.data());
                byte[] line = new byte[row];
                for (int y = 0; y < rh; y++) {
                    src.position(y * converted.step1()).get(line, 0, row);
                    for (int x = 0, i = 0; x < rw; x++, i += 3) {
                        int at = inputIndex(y, x);
                        bytes[at] = line[i];
                        bytes[at + 1] = line[i + 1];
                        bytes[at + 2] = line[i + 2];
                    }
                }
            } else {
                rgb.convertTo(converted, opencv_core.CV_32FC3, 1 / 127.5, -1.0);
                Arrays.fill(floats, -1f);
                FloatPointer src = new FloatPointer(converted.data());
                float[] line = new float[row];
                for (int y = 0; y < rh; y++) {
                    src.position(y * converted.step1()).get(line, 0, row);
                    for (int x = 0, i = 0; x < rw; x++, i += 3) {
                        int at = inputIndex(y, x);
                        floats[at] = line[i];
                        floats[at + 1] = line[i + 1];
                        floats[at + 2] = line[i + 2];
                    }
                }
            }
        }
        return scale;
    }

    /**
     * Where pixel (y, x)'s red value goes in the model's input, which is space-to-depth (see
     * SsdMobilenetModel.firstConv): cell (y/2, x/2) of 12 channels, the 2x2 block's pixels in
     * row order, each RGB.
     */
    static int inputIndex(int y, int x) {
        return ((y >> 1) * (WIDTH / 2) + (x >> 1)) * 12 + (((y & 1) << 1) | (x & 1)) * 3;
    }

    /**
     * The boxes of every prior scoring at least {@code minScore}, in frame pixels
     * ({@code inputPx}: the frame's pixels per unit of the model's input), confidence as the class doc says.
     */
    static List<Box> decode(float[][] boxes, float[][] classes, float[] priors, double minScore, double inputPx) {
        double logitMin = Math.log(minScore / (1 - minScore));
        var out = new ArrayList<Box>();
        int p = 0;
        for (int k = 0; k < boxes.length; k++) {
            int n = classes[k].length / 3;
            for (int a = 0; a < n; a++, p++) {
                double logit = classes[k][a * 3 + 1];
                if (logit < logitMin) continue;
                double score = 1 / (1 + Math.exp(-logit));
                double y0 = priors[p * 4], x0 = priors[p * 4 + 1], y1 = priors[p * 4 + 2], x1 = priors[p * 4 + 3];
                double ph = y1 - y0, pw = x1 - x0, pcy = y0 + ph / 2, pcx = x0 + pw / 2;
                float[] e = boxes[k];
                double cy = e[a * 4] / 10.0 * ph + pcy, cx = e[a * 4 + 1] / 10.0 * pw + pcx;
                double bh = Math.exp(e[a * 4 + 2] / 5.0) * ph, bw = Math.exp(e[a * 4 + 3] / 5.0) * pw;
                if (bh < MIN_ASPECT * bw) continue;
                double confidence = 0.5 + 0.5 * (score - minScore) / (1 - minScore);
                out.add(new Box((cx - bw / 2) * inputPx, (cy - bh / 2) * inputPx, bw * inputPx, bh * inputPx, confidence));
            }
        }
        return out;
    }

    /**
     * Greedy non-maximum suppression, best first: a box goes when it overlaps a kept one by more
     * than IoU 0.5 (face-api's rule) or when either's centre lies inside the other (the rule the
     * tracker and the cascade union use for "the same face": the SSD sometimes adds a much larger
     * or smaller box around a face it already boxed).
     */
    static List<Box> suppress(List<Box> boxes) {
        var sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingDouble(Box::confidence).reversed());
        var kept = new ArrayList<Box>();
        for (Box b : sorted) {
            boolean overlaps = false;
            for (Box k : kept) overlaps |= k.iou(b) > NMS_IOU || StagedFaceFinder.sameFace(k, b);
            if (!overlaps) kept.add(b);
        }
        return kept;
    }

    @Override
    public CropGeometry crop() { return GEOMETRY; }

    @Override
    public String name() { return "ssd"; }

    /** Whether the int8 model runs (false: float32, asked for or fallen back to). */
    boolean int8() { return int8; }

    @Override
    public void close() {
        resized.close();
        rgb.close();
        converted.close();
        net.close();
    }
}
