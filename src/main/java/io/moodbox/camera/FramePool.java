package io.moodbox.camera;

import java.util.ArrayDeque;

/**
 * Spare frame buffers, so a camera at 15 fps does not allocate a 900 KB array per frame. With
 * one allocated per frame, a frame still being analysed when the young generation fills (a
 * busy core) is promoted, and the serial collector grows the old generation with such dead
 * frames instead of collecting it: resident memory climbed ~80 MB in 10 minutes on a loaded
 * machine. Holds at most {@code max} spares; more are left to the collector. Thread-safe: the
 * camera thread takes, the analysis thread gives back.
 */
final class FramePool {
    private final int max;
    private final ArrayDeque<byte[]> spares;
    private long allocated;

    FramePool(int max) {
        if (max < 0) throw new IllegalArgumentException("max must be >= 0, not " + max);
        this.max = max;
        this.spares = new ArrayDeque<>(max);
    }

    /** A spare of exactly {@code size} bytes (its old contents are overwritten by the caller), or a new one. */
    synchronized byte[] take(int size) {
        for (byte[] b; (b = spares.poll()) != null; ) {
            if (b.length == size) return b;   // a resolution change: the old size is dropped
        }
        allocated++;
        return new byte[size];
    }

    /** Hands a buffer back; its owner must not touch it afterwards. */
    synchronized void give(byte[] b) {
        if (b != null && spares.size() < max) spares.push(b);
    }

    /** Buffers made new so far (the rest were reused). */
    synchronized long allocated() { return allocated; }
}
