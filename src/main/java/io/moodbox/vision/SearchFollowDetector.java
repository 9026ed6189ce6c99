package io.moodbox.vision;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.List;

/**
 * One detector searches the whole frame, another follows known faces in their regions: a CNN
 * that finds faces the cascades miss is too slow to run on every region of every frame, while a
 * cascade asked for one face's size costs under a millisecond. Both detectors' boxes are turned
 * into their calibrated crop squares, so the boxes of either are the same geometry (1.0). A face
 * the follower cannot see is followed by the full searches alone ({@link StagedFaceFinder}).
 */
final class SearchFollowDetector implements FaceDetector {
    private final FaceDetector search, follow;

    SearchFollowDetector(FaceDetector search, FaceDetector follow) {
        this.search = search;
        this.follow = follow;
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        return squares(search, search.detect(bgr, gray));
    }

    @Override
    public List<Box> detectNear(Mat bgr, Mat gray, int x, int y, int w, int h, double faceSide) {
        return squares(follow, follow.detectNear(bgr, gray, x, y, w, h, faceSide / follow.crop().scale()));
    }

    static List<Box> squares(FaceDetector m, List<Box> boxes) {
        var out = new ArrayList<Box>(boxes.size());
        for (Box b : boxes) {
            double[] sq = m.crop().square(b);
            out.add(new Box(sq[0], sq[1], sq[2], sq[2], b.confidence()));
        }
        return out;
    }

    @Override
    public CropGeometry crop() { return new CropGeometry(1.0, 0.0, 0.0); }

    @Override
    public String name() { return search.name() + ", following with " + follow.name(); }

    @Override
    public void close() {
        try {
            search.close();
        } finally {
            follow.close();
        }
    }
}
