package io.moodbox.vision;

import io.moodbox.camera.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Frame -> gray -> detector boxes -> filtered -> prepared crops. Holds the frame's native
 * buffers as long-lived fields (reallocated only when the frame size changes) so that a frame
 * allocates no native memory; freed in {@link #close}.
 */
final class StagedFaceFinder implements FaceFinder {
    private final FaceDetector detector;
    private final FacePreparer preparer;
    private final VisionConfig config;
    private final Mat bgr = new Mat(), gray = new Mat();
    private BytePointer bgrData;
    private Timings last = new Timings(0, 0);

    StagedFaceFinder(FaceDetector detector, FacePreparer preparer, VisionConfig config) {
        this.detector = detector;
        this.preparer = preparer;
        this.config = config;
    }

    String detectorName() { return detector.name(); }

    @Override
    public List<FaceCrop> find(Frame frame) {
        long t0 = System.nanoTime();
        load(frame);
        List<Box> boxes = new ArrayList<>(detector.detect(bgr, gray));
        boxes.removeIf(b -> b.confidence() < config.minConfidence()
                || Math.sqrt(b.w() * b.h()) * detector.crop().scale() < config.minFacePx() * 0.8);
        boxes.sort(Comparator.comparingDouble((Box b) -> b.w() * b.h()).reversed());
        if (boxes.size() > config.maxFaces()) boxes = boxes.subList(0, config.maxFaces());
        long t1 = System.nanoTime();
        var crops = new ArrayList<FaceCrop>(boxes.size());
        for (Box b : boxes) {
            byte[] px = preparer.prepare(gray, detector.crop().square(b));
            int x = (int) Math.round(b.x()), y = (int) Math.round(b.y());
            crops.add(new FaceCrop(x, y, (int) Math.round(b.x() + b.w()) - x, (int) Math.round(b.y() + b.h()) - y,
                    (float) b.confidence(), preparer.size(), px));
        }
        last = new Timings(t1 - t0, System.nanoTime() - t1);
        return crops;
    }

    /** Copies the frame into the long-lived native BGR buffer and makes its gray version. */
    private void load(Frame frame) {
        int bytes = frame.width() * frame.height() * 3;
        if (bgr.cols() != frame.width() || bgr.rows() != frame.height()) {
            bgr.create(frame.height(), frame.width(), opencv_core.CV_8UC3);
        }
        if (bgrData == null || bgrData.address() != bgr.data().address()) {
            if (bgrData != null) bgrData.close();
            bgrData = bgr.data();
        }
        bgrData.position(0).limit(bytes).put(frame.bgr(), 0, bytes);
        opencv_imgproc.cvtColor(bgr, gray, opencv_imgproc.COLOR_BGR2GRAY);
    }

    @Override
    public Timings lastTimings() { return last; }

    @Override
    public void close() {
        detector.close();
        if (bgrData != null) bgrData.close();
        bgr.close();
        gray.close();
    }
}
