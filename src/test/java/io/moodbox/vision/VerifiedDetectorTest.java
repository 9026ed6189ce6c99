package io.moodbox.vision;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedDetectorTest {
    /** Returns fixed boxes; records the size of every image it is shown. */
    static final class Fixed implements FaceDetector {
        final List<Box> boxes;
        final List<int[]> seen = new ArrayList<>();
        boolean closed;

        Fixed(Box... boxes) { this.boxes = List.of(boxes); }

        @Override public List<Box> detect(Mat bgr, Mat gray) {
            seen.add(new int[]{bgr.cols(), bgr.rows()});
            return boxes;
        }
        @Override public CropGeometry crop() { return new CropGeometry(1.3, 0, 0); }
        @Override public String name() { return "fixed"; }
        @Override public void close() { closed = true; }
    }

    /** Finds a face at the centre of whatever it is shown, but only where the frame's pixel there is bright. */
    static final class CentreIfBright implements FaceDetector {
        final List<int[]> seen = new ArrayList<>();
        @Override public List<Box> detect(Mat bgr, Mat gray) {
            seen.add(new int[]{bgr.cols(), bgr.rows()});
            int cx = bgr.cols() / 2, cy = bgr.rows() / 2;
            if ((gray.ptr(cy, cx).get() & 0xff) < 128) return List.of();
            return List.of(new Box(cx - 5, cy - 5, 10, 10, 0.9));
        }
        @Override public CropGeometry crop() { return new CropGeometry(1, 0, 0); }
        @Override public String name() { return "centre"; }
        @Override public void close() {}
    }

    @Test
    void keepsTheProposalsTheVerifierConfirmsOnAZoomedCrop() {
        Mat bgr = new Mat(480, 640, opencv_core.CV_8UC3), gray = new Mat(480, 640, opencv_core.CV_8UC1);
        gray.put(new org.bytedeco.opencv.opencv_core.Scalar(0));
        // A bright spot where the first face is, none at the second.
        new Mat(gray, new org.bytedeco.opencv.opencv_core.Rect(110, 110, 20, 20)).put(new org.bytedeco.opencv.opencv_core.Scalar(255));
        Box face = new Box(100, 100, 40, 40, 0.9), wall = new Box(400, 300, 40, 40, 0.95), weak = new Box(100, 100, 40, 40, 0.6);
        var proposer = new Fixed(face, wall, weak);
        var verifier = new CentreIfBright();
        try (var d = new VerifiedDetector(proposer, verifier, 2, 0.7)) {
            assertEquals(List.of(face), d.detect(bgr, gray), "the confirmed box, as proposed; the unconfirmed and the weak one dropped");
            assertEquals(2, verifier.seen.size(), "the weak proposal is never checked");
            assertEquals(80, verifier.seen.get(0)[0], "the verifier sees twice the box's side");
            assertEquals("fixed checked by centre", d.name());
            assertEquals(1.3, d.crop().scale(), "the proposer's crop geometry holds");
        }
        assertTrue(proposer.closed);
    }

    @Test
    void withoutAVerifierOnlyTheThresholdApplies() {
        Mat bgr = new Mat(480, 640, opencv_core.CV_8UC3), gray = new Mat(480, 640, opencv_core.CV_8UC1);
        Box strong = new Box(10, 10, 30, 30, 0.8), weak = new Box(100, 10, 30, 30, 0.5);
        try (var d = new VerifiedDetector(new Fixed(strong, weak), null, 1, 0.7)) {
            assertEquals(List.of(strong), d.detect(bgr, gray));
            assertEquals("fixed", d.name());
        }
    }

    @Test
    void aProposalAtTheFrameEdgeIsCheckedOnWhatOfItsCropIsInside() {
        Mat bgr = new Mat(480, 640, opencv_core.CV_8UC3), gray = new Mat(480, 640, opencv_core.CV_8UC1);
        gray.put(new org.bytedeco.opencv.opencv_core.Scalar(255));
        var verifier = new CentreIfBright();
        try (var d = new VerifiedDetector(new Fixed(new Box(0, 0, 40, 40, 0.9)), verifier, 2, 0)) {
            d.detect(bgr, gray);
            assertEquals(60, verifier.seen.get(0)[0], "80 px asked, 20 of it off the frame");
        }
    }
}
