package io.moodbox.device;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency compensation on a simulated scheduler that always wakes 300 µs late. */
class WakePacerTest {
    private static final long US = 1_000;

    @Test
    void learnsTheLatencyAndLandsEdgesOnTime() {
        WakePacer p = new WakePacer();
        long now = 0, lastError = 0;
        for (int i = 0; i < 200; i++) {
            long target = now + 3_000 * US;
            long woke = now + Math.max(0, p.parkFor(target, now)) + 300 * US;
            long at = p.renderAt(target, woke);
            lastError = woke - target;
            now = at;
        }
        assertTrue(Math.abs(lastError) < 5 * US, "wakes within 5 µs of the edge after learning: " + lastError);
        assertEquals(300 * US, p.earlyNs(), 5 * US);
    }

    @Test
    void anUnparkBeforeTheTargetRendersAtOnceAndTeachesNothing() {
        WakePacer p = new WakePacer();
        assertEquals(1_000 * US, p.renderAt(900_000 * US, 1_000 * US), "a pattern change shows now");
        assertEquals(0, p.earlyNs());
        for (int i = 0; i < 100; i++) p.renderAt(0, 300 * US);       // learn: 300 µs late
        long early = p.earlyNs();
        assertEquals(5_000 * US, p.renderAt(5_000 * US, 4_900 * US), "woken early by the pacer itself: render the edge");
        assertTrue(p.earlyNs() < early, "and learn it was a little too early");
    }

    @Test
    void compensationIsBounded() {
        WakePacer p = new WakePacer();
        for (int i = 0; i < 1000; i++) p.renderAt(0, 50_000 * US);   // a stalled machine: 50 ms late each time
        assertEquals(WakePacer.MAX_EARLY_NS, p.earlyNs());
    }
}
