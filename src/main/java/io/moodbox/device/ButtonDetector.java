package io.moodbox.device;

import java.util.function.Consumer;

/**
 * Turns one button's raw samples into gestures: debounces in our own code (a level must hold for
 * the debounce time before it counts, so contact bounce and short spikes are ignored), then tells
 * a press from a double press and a long press.
 *
 * <ul>
 *   <li>{@link Gesture#LONG} fires while the button is still held, once it has been held for the
 *       long-press time, so the owner feels it take; the release after it does nothing.</li>
 *   <li>{@link Gesture#DOUBLE}: a second press begun within the double-press window after a
 *       release, then released. With a window of zero, double presses are not detected and a
 *       press acts at once on release instead of waiting the window out.</li>
 *   <li>A press held past the give-up time but released before the long-press time does nothing:
 *       with shutdown on a long hold of several seconds, letting go early cancels.</li>
 *   <li>A button that reads pressed when first sampled is ignored until it is seen released: a
 *       stuck button or a wiring fault must not fire (or shut the box down) at every start.</li>
 * </ul>
 *
 * Pure and single-threaded: all time comes in through {@link #sample}, in nanoseconds.
 */
final class ButtonDetector {

    enum Gesture { PRESS, DOUBLE, LONG }

    private final long debounceNs, longNs, doubleNs, giveUpNs;
    private final Consumer<Gesture> out;

    private boolean started;
    private boolean armed;
    private boolean stable;          // debounced level: true = pressed
    private boolean candidate;       // raw level waiting to become stable
    private long candidateSince;

    private long pressedAt;
    private boolean longFired;
    private boolean secondPress;     // this press began inside the double-press window
    private boolean clickPending;    // released once; waiting to see if a second press follows
    private long releasedAt;

    /** {@code giveUpNs}: a press held longer than this is no longer a click (at most {@code longNs}). */
    ButtonDetector(long debounceNs, long longNs, long doubleNs, long giveUpNs, Consumer<Gesture> out) {
        this.debounceNs = debounceNs;
        this.longNs = longNs;
        this.doubleNs = doubleNs;
        this.giveUpNs = Math.min(giveUpNs, longNs);
        this.out = out;
    }

    /** How long the current press has been held (0 when released, stuck, or its long press has fired). */
    long heldNs(long nowNs) {
        return armed && stable && !longFired ? nowNs - pressedAt : 0;
    }

    /** Whether the first sample showed it pressed and it has not been released since. */
    boolean stuck() { return started && !armed; }

    /** One raw reading of the button at {@code nowNs}; may emit gestures. */
    void sample(boolean rawPressed, long nowNs) {
        if (!started) {
            started = true;
            stable = candidate = rawPressed;
            armed = !rawPressed;
            return;
        }
        if (rawPressed == stable) {
            candidate = stable;
        } else if (rawPressed != candidate) {
            candidate = rawPressed;
            candidateSince = nowNs;
        } else if (nowNs - candidateSince >= debounceNs) {
            stable = rawPressed;
            if (!armed) {
                armed = !stable;   // the first release of a stuck button only arms it
            } else if (stable) {
                pressed(nowNs);
            } else {
                released(nowNs);
            }
        }
        if (armed) tick(nowNs);
    }

    private void pressed(long now) {
        secondPress = clickPending && now - releasedAt <= doubleNs;
        if (clickPending && !secondPress) out.accept(Gesture.PRESS);   // its window closed in this very sample
        clickPending = false;
        pressedAt = now;
        longFired = false;
    }

    private void released(long now) {
        if (longFired) return;
        if (now - pressedAt > giveUpNs) {
            secondPress = false;
            return;
        }
        if (secondPress) {
            secondPress = false;
            out.accept(Gesture.DOUBLE);
        } else if (doubleNs == 0) {
            out.accept(Gesture.PRESS);
        } else {
            clickPending = true;
            releasedAt = now;
        }
    }

    private void tick(long now) {
        if (stable && !longFired && now - pressedAt >= longNs) {
            longFired = true;
            if (secondPress) {
                // A click, then a hold: the click was a press of its own.
                secondPress = false;
                out.accept(Gesture.PRESS);
            }
            out.accept(Gesture.LONG);
        }
        if (!stable && clickPending && now - releasedAt > doubleNs) {
            clickPending = false;
            out.accept(Gesture.PRESS);
        }
    }
}
