package io.moodbox.device;

import io.moodbox.device.ButtonDetector.Gesture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The debouncer and gesture machine on scripted samples, every 5 ms of simulated time. */
class ButtonDetectorTest {
    private static final long MS = 1_000_000;
    private final List<Gesture> got = new ArrayList<>();
    private long now;

    private ButtonDetector detector(long doubleMs) {
        ButtonDetector d = new ButtonDetector(30 * MS, 1000 * MS, doubleMs * MS, 1000 * MS, got::add);
        d.sample(false, now);
        return d;
    }

    /** Holds a raw level for {@code ms}, sampling every 5 ms. */
    private void hold(ButtonDetector d, boolean pressed, long ms) {
        for (long end = now + ms * MS; now < end; now += 5 * MS) d.sample(pressed, now);
    }

    /** Contact bounce: alternates every 2 samples for {@code ms}. */
    private void bounce(ButtonDetector d, long ms) {
        boolean level = true;
        int n = 0;
        for (long end = now + ms * MS; now < end; now += 5 * MS) {
            d.sample(level, now);
            if (++n % 2 == 0) level = !level;
        }
    }

    @Test
    void aPressWithoutDoubleActionActsOnRelease() {
        ButtonDetector d = detector(0);
        hold(d, true, 100);
        assertEquals(List.of(), got, "nothing while held");
        hold(d, false, 40);
        assertEquals(List.of(Gesture.PRESS), got);
    }

    @Test
    void bounceAndShortSpikesAreIgnored() {
        ButtonDetector d = detector(0);
        bounce(d, 200);                 // never stable for 30 ms
        hold(d, false, 100);
        hold(d, true, 20);              // a 20 ms spike
        hold(d, false, 100);
        assertEquals(List.of(), got);
    }

    @Test
    void aBouncyPressIsStillOnePress() {
        ButtonDetector d = detector(0);
        bounce(d, 25);
        hold(d, true, 150);
        bounce(d, 25);
        hold(d, false, 100);
        assertEquals(List.of(Gesture.PRESS), got);
    }

    @Test
    void longPressFiresWhileHeldAndOnlyOnce() {
        ButtonDetector d = detector(350);
        hold(d, true, 1020);
        assertEquals(List.of(), got, "not yet: 1 s counts from the debounced press");
        hold(d, true, 40);
        assertEquals(List.of(Gesture.LONG), got);
        hold(d, true, 3000);
        hold(d, false, 1000);
        assertEquals(List.of(Gesture.LONG), got, "the release after a long press does nothing");
    }

    @Test
    void doublePressWithinTheWindow() {
        ButtonDetector d = detector(350);
        hold(d, true, 100);
        hold(d, false, 150);
        hold(d, true, 100);
        hold(d, false, 1000);
        assertEquals(List.of(Gesture.DOUBLE), got);
    }

    @Test
    void twoPressesFurtherApartAreTwoPresses() {
        ButtonDetector d = detector(350);
        hold(d, true, 100);
        hold(d, false, 300);
        assertEquals(List.of(), got, "still inside the double-press window");
        hold(d, false, 200);
        assertEquals(List.of(Gesture.PRESS), got);
        hold(d, true, 100);
        hold(d, false, 600);
        assertEquals(List.of(Gesture.PRESS, Gesture.PRESS), got);
    }

    @Test
    void aPressThatEndsTheWindowInTheSameSampleKeepsTheFirstClick() {
        ButtonDetector d = new ButtonDetector(30 * MS, 1000 * MS, 350 * MS, 1000 * MS, got::add);
        d.sample(false, 0);
        d.sample(true, 10 * MS);
        d.sample(true, 40 * MS);               // pressed (debounced)
        d.sample(false, 100 * MS);
        d.sample(false, 130 * MS);             // released at 130: window until 480
        d.sample(true, 460 * MS);
        d.sample(true, 490 * MS);              // the second press is confirmed just after the window
        assertEquals(List.of(Gesture.PRESS), got, "the first click is not lost");
        d.sample(false, 550 * MS);
        d.sample(false, 580 * MS);
        d.sample(false, 1000 * MS);
        assertEquals(List.of(Gesture.PRESS, Gesture.PRESS), got);
    }

    @Test
    void clickThenHoldIsAPressThenALongPress() {
        ButtonDetector d = detector(350);
        hold(d, true, 100);
        hold(d, false, 100);
        hold(d, true, 1200);
        assertEquals(List.of(Gesture.PRESS, Gesture.LONG), got);
    }

    @Test
    void lettingGoOfALongHoldEarlyCancelsIt() {
        ButtonDetector d = new ButtonDetector(30 * MS, 4000 * MS, 0, 1000 * MS, got::add);
        d.sample(false, now);
        hold(d, true, 2000);
        hold(d, false, 500);
        assertEquals(List.of(), got, "held 2 s: neither a press nor the 4 s long press");
        hold(d, true, 900);
        hold(d, false, 100);
        assertEquals(List.of(Gesture.PRESS), got, "under the give-up time: still a press");
        hold(d, true, 4100);
        assertEquals(List.of(Gesture.PRESS, Gesture.LONG), got);
    }

    @Test
    void aButtonPressedAtStartIsIgnoredUntilReleased() {
        ButtonDetector d = new ButtonDetector(30 * MS, 1000 * MS, 0, 1000 * MS, got::add);
        d.sample(true, now);
        hold(d, true, 5000);
        assertTrue(d.stuck());
        assertEquals(List.of(), got, "no long press from a stuck button");
        hold(d, false, 100);
        assertFalse(d.stuck());
        assertEquals(List.of(), got, "its first release only arms it");
        hold(d, true, 100);
        hold(d, false, 100);
        assertEquals(List.of(Gesture.PRESS), got);
    }
}
