package io.moodbox.trainer;

import java.util.SplittableRandom;

/**
 * Random augmentation of 48x48 gray faces: horizontal flip, small rotation, shift and zoom
 * (bilinear sampling with edge replication), then optionally brightness and contrast jitter and
 * random erasing of one rectangle. Output is pixel/255, the model's input scale. All draws come
 * from the caller's random source, in a fixed order, so a seeded run repeats exactly; the
 * photometric and erasing draws are only made when those parts are on, so the geometric-only
 * recipe draws what it always drew.
 */
final class Augment {
    static final int S = 48;
    final boolean flip;
    final double maxRotationDeg, maxShiftFrac, maxZoom;
    /** Brightness offset +-{@code brightness} (in 0..1 units), contrast factor 1 +- {@code contrast}. */
    final double brightness, contrast;
    /** Probability of erasing one rectangle (2-25% of the face, aspect 0.3-3.3) with a random gray. */
    final double erasing;

    Augment(double maxRotationDeg, double maxShiftFrac, double maxZoom) {
        this(true, maxRotationDeg, maxShiftFrac, maxZoom, 0, 0, 0);
    }

    Augment(boolean flip, double maxRotationDeg, double maxShiftFrac, double maxZoom,
            double brightness, double contrast, double erasing) {
        this.flip = flip;
        this.maxRotationDeg = maxRotationDeg;
        this.maxShiftFrac = maxShiftFrac;
        this.maxZoom = maxZoom;
        this.brightness = brightness;
        this.contrast = contrast;
        this.erasing = erasing;
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
        // Drawn even when flipping is off, so every later draw stays where it was.
        boolean flip = rnd.nextBoolean() && this.flip;
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
        if (brightness > 0 || contrast > 0) {
            float gain = (float) (1 + (rnd.nextDouble() * 2 - 1) * contrast);
            float shift = (float) ((rnd.nextDouble() * 2 - 1) * brightness);
            // Contrast about the face's own mean, so it does not also brighten.
            float mean = 0;
            for (int i = 0; i < S * S; i++) mean += dst[offset + i];
            mean /= S * S;
            for (int i = 0; i < S * S; i++)
                dst[offset + i] = Math.min(1f, Math.max(0f, (dst[offset + i] - mean) * gain + mean + shift));
        }
        if (erasing > 0 && rnd.nextDouble() < erasing) {
            double area = (0.02 + rnd.nextDouble() * 0.23) * S * S;
            double aspect = Math.exp(Math.log(0.3) + rnd.nextDouble() * (Math.log(3.3) - Math.log(0.3)));
            int h = (int) Math.min(S, Math.max(1, Math.round(Math.sqrt(area * aspect))));
            int w = (int) Math.min(S, Math.max(1, Math.round(Math.sqrt(area / aspect))));
            int top = rnd.nextInt(S - h + 1), left = rnd.nextInt(S - w + 1);
            float gray = (float) rnd.nextDouble();
            for (int y = top; y < top + h; y++)
                for (int x = left; x < left + w; x++) dst[offset + y * S + x] = gray;
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
