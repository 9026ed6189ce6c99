package io.moodbox.box;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds the current {@link BoxState} and tells listeners of each change on one named events
 * thread ({@code moodbox-events}), in order. A listener that throws is logged and skipped,
 * never allowed to stop the others. Thread-safe.
 */
public final class StateModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateModel.class);

    private final AtomicReference<BoxState> current;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "moodbox-events");
        t.setDaemon(true);
        return t;
    });

    public StateModel(BoxState initial) {
        current = new AtomicReference<>(initial);
    }

    public BoxState current() { return current.get(); }

    public void addListener(StateListener l) { listeners.add(l); }

    public void removeListener(StateListener l) { listeners.remove(l); }

    /** Applies a change atomically and notifies listeners if the state differs. */
    public BoxState update(UnaryOperator<BoxState> change) {
        BoxState old, now;
        do {
            old = current.get();
            now = change.apply(old);
        } while (!current.compareAndSet(old, now));
        if (!now.equals(old)) {
            BoxState o = old, n = withTime(now);
            current.compareAndSet(now, n);
            events.execute(() -> notifyAll(o, n));
        }
        return now;
    }

    private static BoxState withTime(BoxState s) {
        return new BoxState(s.phase(), s.camera(), s.privacy(), s.mood(), s.player(), s.fps(), s.problems(),
                s.startedAt(), Instant.now());
    }

    private void notifyAll(BoxState old, BoxState now) {
        for (StateListener l : listeners) {
            try {
                l.stateChanged(old, now);
            } catch (RuntimeException e) {
                log.warn("State listener {} failed; carrying on", l, e);
            }
        }
    }

    @Override
    public void close() {
        events.shutdown();
        try {
            events.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
