package io.moodbox.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Logged-in browsers and consoles, in memory only (a restart logs everyone out). Each session
 * has a random token (the cookie) and its own CSRF token. Sessions end after an idle time, after
 * {@link #MAX_AGE} in any case, on logout, and all at once when the password changes. Thread-safe.
 */
final class Sessions {
    static final Duration MAX_AGE = Duration.ofDays(30);
    static final int MAX_SESSIONS = 64;

    record Session(String token, String csrf, long createdMs, long lastSeenMs) {}

    private final Map<String, Session> byToken = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clockMs;
    private volatile long idleMs;

    Sessions(Duration idle, LongSupplier clockMs) {
        this.idleMs = idle.toMillis();
        this.clockMs = clockMs;
    }

    void idle(Duration idle) { idleMs = idle.toMillis(); }

    Session create() {
        long now = clockMs.getAsLong();
        if (byToken.size() >= MAX_SESSIONS) {
            // A flood of logins must not grow memory: the least recently used session goes.
            byToken.values().stream().min(Comparator.comparingLong(Session::lastSeenMs))
                    .ifPresent(s -> byToken.remove(s.token()));
        }
        Session s = new Session(token(), token(), now, now);
        byToken.put(s.token(), s);
        return s;
    }

    /** The live session for a cookie value, touched; empty if unknown or expired. */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        Session s = byToken.get(token);
        if (s == null) return Optional.empty();
        long now = clockMs.getAsLong();
        if (now - s.lastSeenMs() > idleMs || now - s.createdMs() > MAX_AGE.toMillis()) {
            byToken.remove(token);
            return Optional.empty();
        }
        Session touched = new Session(s.token(), s.csrf(), s.createdMs(), now);
        byToken.replace(token, s, touched);
        return Optional.of(touched);
    }

    /** Still valid, without touching (for long-lived event streams). */
    boolean alive(String token) {
        Session s = token == null ? null : byToken.get(token);
        if (s == null) return false;
        long now = clockMs.getAsLong();
        return now - s.lastSeenMs() <= idleMs && now - s.createdMs() <= MAX_AGE.toMillis();
    }

    void end(String token) {
        if (token != null) byToken.remove(token);
    }

    void endAllBut(String token) {
        byToken.keySet().removeIf(t -> !t.equals(token));
    }

    static boolean csrfMatches(Session s, String given) {
        return given != null && MessageDigest.isEqual(s.csrf().getBytes(), given.getBytes());
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
