package io.moodbox.device;

/** A colour or, for a single LED, a brightness: each channel 0..1 of full drive. Immutable. */
record Rgb(double r, double g, double b) {
    static final Rgb OFF = new Rgb(0, 0, 0);
    static final Rgb WHITE = new Rgb(1, 1, 1);
    static final Rgb RED = new Rgb(1, 0, 0);

    Rgb {
        if (!(r >= 0 && r <= 1 && g >= 0 && g <= 1 && b >= 0 && b <= 1))
            throw new IllegalArgumentException("channels must be 0..1: " + r + ", " + g + ", " + b);
    }

    Rgb scale(double k) { return new Rgb(r * k, g * k, b * k); }

    /** The brightest channel: how lit the LED looks (and a single LED's level). */
    double max() { return Math.max(r, Math.max(g, b)); }

    /** Linear blend, {@code f} 0 gives this, 1 gives {@code to}. */
    Rgb mix(Rgb to, double f) {
        return new Rgb(r + (to.r - r) * f, g + (to.g - g) * f, b + (to.b - b) * f);
    }
}
