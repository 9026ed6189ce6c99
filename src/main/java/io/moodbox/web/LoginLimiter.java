package io.moodbox.web;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows password and setup-code guessing. Per client: {@link #FREE_FAILURES} free failures, then
 * each further failure doubles the wait (1 s, 2 s, 4 s ... up to 15 min) and only one attempt at a
 * time. Globally (many addresses at once): more than {@link #GLOBAL_FAILURES} failures in a minute
 * closes logins for everyone for a minute. A success clears the client's record. Thread-safe.
 */
final class LoginLimiter {
    static final int FREE_FAILURES = 5;
    static final int GLOBAL_FAILURES = 30;
    static final long MAX_WAIT_MS = 15 * 60_000L;
    static final long GLOBAL_WINDOW_MS = 60_000L;
    private static final int MAX_CLIENTS = 10_000;

    private static final class Client {
        int failures;
        long blockedUntilMs;
        boolean inFlight;
        long lastMs;
    }

    /** Either allowed (waitMs 0) or refused for waitMs. */
    record Verdict(boolean allowed, long waitMs) {}

    private final LongSupplier clockMs;
    private final Map<String, Client> clients = new HashMap<>();
    private final Deque<Long> recentFailures = new ArrayDeque<>();
    private long globalBlockedUntilMs;

    LoginLimiter(LongSupplier clockMs) { this.clockMs = clockMs; }

    /** Reserves an attempt; the caller must then call {@link #succeeded} or {@link #failed}. */
    synchronized Verdict begin(String client) {
        long now = clockMs.getAsLong();
        if (now < globalBlockedUntilMs) return new Verdict(false, globalBlockedUntilMs - now);
        Client c = clients.get(client);
        if (c == null) {
            if (clients.size() >= MAX_CLIENTS) prune(now);
            c = new Client();
            clients.put(client, c);
        }
        if (now < c.blockedUntilMs) return new Verdict(false, c.blockedUntilMs - now);
        if (c.inFlight) return new Verdict(false, 1000);
        c.inFlight = true;
        c.lastMs = now;
        return new Verdict(true, 0);
    }

    synchronized void succeeded(String client) {
        clients.remove(client);
    }

    synchronized void failed(String client) {
        long now = clockMs.getAsLong();
        Client c = clients.computeIfAbsent(client, k -> new Client());
        c.inFlight = false;
        c.failures++;
        c.lastMs = now;
        if (c.failures > FREE_FAILURES) {
            int over = Math.min(c.failures - FREE_FAILURES - 1, 20);
            c.blockedUntilMs = now + Math.min(1000L << over, MAX_WAIT_MS);
        }
        recentFailures.addLast(now);
        while (!recentFailures.isEmpty() && recentFailures.peekFirst() < now - GLOBAL_WINDOW_MS) recentFailures.removeFirst();
        if (recentFailures.size() > GLOBAL_FAILURES) globalBlockedUntilMs = now + GLOBAL_WINDOW_MS;
    }

    /** Releases a reservation that was not a guess (e.g. a malformed request). */
    synchronized void abandoned(String client) {
        Client c = clients.get(client);
        if (c != null) c.inFlight = false;
    }

    private void prune(long now) {
        for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
            Client c = it.next();
            if (!c.inFlight && now >= c.blockedUntilMs && now - c.lastMs > MAX_WAIT_MS) it.remove();
        }
        if (clients.size() >= MAX_CLIENTS) {
            // Still full: the global limit protects us; forget the oldest idle half.
            clients.values().removeIf(c -> !c.inFlight && now >= c.blockedUntilMs);
        }
    }
}
