package io.moodbox.camera;

/** Sleeps so that frames leave at a steady rate; a late frame is not made up for by bursting. */
final class Pacer {
    private final long periodNanos;
    private long due;

    Pacer(double fps) {
        this.periodNanos = fps > 0 ? (long) (1e9 / fps) : 0;
    }

    void await() throws InterruptedException {
        if (periodNanos == 0) return;
        long now = System.nanoTime();
        if (due == 0 || now - due > periodNanos) due = now; // first frame, or fell behind: restart the clock
        long wait = due - now;
        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        due += periodNanos;
    }
}
