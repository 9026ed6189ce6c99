package io.moodbox.web;

import io.moodbox.box.BoxState;
import io.moodbox.mood.MoodState;

import java.util.ArrayList;
import java.util.List;

/**
 * The last hour of room mood for the page's plot: one point per {@link #BUCKET_MS} (the latest
 * state in that slot wins), in a fixed ring of {@link #CAPACITY} points. Written on the
 * {@code moodbox-events} thread, read on request threads. Thread-safe.
 */
final class MoodHistory {
    static final long BUCKET_MS = 5_000;
    static final long SPAN_MS = 3_600_000;
    static final int CAPACITY = (int) (SPAN_MS / BUCKET_MS);

    /** One plot point: epoch millis, valence/arousal in [-1, 1], settled mood, faces, presence. */
    record Point(long atMs, double valence, double arousal, String mood, int faces, String presence, boolean locked) {}

    private final Point[] ring = new Point[CAPACITY];
    private int next, size;

    synchronized void record(BoxState s) {
        MoodState m = s.mood();
        if (m == null) return;
        long at = (s.at() != null ? s.at() : m.at()).toEpochMilli();
        Point p = new Point(at, round(m.valence()), round(m.arousal()), m.mood().label(), m.faces(),
                m.presence().name().toLowerCase(), m.locked());
        if (size > 0) {
            int last = (next - 1 + CAPACITY) % CAPACITY;
            if (ring[last].atMs() / BUCKET_MS == at / BUCKET_MS) {
                ring[last] = p;
                return;
            }
            if (at < ring[last].atMs()) return; // clocks never run back here; ignore if they do
        }
        ring[next] = p;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    synchronized void clear() {
        java.util.Arrays.fill(ring, null);
        next = size = 0;
    }

    /** Points of the hour before {@code nowMs}, oldest first. */
    synchronized List<Point> lastHour(long nowMs) {
        List<Point> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Point p = ring[(next - size + i + CAPACITY) % CAPACITY];
            if (p.atMs() >= nowMs - SPAN_MS) out.add(p);
        }
        return out;
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }
}
