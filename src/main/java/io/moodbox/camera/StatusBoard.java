package io.moodbox.camera;

import java.time.Instant;

/**
 * A source's current {@link SourceStatus} plus a measured frame rate. Written by the reading
 * thread, read by any: the status is one volatile immutable record.
 */
final class StatusBoard {
    private final String source;
    private volatile SourceStatus status;
    private long lastNanos;
    private double fps;

    StatusBoard(String source) {
        this.source = source;
        this.status = new SourceStatus(SourceStatus.State.STARTING, source, "opening", 0, Instant.now());
    }

    SourceStatus get() { return status; }

    /** Moves to {@code state}; {@code since} only changes when the state does. */
    void set(SourceStatus.State state, String detail) {
        SourceStatus old = status;
        Instant since = old.state() == state ? old.since() : Instant.now();
        if (state != SourceStatus.State.LIVE) { fps = 0; lastNanos = 0; }
        status = new SourceStatus(state, source, detail, fps, since);
    }

    /** Counts a delivered frame: LIVE, with the frame rate smoothed over about a second. */
    void frame(long nanos) {
        if (lastNanos != 0 && nanos > lastNanos) {
            double instant = 1e9 / (nanos - lastNanos);
            fps = fps == 0 ? instant : fps + (instant - fps) * 0.1;
        }
        lastNanos = nanos;
        SourceStatus old = status;
        // Rebuild the record at most a few times a second; it is read by the page, not per frame.
        if (old.state() != SourceStatus.State.LIVE || Math.abs(old.fps() - fps) > 0.5)
            status = new SourceStatus(SourceStatus.State.LIVE, source, "", fps,
                    old.state() == SourceStatus.State.LIVE ? old.since() : Instant.now());
    }
}
