package io.moodbox.vision;

/** A detector's face box in full-frame pixels, with its confidence 0..1. */
record Box(double x, double y, double w, double h, double confidence) {
    double cx() { return x + w / 2; }
    double cy() { return y + h / 2; }

    double iou(Box o) {
        double ix = Math.max(0, Math.min(x + w, o.x + o.w) - Math.max(x, o.x));
        double iy = Math.max(0, Math.min(y + h, o.y + o.h) - Math.max(y, o.y));
        double inter = ix * iy;
        return inter / (w * h + o.w * o.h - inter);
    }
}
