package io.moodbox.trainer;

import java.util.SplittableRandom;

/**
 * Random affine augmentation of 48x48 gray faces: horizontal flip, small rotation, shift and
 * zoom, bilinear sampling with edge replication. Output is pixel/255, the model's input scale.
 */
final class Augment {
    static final int S = 48;
    final double maxRotationDeg, maxShiftFrac, maxZoom;

    Augment(double maxRotationDeg, double maxShiftFrac, double maxZoom) {
        this.maxRotationDeg = maxRotationDeg;
        this.maxShiftFrac = maxShiftFrac;
        this.maxZoom = maxZoom;
    }

    /** Plain conversion, no augmentation. */
    static void plain(byte[] src, float[] dst, int offset) {
        for (int i = 0; i < S * S; i++) dst[offset + i] = (src[i] & 0xFF) / 255f;
    }

    /** Mirror image, for test-time flip averaging. */
    static void flipped(byte[] src, float[] dst, int offset) {
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) dst[offset + y * S + x] = (src[y * S + (S - 1 - x)] & 0xFF) / 255f;
    }

    void random(byte[] src, float[] dst, int offset, SplittableRandom rnd) {
        boolean flip = rnd.nextBoolean();
        double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * maxRotationDeg);
        double zoom = 1 + (rnd.nextDouble() * 2 - 1) * maxZoom;
        double tx = (rnd.nextDouble() * 2 - 1) * maxShiftFrac * S;
        double ty = (rnd.nextDouble() * 2 - 1) * maxShiftFrac * S;
        double c = Math.cos(angle) / zoom, s = Math.sin(angle) / zoom, mid = (S - 1) / 2.0;
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                // Inverse map: output pixel -> source position.
                double ox = (flip ? S - 1 - x : x) - mid - tx, oy = y - mid - ty;
                double sx = c * ox - s * oy + mid, sy = s * ox + c * oy + mid;
                dst[offset + y * S + x] = bilinear(src, sx, sy) / 255f;
            }
        }
    }

    private static float bilinear(byte[] p, double x, double y) {
        x = Math.min(Math.max(x, 0), S - 1);
        y = Math.min(Math.max(y, 0), S - 1);
        int x0 = (int) x, y0 = (int) y, x1 = Math.min(x0 + 1, S - 1), y1 = Math.min(y0 + 1, S - 1);
        double fx = x - x0, fy = y - y0;
        double top = (p[y0 * S + x0] & 0xFF) * (1 - fx) + (p[y0 * S + x1] & 0xFF) * fx;
        double bottom = (p[y1 * S + x0] & 0xFF) * (1 - fx) + (p[y1 * S + x1] & 0xFF) * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }
}
