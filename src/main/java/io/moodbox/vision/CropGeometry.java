package io.moodbox.vision;

/**
 * Where the model's square crop lies relative to a detector's box: its side is {@code scale}
 * times the box's geometric-mean side, and its centre is moved by {@code dx} box widths and
 * {@code dy} box heights. Measured per detector on generated scenes so that the crop reproduces
 * the tight FER2013 registration the model was trained on.
 */
record CropGeometry(double scale, double dx, double dy) {
    /** The crop square {x, y, side} in frame pixels (may reach outside the frame). */
    double[] square(Box b) {
        double side = scale * Math.sqrt(b.w() * b.h());
        double cx = b.cx() + dx * b.w(), cy = b.cy() + dy * b.h();
        return new double[]{cx - side / 2, cy - side / 2, side};
    }
}
