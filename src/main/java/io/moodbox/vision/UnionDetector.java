package io.moodbox.vision;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.List;

/**
 * Several cascades on the same frame, their boxes merged: each member's box is first turned into
 * its own calibrated crop square, so every box of the union is a crop square (geometry 1.0), and a
 * box that is the same face as one already kept (either's centre inside the other) is dropped.
 * Members come in order of preference: the first one's box wins, as the crop is best calibrated on it.
 * The region search around a known face asks the members in turn until one finds it.
 */
final class UnionDetector implements FaceDetector {
    private final List<FaceDetector> members;

    UnionDetector(List<FaceDetector> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("a union needs at least one detector");
        this.members = List.copyOf(members);
    }

    @Override
    public List<Box> detect(Mat bgr, Mat gray) {
        var kept = new ArrayList<Box>();
        for (FaceDetector m : members) merge(kept, squares(m, m.detect(bgr, gray)));
        return kept;
    }

    @Override
    public List<Box> detectNear(Mat bgr, Mat gray, int x, int y, int w, int h, double faceSide) {
        for (FaceDetector m : members) {
            // The member's own box for a face whose crop square is faceSide.
            List<Box> found = squares(m, m.detectNear(bgr, gray, x, y, w, h, faceSide / m.crop().scale()));
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<Box> squares(FaceDetector m, List<Box> boxes) {
        return SearchFollowDetector.squares(m, boxes);
    }

    /** Adds the boxes that are no face already in {@code kept}. */
    static void merge(List<Box> kept, List<Box> boxes) {
        for (Box b : boxes) {
            boolean known = false;
            for (Box k : kept) known |= StagedFaceFinder.sameFace(b, k);
            if (!known) kept.add(b);
        }
    }

    @Override
    public CropGeometry crop() { return new CropGeometry(1.0, 0.0, 0.0); }

    @Override
    public String name() {
        if (members.stream().allMatch(m -> m instanceof HaarDetector)) return "cascades";
        return String.join("+", members.stream().map(FaceDetector::name).toList());
    }

    @Override
    public void close() {
        for (FaceDetector m : members) m.close();
    }
}
