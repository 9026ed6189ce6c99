package io.moodbox.vision;

import io.moodbox.config.MoodboxException;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenCV's Viola-Jones frontal-face Haar cascade, the one shipped inside the opencv jar (no
 * download). Runs on the gray frame shrunk to the detection width. Confidence grows with the
 * number of overlapping raw detections merged into the box: n / (n + required), so a box with
 * just the required neighbours scores 0.5.
 */
final class HaarDetector implements FaceDetector {
    private static final Logger log = LoggerFactory.getLogger(HaarDetector.class);
    static final String CASCADE = "haarcascades/haarcascade_frontalface_default.xml";
    static final String ALT2 = "haarcascades/haarcascade_frontalface_alt2.xml";
    static final String PROFILE = "haarcascades/haarcascade_profileface.xml";
    /**
     * The cascade's box is the FER crop: on generated scenes the true box is 1.00-1.03 times its
     * side with the centre within 1% (DetectorComparisonBench; docs/seeing.md), so no margin is added.
     */
    static final CropGeometry GEOMETRY = new CropGeometry(1.0, 0.0, 0.0);
    /**
     * Around a known face the region is scaled so that the face is {@code NEAR_FACE_PX} wide, and
     * only sizes within {@code NEAR_RANGE} of it are tried, in steps of {@code NEAR_STEP}: a few
     * small windows instead of the frame's whole pyramid. Measured on generated scenes
     * (docs/seeing.md): larger or finer costs several times more and finds the same faces.
     */
    static final double NEAR_FACE_PX = 32, NEAR_RANGE = 1.2, NEAR_STEP = 1.1;

    private final CascadeClassifier cascade;
    private final Mat small = new Mat(), near = new Mat(), flipped = new Mat();
    private final int detectWidth, minFacePx, minNeighbors;
    private final double scaleFactor;
    private final String cascadeName;
    private final boolean equalize, mirror;
    private final CropGeometry geometry;

    HaarDetector(int detectWidth, int minFacePx) {
        // Scale step 1.2 and 3 neighbours: measured against 1.1 / 4 on generated scenes, the same
        // recall at 60% of the CPU time (docs/seeing.md).
        this(CASCADE, detectWidth, minFacePx, 1.2, 3, false, false);
    }

    HaarDetector(String cascade, int detectWidth, int minFacePx, double scaleFactor, int minNeighbors, boolean equalize) {
        this(cascade, detectWidth, minFacePx, scaleFactor, minNeighbors, equalize, false);
    }

    /**
     * {@code cascade}: a path under the opencv jar's share/opencv4 ("lbpcascades/..." works too).
     * {@code mirror}: search the mirrored image (the profile cascade knows one side of the head only).
     */
    HaarDetector(String cascade, int detectWidth, int minFacePx, double scaleFactor, int minNeighbors, boolean equalize,
                 boolean mirror) {
        this.cascadeName = cascade;
        this.mirror = mirror;
        this.geometry = geometry(cascade, mirror);
        this.equalize = equalize;
        this.detectWidth = detectWidth;
        this.minFacePx = minFacePx;
        this.scaleFactor = scaleFactor;
        this.minNeighbors = minNeighbors;
        File xml = cascadeFile(cascade);
        this.cascade = new CascadeClassifier(xml.getAbsolutePath());
        if (this.cascade.empty()) {
            this.cascade.close();
            throw new MoodboxException("could not load the Haar cascade " + xml);
        }
        log.info("Face detector: cascade {}{}, detecting at {} px width", cascade, mirror ? " (mirrored)" : "", detectWidth);
    }

    /** Extracts the cascade from the opencv jar of this platform into JavaCPP's cache. */
    static File cascadeFile(String cascade) {
        Loader.load(opencv_objdetect.class);
        String resource = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/" + cascade;
        try {
            File f = Loader.cacheResource(opencv_objdetect.class, resource);
            if (f == null) throw new IOException(resource + " is not on the classpath");
            return f;
        } catch (IOException e) {
            throw new MoodboxException("the Haar cascade is missing from the opencv jar (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        double scale = Math.min(1.0, (double) detectWidth / gray.cols());
        try (var scope = new PointerScope()) {
            Mat img = gray;
            if (scale < 1.0) {
                opencv_imgproc.resize(gray, small, new Size((int) Math.round(gray.cols() * scale),
                        (int) Math.round(gray.rows() * scale)), 0, 0, opencv_imgproc.INTER_LINEAR);
                img = small;
            }
            if (equalize) {
                opencv_imgproc.equalizeHist(img, small);
                img = small;
            }
            if (mirror) {
                opencv_core.flip(img, flipped, 1);
                img = flipped;
            }
            // Faces a bit under the minimum still count at the detector (boxes are tighter than FER crops).
            int min = Math.max(20, (int) Math.floor(minFacePx * scale * 0.8));
            int max = (int) Math.ceil(Math.min(img.cols(), img.rows()));
            var rects = new RectVector();
            var counts = new IntPointer();
            cascade.detectMultiScale2(img, rects, counts, scaleFactor, minNeighbors, 0, new Size(min, min), new Size(max, max));
            var out = new ArrayList<Box>((int) rects.size());
            for (long i = 0; i < rects.size(); i++) {
                Rect r = rects.get(i);
                int n = i < counts.limit() ? counts.get(i) : minNeighbors;
                // 0.5 at exactly the neighbours required, towards 1 as more raw detections agree.
                double conf = n / (double) (n + minNeighbors);
                int rx = mirror ? img.cols() - r.x() - r.width() : r.x();
                out.add(new Box(rx / scale, r.y() / scale, r.width() / scale, r.height() / scale, conf));
            }
            return out;
        }
    }

    @Override
    public List<Box> detectNear(Mat bgr, Mat gray, int x, int y, int w, int h, double faceSide) {
        double scale = NEAR_FACE_PX / faceSide;
        int rw = (int) Math.round(w * scale), rh = (int) Math.round(h * scale);
        int min = (int) Math.floor(NEAR_FACE_PX / NEAR_RANGE), max = (int) Math.ceil(NEAR_FACE_PX * NEAR_RANGE);
        max = Math.min(max, Math.min(rw, rh));
        if (max < Math.max(min, 24)) return List.of(); // the region was cut by the frame's edge to less than a face
        try (var scope = new PointerScope()) {
            opencv_imgproc.resize(new Mat(gray, new Rect(x, y, w, h)), near, new Size(rw, rh), 0, 0,
                    scale < 1 ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR);
            if (equalize) opencv_imgproc.equalizeHist(near, near);
            Mat img = near;
            if (mirror) {
                opencv_core.flip(near, flipped, 1);
                img = flipped;
            }
            var rects = new RectVector();
            var counts = new IntPointer();
            cascade.detectMultiScale2(img, rects, counts, NEAR_STEP, minNeighbors, 0, new Size(min, min), new Size(max, max));
            // The fine steps give more raw hits per face than the full search's pyramid: count them
            // as that pyramid would, so a face's confidence does not jump between the two kinds of frame.
            double perStep = Math.log(NEAR_STEP) / Math.log(scaleFactor);
            var out = new ArrayList<Box>((int) rects.size());
            for (long i = 0; i < rects.size(); i++) {
                Rect r = rects.get(i);
                double n = Math.max(minNeighbors, (i < counts.limit() ? counts.get(i) : minNeighbors) * perStep);
                int rx = mirror ? rw - r.x() - r.width() : r.x();
                out.add(new Box(x + rx / scale, y + r.y() / scale, r.width() / scale, r.height() / scale,
                        n / (n + minNeighbors)));
            }
            return out;
        }
    }

    @Override
    public CropGeometry crop() { return geometry; }

    /**
     * Where the FER crop lies around each cascade's box, measured on generated scenes
     * (DetectorComparisonBench, 100 scenes): the frontal cascades' boxes are the crop within 2-3%;
     * the profile cascade's box sits on the turned face's visible side and is smaller.
     */
    static CropGeometry geometry(String cascade, boolean mirror) {
        if (cascade.contains("profileface"))
            return mirror ? new CropGeometry(0.90, 0.149, 0.020) : new CropGeometry(0.946, -0.156, 0.016);
        return GEOMETRY;
    }

    @Override
    public String name() { return cascadeName.startsWith("lbp") ? "lbp" : "haar"; }


    @Override
    public void close() {
        small.close();
        near.close();
        flipped.close();
        cascade.close();
    }
}
