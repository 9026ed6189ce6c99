package io.moodbox.vision;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.List;

/**
 * How much of the picture changed since the previous frame, measured on a 32x24 gray thumbnail
 * (each cell the average of a 20x20 block at 640x480, so sensor noise cancels out). A cell counts
 * as changed when its gray level moved by more than {@value #LEVELS}. The global share leaves out
 * the cells around known faces, since those faces are followed anyway; {@link #changedIn} asks
 * about one region. Costs about 0.1 ms.
 * Not thread-safe; the thumbnail is a native field freed in close().
 */
final class ChangeMeter implements AutoCloseable {
    static final int COLS = 32, ROWS = 24, LEVELS = 16;

    private final Mat thumb = new Mat();
    private byte[] now = new byte[COLS * ROWS], before = new byte[COLS * ROWS];
    private final boolean[] moved = new boolean[COLS * ROWS];
    private int width = -1, height = -1;

    /**
     * Share 0..1 of the cells outside {@code ignore} (boxes in frame pixels) that changed since
     * the last call; 1 on the first frame and whenever the frame size changes.
     */
    double update(Mat gray, List<Box> ignore) {
        try (var scope = new PointerScope()) {
            opencv_imgproc.resize(gray, thumb, new Size(COLS, ROWS), 0, 0, opencv_imgproc.INTER_AREA);
            thumb.data().get(now);
        }
        boolean first = gray.cols() != width || gray.rows() != height;
        width = gray.cols();
        height = gray.rows();
        for (int i = 0; i < moved.length; i++) moved[i] = first || Math.abs((now[i] & 255) - (before[i] & 255)) > LEVELS;
        byte[] t = before;
        before = now;
        now = t;
        return share(ignore, false);
    }

    /** Share 0..1 of the cells inside {@code region} (frame pixels) that changed in the last {@link #update}. */
    double changedIn(Box region) {
        return share(List.of(region), true);
    }

    /** The share of moved cells whose centres lie inside ({@code within}) or outside all of {@code boxes}. */
    private double share(List<Box> boxes, boolean within) {
        int counted = 0, changed = 0;
        for (int r = 0; r < ROWS; r++) {
            double cy = (r + 0.5) * height / ROWS;
            for (int c = 0; c < COLS; c++) {
                double cx = (c + 0.5) * width / COLS;
                if (inside(cx, cy, boxes) != within) continue;
                counted++;
                if (moved[r * COLS + c]) changed++;
            }
        }
        // A region smaller than a cell: judge it by the cell under its centre.
        if (counted == 0 && within && !boxes.isEmpty()) {
            Box b = boxes.get(0);
            int c = (int) Math.min(COLS - 1, Math.max(0, b.cx() * COLS / width));
            int r = (int) Math.min(ROWS - 1, Math.max(0, b.cy() * ROWS / height));
            return moved[r * COLS + c] ? 1 : 0;
        }
        return counted == 0 ? 0 : (double) changed / counted;
    }

    private static boolean inside(double x, double y, List<Box> boxes) {
        for (Box b : boxes)
            if (x >= b.x() && x < b.x() + b.w() && y >= b.y() && y < b.y() + b.h()) return true;
        return false;
    }

    @Override
    public void close() {
        thumb.close();
    }
}
