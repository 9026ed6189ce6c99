package io.moodbox.vision;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts the model's input out of the gray frame: the crop square from the detector's geometry,
 * edge pixels repeated where it reaches outside the frame, resized to {@code size}x{@code size}
 * with area averaging when shrinking (as FER2013's 48 px faces were made from larger photos)
 * and bilinear when enlarging. Output is raw gray 0..255; the classifier does the /255.
 */
final class FacePreparer {
    private final int size;

    FacePreparer(int size) {
        this.size = size;
    }

    int size() { return size; }

    /** {@code square} is {x, y, side} in frame pixels. */
    byte[] prepare(Mat gray, double[] square) {
        int x = (int) Math.round(square[0]), y = (int) Math.round(square[1]);
        int side = Math.max(1, (int) Math.round(square[2]));
        int cols = gray.cols(), rows = gray.rows();
        int x0 = Math.max(0, x), y0 = Math.max(0, y);
        int x1 = Math.min(cols, x + side), y1 = Math.min(rows, y + side);
        byte[] out = new byte[size * size];
        if (x1 <= x0 || y1 <= y0) return out; // wholly outside: cannot happen for a detected box
        try (var scope = new PointerScope()) {
            Mat roi = new Mat(gray, new Rect(x0, y0, x1 - x0, y1 - y0));
            Mat square1 = roi;
            if (x0 != x || y0 != y || x1 != x + side || y1 != y + side) {
                square1 = new Mat();
                opencv_core.copyMakeBorder(roi, square1, y0 - y, y + side - y1, x0 - x, x + side - x1,
                        opencv_core.BORDER_REPLICATE, new Scalar());
            }
            Mat resized = new Mat();
            int interp = side >= size ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR;
            opencv_imgproc.resize(square1, resized, new Size(size, size), 0, 0, interp);
            resized.data().get(out);
        }
        return out;
    }
}
