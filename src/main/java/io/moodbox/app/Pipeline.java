package io.moodbox.app;

import io.moodbox.box.StateModel;
import io.moodbox.camera.Frame;
import io.moodbox.camera.SourceStatus;
import io.moodbox.camera.SourceStatus.State;
import io.moodbox.mood.FaceReading;
import io.moodbox.mood.MoodBoard;
import io.moodbox.mood.MoodState;
import io.moodbox.mood.MoodTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Owns the seeing half's threads. {@code moodbox-camera} opens the source and reads frames into a
 * one-slot handoff (the latest frame wins); {@code moodbox-vision} takes the newest frame, finds
 * faces and reads their expressions ({@link Analyzer}), and feeds the {@link MoodTracker}, whose
 * state goes to the {@link MoodBoard}. A failing source is reopened with backoff while the daemon
 * keeps running; per-frame analysis errors are caught here, counted, and after
 * {@code errorLimit} in a row reported as a problem. Camera status and frame rate go into the
 * {@link StateModel}.
 */
final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final FrameFeed.Opener source;      // null: no camera
    private final Analyzer analyzer;            // null: this build cannot analyse frames
    private final MoodTracker tracker;
    private final MoodBoard board;
    private final StateModel state;
    private final Problems problems;
    private final int errorLimit;
    private final FrameSlot slot = new FrameSlot();
    private final Object privacyLock = new Object();
    private final Thread camera, vision;
    private volatile boolean running = true;
    private volatile boolean privacy;
    private volatile SourceStatus status;
    private volatile long grabbed;
    private volatile FrameFeed open;             // the feed being read, for its own status
    private final Object latestLock = new Object();
    private Frame latest;                        // the frame analysed last (for the preview); guarded by latestLock
    private volatile long cameraBeat = System.nanoTime(), visionBeat = System.nanoTime();

    Pipeline(FrameFeed.Opener source, Analyzer analyzer, MoodTracker tracker, MoodBoard board, StateModel state,
             Problems problems, int errorLimit, boolean privacy) {
        this.source = source;
        this.analyzer = analyzer;
        this.tracker = tracker;
        this.board = board;
        this.state = state;
        this.problems = problems;
        this.errorLimit = errorLimit;
        this.privacy = privacy;
        this.status = new SourceStatus(State.STARTING, sourceName(), "", 0, Instant.now());
        camera = new Thread(this::cameraLoop, "moodbox-camera");
        vision = new Thread(this::visionLoop, "moodbox-vision");
        // A grabber stuck in a native read must not keep the JVM alive after a stop.
        camera.setDaemon(true);
        vision.setDaemon(true);
    }

    void start() {
        camera.start();
        vision.start();
    }

    /** Privacy on: the camera is closed and any waiting frame thrown away; off: it reopens. */
    void setPrivacy(boolean on) {
        synchronized (privacyLock) {
            privacy = on;
            privacyLock.notifyAll();
        }
        // Not an interrupt: that would break an NIO read inside the source. The camera thread sees
        // the flag between frames and closes the source itself; vision drops frames at once.
        if (on) {
            slot.clear();
            synchronized (latestLock) {
                latest = null;   // not recycled: the vision thread may still be analysing it
            }
            // A retrying source sleeps between attempts: wake it so the camera is closed now, not
            // after the backoff. A live one is left alone (an interrupt could break a read).
            if (!status.live()) camera.interrupt();
        }
    }

    /**
     * A copy of the newest frame analysed, or null in privacy mode or without a live camera. A
     * copy because the frame's buffer goes back to the source for reuse once the next one arrives.
     */
    Frame latestFrame() {
        if (privacy || !status.live()) return null;
        synchronized (latestLock) {
            Frame l = latest;
            return l == null ? null : new Frame(l.sequence(), l.nanos(), l.width(), l.height(), l.bgr().clone());
        }
    }

    /** Makes {@code f} the frame the preview sees and recycles the one before it, which no one reads any more. */
    private void keepLatest(Frame f) {
        Frame old;
        synchronized (latestLock) {   // a preview copying the old frame finishes before it is handed back
            old = latest;
            latest = f;
        }
        if (old != null && old != f) recycle(old);
    }

    private void recycle(Frame f) {
        FrameFeed feed = open;
        if (feed != null) feed.recycle(f);   // else the collector takes it
    }

    /**
     * Both threads are going round their loops (for systemd's watchdog): a source stuck inside a
     * read for {@code stuckAfter} or a dead thread is unhealthy. Thread-safe.
     */
    boolean healthy(Duration stuckAfter) {
        long now = System.nanoTime(), limit = stuckAfter.toNanos();
        return camera.isAlive() && vision.isAlive() && now - cameraBeat < limit && now - visionBeat < limit;
    }

    SourceStatus sourceStatus() { return status; }

    private String sourceName() { return source == null ? "none" : source.name(); }

    // ---- moodbox-camera ----

    private void cameraLoop() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            if (privacy) {
                report(State.OFF, "privacy mode: the camera is off", 0);
                problems.clear("camera");
                waitWhile(() -> privacy);
                continue;
            }
            if (source == null) {
                report(State.NO_CAMERA, "no camera found or configured; set camera.source or plug one in", 0);
                problems.set("camera", "No camera: the box is not watching the room.");
                waitWhile(() -> !privacy);
                continue;
            }
            report(State.STARTING, "opening " + source.name(), 0);
            try (FrameFeed feed = source.open()) {
                open = feed;
                boolean ended = readFrames(feed);
                backoff = MIN_BACKOFF;
                if (ended) {
                    report(State.ENDED, source.name() + " has ended", 0);
                    problems.set("camera", "The video " + source.name() + " has ended; nothing more to watch.");
                    waitWhile(() -> !privacy);
                }
            } catch (InterruptedException e) {
                if (!running) break;
                Thread.interrupted();   // privacy toggled: go round again
            } catch (Exception e) {
                open = null;
                if (!running) break;
                log.warn("Camera {} failed: {}; retrying in {} ms", source.name(), message(e), backoff.toMillis());
                log.debug("Camera failure", e);
                report(State.RETRYING, message(e) + "; retrying", 0);
                problems.set("camera", "Camera " + source.name() + " is not working (" + message(e) + "); retrying.");
                if (!sleep(backoff)) continue;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } finally {
                open = null;
            }
        }
        report(State.OFF, "stopped", 0);
    }

    /** Reads until the source ends (true), privacy is turned on or the pipeline stops (false). */
    private boolean readFrames(FrameFeed feed) throws InterruptedException {
        RateMeter rate = new RateMeter();
        boolean live = false;
        boolean ownStatus = feed.status() == null;   // else the vision loop mirrors the source's own
        while (running && !privacy) {
            Frame f = feed.next();
            cameraBeat = System.nanoTime();
            if (f == null) return true;
            grabbed++;
            if (!live) {
                live = true;
                if (ownStatus) report(State.LIVE, f.width() + "x" + f.height(), 0);
                problems.clear("camera");
                log.info("Camera {} live at {}x{}", source.name(), f.width(), f.height());
            }
            Frame dropped = slot.put(f);
            if (dropped != null) feed.recycle(dropped);
            double fps = rate.tick();
            if (fps >= 0 && ownStatus) report(State.LIVE, f.width() + "x" + f.height(), fps);
        }
        return false;
    }

    /** Mirrors a source's own status (a retrying camera reports while it waits) into the state. */
    private void mirror(SourceStatus s) {
        SourceStatus old = status;
        if (old.state() == s.state() && old.detail().equals(s.detail()) && Math.abs(old.fps() - s.fps()) < 0.5) return;
        status = s;
        state.update(b -> b.withCamera(s));
        switch (s.state()) {
            case LIVE -> problems.clear("camera");
            case RETRYING, NO_CAMERA -> problems.set("camera", "Camera " + s.source() + " is not working (" + s.detail() + ").");
            default -> { }
        }
    }

    private void report(State s, String detail, double fps) {
        SourceStatus old = status;
        Instant since = old.state() == s ? old.since() : Instant.now();
        SourceStatus now = new SourceStatus(s, sourceName(), detail, fps, since);
        status = now;
        if (old.state() != s) log.debug("Camera {} -> {} ({})", sourceName(), s, detail);
        state.update(b -> b.withCamera(now));
    }

    private void waitWhile(BooleanSupplier condition) {
        synchronized (privacyLock) {
            while (running && condition.getAsBoolean()) {
                cameraBeat = System.nanoTime();
                try {
                    privacyLock.wait(1000);
                } catch (InterruptedException e) {
                    if (!running) return;
                    Thread.interrupted();
                }
            }
        }
    }

    /** False when woken early (privacy toggled or stopping). */
    private boolean sleep(Duration d) {
        boolean wasPrivate = privacy;
        long end = System.nanoTime() + d.toNanos();
        synchronized (privacyLock) {
            for (long left = d.toNanos(); running && privacy == wasPrivate && left > 0; left = end - System.nanoTime()) {
                cameraBeat = System.nanoTime();
                try {
                    TimeUnit.NANOSECONDS.timedWait(privacyLock, Math.min(left, 1_000_000_000L));
                } catch (InterruptedException e) {
                    if (!running) return false;
                    Thread.interrupted();
                }
            }
        }
        return running && privacy == wasPrivate;
    }

    // ---- moodbox-vision ----

    private void visionLoop() {
        int errorsInRow = 0;
        RateMeter rate = new RateMeter();
        if (analyzer == null && source != null)
            problems.set("vision", "This build cannot find faces or read expressions yet, so the mood is not watched.");
        while (running) {
            visionBeat = System.nanoTime();
            FrameFeed feed = open;
            SourceStatus own = feed == null || privacy ? null : feed.status();
            if (own != null) mirror(own);
            Frame f;
            try {
                f = slot.take(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (f != null && !privacy) keepLatest(f);
            else if (f != null) recycle(f);
            if (f == null || privacy || analyzer == null) {
                if (!status.live() || privacy || analyzer == null) {
                    if (!status.live() || privacy) keepLatest(null);
                    if (tracker.current().presence() != MoodState.Presence.UNKNOWN)
                        board.publish(tracker.notWatching(System.nanoTime()));
                    if (!status.live()) updateFps(0);
                }
                continue;
            }
            try {
                List<FaceReading> faces = analyzer.analyze(f);
                board.publish(tracker.observe(faces, f.nanos()));
                if (errorsInRow >= errorLimit) {
                    log.info("Frame analysis works again after {} failures", errorsInRow);
                    problems.clear("vision");
                }
                errorsInRow = 0;
            } catch (RuntimeException e) {
                errorsInRow++;
                if (errorsInRow == errorLimit) {
                    log.error("Frame analysis failed {} times in a row; the mood is not being updated", errorsInRow, e);
                    problems.set("vision", "Reading faces keeps failing (" + message(e) + "); the mood is not being updated.");
                } else if (errorsInRow < errorLimit) {
                    log.debug("Frame {} analysis failed ({} in a row)", f.sequence(), errorsInRow, e);
                }
            }
            double fps = rate.tick();
            if (fps >= 0) updateFps(fps);
        }
    }

    private void updateFps(double fps) {
        state.update(b -> b.fps() == fps ? b : b.withFps(fps));
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    long framesGrabbed() { return grabbed; }

    long framesDropped() { return slot.dropped(); }

    /** Stops both threads (within about two seconds), closing the source on its own thread. */
    @Override
    public void close() {
        running = false;
        synchronized (privacyLock) {
            privacyLock.notifyAll();
        }
        vision.interrupt();
        camera.interrupt();
        join(vision);
        join(camera);
    }

    private static void join(Thread t) {
        try {
            t.join(2000);
            if (t.isAlive()) log.warn("Thread {} did not stop within 2 s", t.getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Events per second, reported once a second (returns -1 in between). */
    private static final class RateMeter {
        private long windowStart = System.nanoTime();
        private int count;

        double tick() {
            count++;
            long now = System.nanoTime();
            long elapsed = now - windowStart;
            if (elapsed < 1_000_000_000L) return -1;
            double fps = Math.round(count * 10e9 / elapsed) / 10.0;
            windowStart = now;
            count = 0;
            return fps;
        }
    }
}
