package io.moodbox.vision;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

import java.util.ArrayList;
import java.util.List;

/**
 * A second opinion on every box: the proposer searches the frame, and each of its boxes is kept
 * only when the verifier, run on a square crop around it ({@code zoom} times the box's side, so the
 * face fills the verifier's input instead of a few of its pixels), finds a face whose centre lies
 * inside the proposed box. Two detectors of different design seldom make the same mistake on a
 * wall or a plant, and a zoomed small face is one the verifier sees well: on the real-photo set
 * this keeps the proposer's recall and drops most of its false boxes (docs/seeing.md). The
 * proposer's box is kept, so its crop geometry holds; its region search is the proposer's alone.
 */
final class VerifiedDetector implements FaceDetector {
    private final FaceDetector proposer, verifier;
    private final double zoom, minProposal;

    /**
     * {@code minProposal}: the proposer's boxes below this confidence are dropped before any check
     * (0: none); {@code verifier} null: no check beyond that (a build without the verifier's model).
     */
    VerifiedDetector(FaceDetector proposer, FaceDetector verifier, double zoom, double minProposal) {
        if (zoom < 1) throw new IllegalArgumentException("zoom must be at least 1, was " + zoom);
        this.proposer = proposer;
        this.verifier = verifier;
        this.zoom = zoom;
        this.minProposal = minProposal;
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        var kept = new ArrayList<Box>();
        for (Box b : proposer.detect(bgr, gray))
            if (b.confidence() >= minProposal && (verifier == null || confirmed(bgr, gray, b))) kept.add(b);
        return kept;
    }

    private boolean confirmed(Mat bgr, Mat gray, Box b) {
        double side = Math.max(b.w(), b.h()) * zoom;
        int x0 = clamp(b.cx() - side / 2, bgr.cols()), y0 = clamp(b.cy() - side / 2, bgr.rows());
        int x1 = clamp(b.cx() + side / 2, bgr.cols()), y1 = clamp(b.cy() + side / 2, bgr.rows());
        if (x1 - x0 < 8 || y1 - y0 < 8) return false;
        try (var scope = new PointerScope()) {
            var region = new Rect(x0, y0, x1 - x0, y1 - y0);
            for (Box v : verifier.detect(new Mat(bgr, region), new Mat(gray, region))) {
                double cx = v.cx() + x0, cy = v.cy() + y0;
                if (cx >= b.x() && cx <= b.x() + b.w() && cy >= b.y() && cy <= b.y() + b.h()) return true;
            }
        }
        return false;
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, Math.round(v)));
    }

    @Override
    public List<Box> detectNear(Mat bgr, Mat gray, int x, int y, int w, int h, double faceSide) {
        return proposer.detectNear(bgr, gray, x, y, w, h, faceSide);
    }

    @Override
    public CropGeometry crop() { return proposer.crop(); }

    @Override
    public String name() { return verifier == null ? proposer.name() : proposer.name() + " checked by " + verifier.name(); }

    @Override
    public void close() {
        proposer.close();
        if (verifier != null) verifier.close();
    }
}
