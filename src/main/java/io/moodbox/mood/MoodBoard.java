package io.moodbox.mood;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where the room's mood is published: {@link #current()} for readers, {@link MoodListener}s for
 * those who react. Listeners run in order on the one events executor the app gives it; a listener
 * that throws is logged and skipped. Changes of mood, presence, lock or face count are told at
 * once; the slow drift of the distribution at most every {@code driftInterval}, so listeners are
 * not called 30 times a second. Thread-safe.
 */
public final class MoodBoard {
    private static final Logger log = LoggerFactory.getLogger(MoodBoard.class);

    private final Executor events;
    private final long driftIntervalNanos;
    private final List<MoodListener> listeners = new CopyOnWriteArrayList<>();
    private volatile MoodState current;
    private MoodState told;
    private long toldAt;

    public MoodBoard(MoodState initial, Executor events, Duration driftInterval) {
        this.current = initial;
        this.told = initial;
        this.events = events;
        this.driftIntervalNanos = driftInterval.toNanos();
    }

    public MoodState current() { return current; }

    public void addListener(MoodListener l) { listeners.add(l); }

    public void removeListener(MoodListener l) { listeners.remove(l); }

    /** Makes {@code now} current and tells listeners if it matters (see the class comment). */
    public synchronized void publish(MoodState now) {
        current = now;
        long t = System.nanoTime();
        boolean significant = now.presence() != told.presence() || now.mood() != told.mood()
                || now.locked() != told.locked() || now.faces() != told.faces();
        boolean drifted = t - toldAt >= driftIntervalNanos && !Arrays.equals(now.emotions(), told.emotions());
        if (!significant && !drifted) return;
        MoodState old = told;
        told = now;
        toldAt = t;
        try {
            events.execute(() -> tell(old, now));
        } catch (RejectedExecutionException e) {
            log.debug("Mood events stopped; {} not told", now.mood());   // shutting down
        }
    }

    private void tell(MoodState old, MoodState now) {
        for (MoodListener l : listeners) {
            try {
                l.moodChanged(old, now);
            } catch (RuntimeException e) {
                log.warn("Mood listener {} failed; carrying on", l, e);
            }
        }
    }
}
