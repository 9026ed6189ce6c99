package io.moodbox.trainer;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Face;
import io.moodbox.dataset.Fer2013.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A distilled averaging cycle stopped after 1 epoch and run again for the rest (a fresh network,
 * optimizer and teacher, as in a new session) ends with the same bytes as 3 epochs straight: the
 * live weights, Adam's moments, the running mean, the written average and the figures. It starts
 * from the long run's committed checkpoint, as the shipped model's cycle did.
 */
class SwaResumeTest {
    static final Path FROM = OnDiskFormatTest.RUN.resolve(Checkpoint.FILE).toAbsolutePath();
    static List<Face> train, valid;

    @BeforeAll
    static void load() throws Exception {
        Fer2013 data = Faces.fer2013();
        train = data.split(Split.TRAINING).subList(0, 192);
        valid = data.split(Split.PUBLIC_TEST).subList(0, 64);
    }

    private static Swa.Options options(Path work, String... more) {
        String[] base = {"--work", work.toString(), "--from", FROM.toString(), "--epochs", "3", "--lr", "0.002", "--seed", "5",
                "--teacher", ReexportTest.FLOAT.toAbsolutePath().toString(), "--distill", "0.5", "--out", "cycle.weights"};
        return Swa.Options.parse(Faces.args(base, more));
    }

    @Test
    void onePlusTwoEpochsEqualThreeStraight(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        Files.createDirectories(straight);
        Files.createDirectories(resumed);
        List<Double> three = Swa.run(options(straight), train, valid);
        assertEquals(3, three.size());
        // The trained start reads about 61% of these faces; an average with broken batch statistics reads ~20%.
        for (double acc : three) assertTrue(acc > 0.45, "the average reads like the trained network: " + acc);

        List<Double> first = Swa.run(options(resumed, "--until", "1"), train, valid);
        assertEquals(1, first.size());
        assertEquals("1", Checkpoint.read(resumed.resolve("cycle.ckpt")).state().getProperty("epoch"));
        List<Double> second = Swa.run(options(resumed), train, valid);
        assertEquals(three.subList(1, 3), second, "the averages' PublicTest after epochs 2 and 3");

        Checkpoint a = Checkpoint.read(straight.resolve("cycle.ckpt")), b = Checkpoint.read(resumed.resolve("cycle.ckpt"));
        assertTrue(a.tensors().containsKey("adam.m.0") && a.tensors().containsKey("swa.0"), "moments and the mean are saved");
        assertTrue(ResumeTest.sameTensors(a, b), "live weights, moments and the running mean bit for bit");
        assertEquals(a.state().getProperty("step"), b.state().getProperty("step"));
        assertEquals(withoutTimes(a), withoutTimes(b), "the same figures, epoch by epoch");
        assertArrayEquals(Files.readAllBytes(straight.resolve("cycle.weights")), Files.readAllBytes(resumed.resolve("cycle.weights")));
        assertEquals(Files.readString(straight.resolve("cycle.tsv")).lines().map(SwaResumeTest::withoutSeconds).toList(),
                Files.readString(resumed.resolve("cycle.tsv")).lines().map(SwaResumeTest::withoutSeconds).toList());
        assertEquals(4, Files.readAllLines(resumed.resolve("cycle.tsv")).size(), "a header and one line an epoch");
        assertTrue(Files.size(resumed.resolve("cycle.ckpt")) < 2_000_000, "small enough to commit");

        // A finished cycle run again trains nothing and changes nothing.
        byte[] done = Files.readAllBytes(resumed.resolve("cycle.ckpt"));
        assertEquals(List.of(), Swa.run(options(resumed), train, valid));
        assertArrayEquals(done, Files.readAllBytes(resumed.resolve("cycle.ckpt")));
    }

    @Test
    void aResumeWithAnotherRecipeOrTeacherIsRefusedAndNamesTheDifference(@TempDir Path dir) throws Exception {
        Path teacher = dir.resolve("teacher.tflite");
        Files.copy(ReexportTest.FLOAT, teacher);
        String[] recipe = {"--epochs", "2", "--teacher", teacher.toString()};
        Swa.run(options(dir, Faces.args(recipe, "--until", "1")), train.subList(0, 64), valid.subList(0, 32));
        byte[] before = Files.readAllBytes(dir.resolve("cycle.ckpt"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Swa.run(options(dir, Faces.args(recipe, "--lr", "0.01")), train.subList(0, 64), valid.subList(0, 32)));
        assertTrue(e.getMessage().contains("--lr 0.002 (not 0.01)"), e.getMessage());

        // The same teacher's name with other contents is another teacher.
        byte[] bytes = Files.readAllBytes(teacher);
        bytes[bytes.length - 1] ^= 1;
        Files.write(teacher, bytes);
        e = assertThrows(IllegalArgumentException.class, () -> Swa.run(options(dir, recipe), train.subList(0, 64), valid.subList(0, 32)));
        assertTrue(e.getMessage().contains("--teacher-crc "), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("cycle.ckpt")), "the refused calls changed nothing");
    }

    @Test
    void optionsAreCheckedBeforeAnythingRuns() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Swa.Options.parse("--out", "cycle.bin"))
                .getMessage().contains(".weights"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Swa.Options.parse("--distill", "0.5"))
                .getMessage().contains("--teacher"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Swa.Options.parse("--join", "a.weights"))
                .getMessage().contains("--join-count"));
        var o = Swa.Options.parse("--work", "w", "--out", "distill.weights");
        assertEquals(Path.of("w", "distill.ckpt"), o.state());
        assertEquals(Path.of("w", "distill.tsv"), o.figures());
    }

    private static List<String> withoutTimes(Checkpoint c) {
        return Checkpoint.text(c.state()).lines().filter(l -> !l.startsWith("seconds.")).toList();
    }

    private static String withoutSeconds(String line) { return line.substring(0, line.lastIndexOf('\t')); }
}
