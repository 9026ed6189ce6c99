package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FER2013 for the trainer's tests, read once per test JVM. Without it a test fails with what to do
 * (as the appliance's io.moodbox.testing.Required does), or is skipped where MOODBOX_ALLOW_MISSING=1.
 */
final class Faces {
    private static Fer2013 data;

    private Faces() {}

    static synchronized Fer2013 fer2013() throws Exception {
        if (Fer2013.locate().isEmpty()) {
            String why = "FER2013 not found (put it in ../shared/datasets or set MOODBOX_FER2013)";
            assumeTrue("1".equals(System.getenv("MOODBOX_ALLOW_MISSING")), why + "; skipped: MOODBOX_ALLOW_MISSING=1");
            throw new AssertionError(why + ". Set MOODBOX_ALLOW_MISSING=1 to skip such tests on a machine without it.");
        }
        System.setProperty("ai.djl.offline", "true");
        if (data == null) data = Fer2013.load();
        return data;
    }

    /** {@code base} followed by {@code more}: a test's fixed options with a call's own. */
    static String[] args(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
