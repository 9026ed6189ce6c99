package io.moodbox.tools;

import io.moodbox.testing.Required;

import io.moodbox.emotion.EmotionConfig;
import io.moodbox.testing.Scenes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

/** The bench runs end to end and prints every figure it promises (the figures themselves are not asserted). */
class BenchTest {
    @Test
    void printsEveryFigure() {
        Scenes.faces();
        Required.that(Files.isRegularFile(EmotionConfig.DEFAULT_MODEL), "the emotion model is not built");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Bench.run(new String[]{"--seconds", "0.5", "--scenes", "4", "--detector", "haar"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        for (String stage : new String[]{"grab", "detect", "prepare", "classify", "track", "total"})
            assertTrue(text.matches("(?s).*\\n  " + stage + " +\\d+\\.\\d\\d +\\d+\\.\\d\\d\\n.*"), stage + " in:\n" + text);
        assertTrue(text.contains("frames/s: "), text);
        assertTrue(text.contains("resident memory: "), text);
        assertTrue(text.matches("(?s).*recall \\d+\\.\\d% \\(\\d+/\\d+\\), precision .*"), text);
        assertTrue(text.contains("end-to-end (found, prepared, classified)"), text);
        assertTrue(text.contains("Mood reaction"), text);
    }

    @Test
    void rejectsBadOptions() {
        var err = new ByteArrayOutputStream();
        assertEquals(2, Bench.run(new String[]{"--seconds", "-1"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--seconds must be"));
        var split = new ByteArrayOutputStream();
        assertEquals(2, Bench.run(new String[]{"--split", "training"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(split, true, StandardCharsets.UTF_8)));
        assertTrue(split.toString(StandardCharsets.UTF_8).contains("--split must be private or public"), split.toString(StandardCharsets.UTF_8));
    }
}
