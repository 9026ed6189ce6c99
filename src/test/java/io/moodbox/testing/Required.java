package io.moodbox.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (FER2013, Chromium, a model the build fetched). Missing, the
 * test fails with {@code why} and what to install, so a green run never hides a suite that did not
 * run; a developer without the data may set {@code MOODBOX_ALLOW_MISSING=1} to skip such tests
 * instead (the test command then reports them as skipped and fails).
 */
public final class Required {
    public static final String ALLOW = "MOODBOX_ALLOW_MISSING";

    private Required() {}

    public static void that(boolean present, String why) {
        if (present) return;
        if ("1".equals(System.getenv(ALLOW))) Assumptions.abort(why + " (skipped: " + ALLOW + "=1)");
        throw new AssertionError(why + ". This test needs it; install it, or set " + ALLOW
                + "=1 to skip such tests on a machine without it.");
    }
}
