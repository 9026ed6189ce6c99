package io.moodbox.device;

import java.util.List;

/**
 * Drives one LED (one channel) or an RGB LED (three) through plain GPIO outputs: the pattern's
 * colour at each instant, brightness-scaled and gamma-corrected, becomes a duty cycle rendered by
 * software PWM. Pi4J's gpiod provider has no PWM, and the Pi's two hardware PWM channels could not
 * drive three colours anyway; a status light does not need more than this.
 *
 * <p>{@link #render} is time-driven and has no sleeps of its own: it sets every output for the
 * given instant and returns when it must next be called. Steady full-on or off colours cost no
 * wake-ups at all; fractional duties wake it at each PWM edge (at most channels+1 per period).
 * Called only from the {@code moodbox-led} thread (or a test); {@link #show} from any thread.
 */
final class LedRenderer {
    /**
     * The shortest pulse (as a share of the period) the thread can time reliably: a dimmer but
     * non-zero level gets this much rather than going dark (1 - it counts as fully on).
     */
    private static final double MIN_DUTY = 0.01;
    private static final double GAMMA = 2.2;
    /** Even a steady LED is re-rendered this often: bounds how stale it could get if a wake-up were lost. */
    private static final long IDLE_RECHECK_NS = 1_000_000_000L;

    private record Showing(LedPattern pattern, long sinceNanos) {}

    /** A button press is acknowledged by inverting the LED this long: short enough to keep the live light "on". */
    static final long ACK_NS = 120_000_000L;
    /** Acknowledgements closer together than this merge, so hammering a button cannot keep the LED dark. */
    static final long ACK_GAP_NS = 400_000_000L;

    private final List<Gpio.Output> channels;
    private final long periodNs;
    private final double brightness;
    private final Boolean[] written;
    private volatile Showing showing;
    private volatile long ackFrom = Long.MIN_VALUE / 2;

    /** {@code channels}: one (single LED) or three (red, green, blue). */
    LedRenderer(List<Gpio.Output> channels, int pwmHz, double brightness, LedPattern initial, long nowNanos) {
        if (channels.size() != 1 && channels.size() != 3)
            throw new IllegalArgumentException("an LED has 1 or 3 channels, not " + channels.size());
        this.channels = List.copyOf(channels);
        this.periodNs = 1_000_000_000L / pwmHz;
        this.brightness = brightness;
        this.written = new Boolean[channels.size()];
        this.showing = new Showing(initial, nowNanos);
    }

    /** Starts {@code p} from its beginning, unless it is already showing (a blink keeps its rhythm). */
    void show(LedPattern p, long nowNanos) {
        if (!showing.pattern().equals(p)) showing = new Showing(p, nowNanos);
    }

    LedPattern pattern() { return showing.pattern(); }

    /**
     * Flashes the inverse of what is showing for {@link #ACK_NS} (dark if lit, dim white if dark),
     * so the owner sees a button was taken even when the state it changes is not on the LED.
     */
    void acknowledge(long nowNanos) {
        if (nowNanos - ackFrom >= ACK_NS + ACK_GAP_NS) ackFrom = nowNanos;
    }

    private boolean acking(long nowNanos) {
        long since = nowNanos - ackFrom;
        return since >= 0 && since < ACK_NS;
    }

    /** The duty cycles (0..1 per channel) shown at this instant. */
    double[] duties(long nowNanos) {
        Showing s = showing;
        Rgb c = s.pattern().at((nowNanos - s.sinceNanos()) / 1_000_000);
        if (acking(nowNanos)) c = c.max() >= 0.5 ? Rgb.OFF : Rgb.WHITE.scale(0.6);
        double[] levels = channels.size() == 1 ? new double[] {c.max()} : new double[] {c.r(), c.g(), c.b()};
        for (int i = 0; i < levels.length; i++) {
            double d = Math.pow(levels[i] * brightness, GAMMA);
            levels[i] = d <= 0 ? 0 : d < MIN_DUTY ? MIN_DUTY : d > 1 - MIN_DUTY ? 1 : d;
        }
        return levels;
    }

    /** Sets every output for {@code nowNanos}; returns the instant (nanos) of the next needed call. */
    long render(long nowNanos) {
        Showing s = showing;
        double[] duty = duties(nowNanos);
        long phase = Math.floorMod(nowNanos, periodNs);
        long next = Long.MAX_VALUE;
        for (int i = 0; i < duty.length; i++) {
            boolean on;
            if (duty[i] == 0 || duty[i] == 1) {
                on = duty[i] == 1;
            } else {
                long onNs = Math.round(duty[i] * periodNs);
                on = phase < onNs;
                next = Math.min(next, nowNanos + (on ? onNs - phase : periodNs - phase));
            }
            write(i, on);
        }
        long elapsedMs = (nowNanos - s.sinceNanos()) / 1_000_000;
        long change = s.pattern().nextChangeMs(elapsedMs);
        if (change != Long.MAX_VALUE) next = Math.min(next, s.sinceNanos() + change * 1_000_000);
        if (acking(nowNanos)) next = Math.min(next, ackFrom + ACK_NS);
        next = Math.min(next, nowNanos + IDLE_RECHECK_NS);
        return Math.max(next, nowNanos + 20_000);
    }

    /** Turns every channel off (on close). */
    void off() {
        for (int i = 0; i < channels.size(); i++) {
            written[i] = null;
            write(i, false);
        }
    }

    private void write(int i, boolean on) {
        if (written[i] != null && written[i] == on) return;
        channels.get(i).set(on);
        written[i] = on;
    }
}
