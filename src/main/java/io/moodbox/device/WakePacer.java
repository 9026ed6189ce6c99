package io.moodbox.device;

/**
 * Learns how late the {@code moodbox-led} thread wakes from a timed park (scheduler latency,
 * typically 50-500 µs) and asks for that much earlier next time, so PWM edges land on average
 * where they should: otherwise every short pulse is stretched by the latency and dim colours come
 * out several times too bright. An early wake that is not a timed one (a pattern change unparks
 * the thread) is recognised and rendered at once. Pure; used by one thread.
 */
final class WakePacer {
    /** Never compensate more than this: beyond it the machine is too busy for latency to be steady. */
    static final long MAX_EARLY_NS = 2_000_000;

    private long earlyNs;

    /** How long to park now to wake at {@code target}; may be zero or less (do not park). */
    long parkFor(long target, long now) {
        return target - now - earlyNs;
    }

    /** The instant to render for after waking at {@code woke}; learns from timed wakes. */
    long renderAt(long target, long woke) {
        if (woke < target - earlyNs) return woke;          // unparked early: something changed, show it now
        long late = woke - target;
        earlyNs = Math.clamp(earlyNs + late / 8, 0, MAX_EARLY_NS);
        return Math.max(woke, target);
    }

    long earlyNs() { return earlyNs; }
}
