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
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteOk;

/**
 * face-api.js's SSD-MobileNetV1 face detector on the TFLite interpreter, one thread: the models
 * kit's {@code io.moodbox.detector.SsdConvert} converts the weights the build fetches from the npm
 * package {@code @vladmandic/face-api} into {@value #INT8} and {@value #FLOAT32} (and the priors,
 * {@value #PRIORS}) once, at build time, and this loads them like the emotion model.
 * The frame is scaled to fit the 512x384 RGB input in [-1, 1] and padded at the right and bottom,
 * where face-api's square padding puts it (a 4:3 frame fills it); the priors' box encodings are decoded
 * (TensorFlow Object Detection's centre-size coder, scales 10, 10, 5, 5), scored with a sigmoid
 * and reduced by non-maximum suppression at IoU 0.5, all as face-api's {@code SsdMobilenetv1.ts};
 * boxes much wider than tall are dropped ({@link #MIN_ASPECT}).
 * Confidence follows the cascades' convention: 0.5 at this detector's own threshold
 * ({@link #MIN_SCORE}), rising to 1 with the score. The model runs full int8 (activation ranges
 * calibrated ahead; a build whose ranges did not fit the weights has no int8 model, and this
 * falls back to float32 and says so) or float32. Not thread-safe; natives freed in close().
 */
final class SsdFaceDetector implements FaceDetector {
    private static final Logger log = LoggerFactory.getLogger(SsdFaceDetector.class);
    static final String INT8 = "ssd_mobilenetv1_int8.tflite", FLOAT32 = "ssd_mobilenetv1_float32.tflite", PRIORS = "ssd_mobilenetv1_priors.bin";
    /** The input's width and height; face-api's priors are relative to its 512x512 square. */
    static final int WIDTH = 512, HEIGHT = 384, SQUARE = 512;
    /** Feature map columns and anchors per cell of each box predictor, in output order. */
    static final int[] GRID = {32, 16, 8, 4, 2, 1}, ANCHORS_PER_CELL = {3, 6, 6, 6, 6, 6};
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
    /** Whether the model is the int8 one (the float32 one when asked for, or when the build has no int8 model). */
    private final boolean int8;
    private final Mat resized, rgb, converted;
    private final float[] inputFloats;
    private final byte[] inputBytes, outBytes;
    private final float[][] boxOut = new float[6][], classOut = new float[6][];
    /** The int8 outputs' dequantization, by output index. */
    private final float[] outScale = new float[12], outZero = new float[12];

    /** Whether this build bundles the SSD (the build converts it when npm gave it the weights). */
    static boolean bundled() {
        return SsdFaceDetector.class.getResource(FLOAT32) != null && SsdFaceDetector.class.getResource(PRIORS) != null;
    }

    /** The bundled model in this precision (int8 falls back to float32, saying so, where the build has none), detections from {@link #MIN_SCORE}. */
    SsdFaceDetector(VisionConfig.SsdPrecision precision) {
        this(loadBundled(precision), bundledPriors(), MIN_SCORE, HEIGHT);
    }

    /**
     * @param model  the converted model in native memory (int8 or float32, as its input tensor says),
     *               owned from here on
     * @param priors the priors for an input {@code height} px high (512: face-api's square, for comparisons)
     */
    SsdFaceDetector(BytePointer model, float[] priors, double minScore, int height) {
        this.minScore = minScore;
        this.height = height;
        this.priors = priors;
        long t0 = System.nanoTime();
        long size = model.limit() - model.position();
        // Read in place: the net owns the flatbuffer's memory and frees it with the interpreter.
        net = new TfliteNet(model, size, 1,
                "the SSD face model does not verify as a TFLite flatbuffer",
                "the TFLite interpreter cannot run the SSD face model");
        interpreter = net.interpreter();
        int8 = interpreter.input_tensor(0).type() == kTfLiteInt8;
        resized = new Mat();
        rgb = new Mat();
        converted = new Mat();
        int[] rows = rows(height);
        int cells = 0;
        for (int k = 0; k < 6; k++) {
            int n = rows[k] * GRID[k] * ANCHORS_PER_CELL[k];
            cells += n;
            boxOut[k] = new float[n * 4];
            classOut[k] = new float[n * 3];
        }
        if (priors.length != cells * 4) {
            close();
            throw new MoodboxException("the SSD's priors hold " + priors.length / 4 + " boxes, its outputs " + cells);
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
        log.info("Face detector: SSD-MobileNetV1 (face-api.js weights, {} TFLite model of {} MB, loaded in {} ms)",
                int8 ? "int8" : "float32", size / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Feature map rows of each box predictor for an input {@code height} px high: the cells of the
     * square whose top lies in the input.
     */
    static int[] rows(int height) {
        return Arrays.stream(GRID).map(g -> (height * g + SQUARE - 1) / SQUARE).toArray();
    }

    /** The bundled model in native memory: int8 if asked for and built, else float32. */
    static BytePointer loadBundled(VisionConfig.SsdPrecision precision) {
        String name = FLOAT32;
        if (precision == VisionConfig.SsdPrecision.INT8) {
            if (SsdFaceDetector.class.getResource(INT8) != null) name = INT8;
            else log.warn("This build has no int8 SSD face model (its int8 ranges did not fit the weights): running it in float32, which takes about 80 MB more");
        }
        URL url = SsdFaceDetector.class.getResource(name);
        if (url == null)
            throw new MoodboxException("this build has no SSD face model (npm was unreachable at build time); use vision.detector=auto or cascades");
        try {
            URLConnection c = url.openConnection();
            try (InputStream in = c.getInputStream()) {
                return TfliteNet.readNative(in, c.getContentLengthLong());
            }
        } catch (IOException e) {
            throw new MoodboxException("cannot read the bundled SSD face model " + name + ": " + e.getMessage(), e);
        }
    }

    /** The bundled priors, {ymin, xmin, ymax, xmax} relative to the 512x512 square, in output order. */
    static float[] bundledPriors() {
        try (InputStream in = SsdFaceDetector.class.getResourceAsStream(PRIORS)) {
            if (in == null) throw new MoodboxException("this build has no SSD face model (npm was unreachable at build time); use vision.detector=auto or cascades");
            var b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] p = new float[b.remaining()];
            b.get(p);
            return p;
        } catch (IOException e) {
            throw new MoodboxException("cannot read the bundled SSD priors: " + e.getMessage(), e);
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
        return suppress(decode(boxOut, classOut, priors, minScore, SQUARE / scale));
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
                rgb.convertTo(converted, opencv_core.CV_8SC3, 1, -128);   // q = pixel - 128 (the int8 model's input quantization)
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
     * the models kit's SsdModel.firstConv): cell (y/2, x/2) of 12 channels, the 2x2 block's pixels in
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
