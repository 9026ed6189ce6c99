package io.moodbox.vision;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

import java.util.ArrayList;
import java.util.List;

/** One detection method. Gets the frame in colour and in gray (both full size); returns boxes in frame pixels. */
interface FaceDetector extends AutoCloseable {
    List<Box> detect(Mat bgr, Mat gray);

    /**
     * Searches only the region {@code x, y, w, h} (frame pixels, inside the frame), which is
     * expected to hold one known face of about {@code faceSide} px; boxes in frame pixels. This
     * default runs {@link #detect} on the region; a detector that can look for one size only
     * does better.
     */
    default List<Box> detectNear(Mat bgr, Mat gray, int x, int y, int w, int h, double faceSide) {
        try (var scope = new PointerScope()) {
            var region = new Rect(x, y, w, h);
            var out = new ArrayList<Box>();
            for (Box b : detect(new Mat(bgr, region), new Mat(gray, region)))
                out.add(new Box(b.x() + x, b.y() + y, b.w(), b.h(), b.confidence()));
            return out;
        }
    }

    /** How a FER2013-style crop is placed around this detector's box (measured, see docs/seeing.md). */
    CropGeometry crop();

    String name();

    @Override void close();
}
