package io.moodbox.device;

import java.util.List;

/**
 * What the status LED shows for one {@link Signal}: a loop of steps, each holding a colour or
 * ramping from one colour to another. Immutable; {@link #at} is a pure function of the time since
 * the pattern started, so the renderer and the tests agree on every instant.
 */
record LedPattern(Signal signal, List<Step> steps) {

    /** What the LED is telling the room; which one wins is decided by {@link LedPatterns}. */
    enum Signal {
        /** Nothing to show (the box is idle without a camera, or stopping). */
        OFF,
        /** The daemon is starting up. */
        STARTING,
        /** The camera is live and sees nobody. */
        CAMERA_LIVE,
        /** The camera is live and sees someone: the RGB LED shows the room's mood. */
        FACE_SEEN,
        /** The camera is live and something needs the owner: live and error together. */
        ERROR_LIVE,
        /** Something needs the owner (see the page or the log); the camera is not live. */
        ERROR,
        /** Privacy mode: the camera is off. */
        PRIVACY,
        /** Music is playing; the camera is not live. */
        PLAYING,
        /** Music is paused; the camera is not live. */
        PAUSED
    }

    /** Holds {@code from} (when equal to {@code to}) or ramps linearly to {@code to}, for {@code ms}. */
    record Step(Rgb from, Rgb to, int ms) {
        Step {
            if (ms <= 0) throw new IllegalArgumentException("step must last > 0 ms: " + ms);
        }

        static Step hold(Rgb c, int ms) { return new Step(c, c, ms); }

        static Step ramp(Rgb from, Rgb to, int ms) { return new Step(from, to, ms); }

        boolean ramps() { return !from.equals(to); }
    }

    /** How often a ramp is re-evaluated: 50 updates a second look smooth. */
    static final int RAMP_TICK_MS = 20;

    LedPattern {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) throw new IllegalArgumentException("a pattern needs a step");
    }

    static LedPattern steady(Signal s, Rgb c) { return new LedPattern(s, List.of(Step.hold(c, 1000))); }

    long periodMs() {
        long p = 0;
        for (Step s : steps) p += s.ms();
        return p;
    }

    /** The colour {@code elapsedMs} after the pattern started (loops). */
    Rgb at(long elapsedMs) {
        long t = Math.floorMod(elapsedMs, periodMs());
        for (Step s : steps) {
            if (t < s.ms()) return s.ramps() ? s.from().mix(s.to(), (double) t / s.ms()) : s.from();
            t -= s.ms();
        }
        throw new AssertionError("unreachable: t within period");
    }

    /** The next moment (ms since start, > elapsedMs) at which {@link #at} may change. */
    long nextChangeMs(long elapsedMs) {
        if (steps.size() == 1 && !steps.get(0).ramps()) return Long.MAX_VALUE;
        long period = periodMs();
        long base = Math.floorDiv(elapsedMs, period) * period;
        long t = elapsedMs - base;
        long end = 0;
        for (Step s : steps) {
            end += s.ms();
            if (t < end) return base + (s.ramps() ? Math.min(end, t + RAMP_TICK_MS) : end);
        }
        return base + period;
    }

    /** The share of the period in which the LED is clearly lit (brightest channel at least half). */
    double litShare() {
        long lit = 0;
        for (long t = 0; t < periodMs(); t++) if (at(t).max() >= 0.5) lit++;
        return (double) lit / periodMs();
    }

    /** The longest stretch (ms, across the loop) in which the LED is not clearly lit. */
    long longestDarkMs() {
        long period = periodMs(), run = 0, longest = 0;
        for (long t = 0; t < 2 * period; t++) {
            run = at(t).max() >= 0.5 ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        return Math.min(longest, period);
    }
}
