package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** FER2013 for the trainer's tests, read once per test JVM; a test without it is skipped. */
final class Faces {
    private static Fer2013 data;

    private Faces() {}

    static synchronized Fer2013 fer2013() throws Exception {
        assumeTrue(Fer2013.locate().isPresent(), "FER2013 not found (set MOODBOX_FER2013)");
        System.setProperty("ai.djl.offline", "true");
        if (data == null) data = Fer2013.load();
        return data;
    }
}
