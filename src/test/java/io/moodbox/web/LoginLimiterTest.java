package io.moodbox.web;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class LoginLimiterTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final LoginLimiter limiter = new LoginLimiter(now::get);

    @Test
    void backoffDoublesAndCapsAndSuccessClears() {
        for (int i = 0; i < LoginLimiter.FREE_FAILURES; i++) {
            assertTrue(limiter.begin("a").allowed());
            limiter.failed("a");
        }
        long[] waits = new long[14];
        for (int i = 0; i < waits.length; i++) {
            assertTrue(limiter.begin("a").allowed(), "after waiting, attempt " + i);
            limiter.failed("a");
            waits[i] = limiter.begin("a").waitMs();
            now.addAndGet(waits[i]);
        }
        assertEquals(1000, waits[0]);
        assertEquals(2000, waits[1]);
        assertEquals(LoginLimiter.MAX_WAIT_MS, waits[13], "capped at 15 minutes");
        assertTrue(limiter.begin("a").allowed());
        limiter.succeeded("a");
        assertTrue(limiter.begin("a").allowed(), "a success starts afresh");
    }

    @Test
    void oneAttemptAtATimePerClient() {
        assertTrue(limiter.begin("a").allowed());
        assertFalse(limiter.begin("a").allowed(), "a second guess must wait for the first");
        assertTrue(limiter.begin("b").allowed(), "other clients are not affected");
        limiter.abandoned("a");
        assertTrue(limiter.begin("a").allowed());
    }

    @Test
    void manyClientsTogetherCloseLoginsForAMinute() {
        for (int i = 0; i <= LoginLimiter.GLOBAL_FAILURES; i++) {
            String client = "10.0.0." + i;
            assertTrue(limiter.begin(client).allowed(), client);
            limiter.failed(client);
        }
        LoginLimiter.Verdict v = limiter.begin("10.0.1.1");
        assertFalse(v.allowed(), "a fresh address is refused too");
        assertEquals(LoginLimiter.GLOBAL_WINDOW_MS, v.waitMs());
        now.addAndGet(LoginLimiter.GLOBAL_WINDOW_MS);
        assertTrue(limiter.begin("10.0.1.1").allowed());
    }
}
