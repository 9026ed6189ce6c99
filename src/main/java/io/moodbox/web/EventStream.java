package io.moodbox.web;

import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Pushes the box's state to every open page as server-sent events ({@code event: state}). The
 * state listener only marks the state dirty; one sender thread ({@code moodbox-web-events})
 * writes to the sockets, at most {@link #MAX_RATE_HZ} times a second with the latest state
 * (latest wins), so a slow phone never blocks the events thread. Idle streams get a comment
 * every {@link #KEEPALIVE_MS} so proxies and phones keep them open.
 */
final class EventStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    static final int MAX_CLIENTS = 32;
    static final int MAX_RATE_HZ = 4;
    static final long KEEPALIVE_MS = 15_000;

    /** An open stream and who opened it (null token: anonymous reader). */
    record Client(SseClient sse, String sessionToken) {}

    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Supplier<String> payload;
    private final Predicate<Client> stillAllowed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean dirty;      // guarded by lock
    private boolean closed;     // guarded by lock
    private final Thread sender;

    /** {@code payload} renders the current state as JSON; {@code stillAllowed} re-checks a client's access. */
    EventStream(Supplier<String> payload, Predicate<Client> stillAllowed) {
        this.payload = payload;
        this.stillAllowed = stillAllowed;
        this.sender = new Thread(this::run, "moodbox-web-events");
        sender.setDaemon(true);
        sender.start();
    }

    /** Adds a client and sends it the current state at once; false if too many are open. */
    boolean add(SseClient sse, String sessionToken) {
        if (clients.size() >= MAX_CLIENTS) return false;
        Client c = new Client(sse, sessionToken);
        sse.keepAlive();
        sse.onClose(() -> clients.remove(c));
        clients.add(c);
        send(c, payload.get());
        return true;
    }

    int size() { return clients.size(); }

    /** Called on the events thread: never blocks beyond a lock hand-off. */
    void stateChanged() {
        lock.lock();
        try {
            dirty = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long lastWrite = System.nanoTime();
        try {
            while (true) {
                boolean haveState;
                lock.lock();
                try {
                    long waitNs = TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MS);
                    while (!dirty && !closed && waitNs > 0) waitNs = changed.awaitNanos(waitNs);
                    if (closed) return;
                    haveState = dirty;
                    dirty = false;
                } finally {
                    lock.unlock();
                }
                if (haveState) {
                    String json = payload.get();
                    for (Client c : clients) send(c, json);
                    lastWrite = System.nanoTime();
                    Thread.sleep(1000 / MAX_RATE_HZ); // coalesce bursts: the next round sends the latest
                } else if (System.nanoTime() - lastWrite >= TimeUnit.MILLISECONDS.toNanos(KEEPALIVE_MS)) {
                    for (Client c : clients) comment(c);
                    lastWrite = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Client c, String json) {
        if (!stillAllowed.test(c)) {
            drop(c, "its session ended");
            return;
        }
        try {
            c.sse().sendEvent("state", json);
        } catch (RuntimeException e) {
            drop(c, e.toString());
        }
        if (c.sse().terminated()) clients.remove(c);
    }

    private void comment(Client c) {
        if (!stillAllowed.test(c)) {
            drop(c, "its session ended");
            return;
        }
        try {
            c.sse().sendComment("keep-alive");
        } catch (RuntimeException e) {
            drop(c, e.toString());
        }
        if (c.sse().terminated()) clients.remove(c);
    }

    private void drop(Client c, String why) {
        log.debug("Closing event stream: {}", why);
        clients.remove(c);
        try {
            c.sse().close();
        } catch (RuntimeException e) {
            log.debug("Event stream already gone", e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        for (Client c : clients) drop(c, "server stopping");
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
