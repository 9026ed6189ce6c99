package io.moodbox.app;

import io.moodbox.camera.Frame;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one-slot handoff from the camera thread to the analysis thread: the latest frame wins. A
 * frame put while the previous one is still waiting replaces it (counted as dropped), so vision
 * always works on the newest picture and never falls behind (MediaPipe's FlowLimiter with one
 * frame in flight).
 */
final class FrameSlot {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition filled = lock.newCondition();
    private Frame frame;
    private long dropped;

    /** Leaves {@code f} for the analysis thread; returns the waiting frame it replaced (dropped), or null. */
    Frame put(Frame f) {
        lock.lock();
        try {
            Frame old = frame;
            if (old != null) dropped++;
            frame = f;
            filled.signal();
            return old;
        } finally {
            lock.unlock();
        }
    }

    /** The waiting frame, or null after the timeout. */
    Frame take(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (frame == null) {
                if (nanos <= 0) return null;
                nanos = filled.awaitNanos(nanos);
            }
            Frame f = frame;
            frame = null;
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** Throws away a waiting frame (privacy turned on). */
    void clear() {
        lock.lock();
        try {
            frame = null;
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
