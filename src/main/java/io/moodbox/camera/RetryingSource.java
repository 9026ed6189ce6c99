package io.moodbox.camera;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps a source going: opens it, and when opening or reading fails (webcam unplugged, pipe
 * closed) closes it and tries again after a backoff that doubles from {@code retryMin} to
 * {@code retryMax}, reporting RETRYING (or NO_CAMERA while the device is not there at all).
 * {@link #next()} only returns once a frame arrives, or empty when a file source ends.
 * Never throws {@link CameraException}; only an interrupt ends the wait.
 */
final class RetryingSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(RetryingSource.class);

    private final Supplier<FrameSource> opener;
    private final boolean endIsFailure;
    private final long minMs, maxMs;
    private final StatusBoard status;
    private volatile FrameSource current;   // volatile: recycle() comes from the analysis thread
    private long backoffMs;
    private long sequence;
    private int failures;

    /**
     * @param endIsFailure true for cameras, whose stream never legitimately ends; false for files
     *                     and folders, whose end is passed on
     */
    RetryingSource(String name, Supplier<FrameSource> opener, boolean endIsFailure, Duration retryMin, Duration retryMax) {
        this.opener = opener;
        this.endIsFailure = endIsFailure;
        this.minMs = retryMin.toMillis();
        this.maxMs = retryMax.toMillis();
        this.backoffMs = minMs;
        this.status = new StatusBoard(name);
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        while (true) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
            if (current == null) {
                try {
                    current = opener.get();
                } catch (RuntimeException e) {
                    fail(e);
                    continue;
                }
            }
            try {
                Optional<Frame> f = current.next();
                if (f.isEmpty()) {
                    if (!endIsFailure) {
                        status.set(SourceStatus.State.ENDED, current.status().detail());
                        return f;
                    }
                    throw new CameraException(status.get().source() + " stopped sending frames");
                }
                if (failures > 0) log.info("Camera {} is back after {} failed attempts", status.get().source(), failures);
                failures = 0;
                backoffMs = minMs;
                Frame in = f.get();
                status.frame(in.nanos());
                return Optional.of(new Frame(sequence++, in.nanos(), in.width(), in.height(), in.bgr()));
            } catch (RuntimeException e) {
                closeCurrent();
                fail(e);
            }
        }
    }

    private void fail(RuntimeException e) throws InterruptedException {
        failures++;
        boolean missing = e instanceof NoCameraException;
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        status.set(missing ? SourceStatus.State.NO_CAMERA : SourceStatus.State.RETRYING,
                why + "; retrying in " + fmt(backoffMs));
        // One line per state change, then only every tenth attempt: an unplugged webcam must not flood the journal.
        if (failures == 1) log.warn("Camera {}: {}; retrying every {}..{}", status.get().source(), why, fmt(minMs), fmt(maxMs));
        else if (failures % 10 == 0) log.warn("Camera {} still failing after {} attempts: {}", status.get().source(), failures, why);
        else log.debug("Camera {} attempt {} failed", status.get().source(), failures, e);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(maxMs, backoffMs * 2);
    }

    private static String fmt(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private void closeCurrent() {
        if (current == null) return;
        try {
            current.close();
        } catch (RuntimeException e) {
            log.debug("Closing failed source", e);
        }
        current = null;
    }

    @Override
    public void recycle(Frame frame) {
        FrameSource c = current;   // a frame of an earlier, closed source is fine: buffers are plain arrays
        if (c != null) c.recycle(frame);
    }

    @Override
    public SourceStatus status() { return status.get(); }

    @Override
    public void close() {
        closeCurrent();
    }
}
