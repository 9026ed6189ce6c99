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
 * A run stopped after 2 epochs and resumed for 2 more (a fresh network, trainer and optimizer,
 * as in a new session) ends with the same bytes as 4 epochs straight: weights, batch statistics,
 * Adam's moments and step. Every random part of the recipe is on (augmentation, brightness and
 * contrast, erasing, CutMix), on a real FER2013 slice.
 */
class ResumeTest {
    static List<Face> train, valid;

    @BeforeAll
    static void load() throws Exception {
        Fer2013 data = Faces.fer2013();
        train = data.split(Split.TRAINING).subList(0, 256);
        valid = data.split(Split.PUBLIC_TEST).subList(0, 64);
    }

    private static Train.Options options(Path work, String... more) {
        String[] base = {"--work", work.toString(), "--epochs", "4", "--batch", "32", "--lr", "0.003", "--seed", "11",
                "--brightness", "0.2", "--contrast", "0.2", "--erasing", "0.5", "--cutmix", "0.5", "--patience", "100"};
        return Train.Options.parse(Faces.args(base, more));
    }

    @Test
    void twoPlusTwoEpochsEqualFourStraight(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        List<Train.Epoch> four = Train.run(options(straight), train, valid);
        assertEquals(4, four.size());

        List<Train.Epoch> first = Train.run(options(resumed, "--until", "2"), train, valid);
        assertEquals(2, first.size());
        Checkpoint half = Checkpoint.read(resumed.resolve(Checkpoint.FILE));
        assertEquals("2", half.state().getProperty("epoch"));
        assertFalse(sameTensors(half, Checkpoint.read(straight.resolve(Checkpoint.FILE))), "2 epochs differ from 4");
        List<Train.Epoch> second = Train.run(options(resumed), train, valid);
        assertEquals(List.of(3, 4), second.stream().map(Train.Epoch::epoch).toList());

        Checkpoint a = Checkpoint.read(straight.resolve(Checkpoint.FILE)), b = Checkpoint.read(resumed.resolve(Checkpoint.FILE));
        assertTrue(a.tensors().keySet().stream().anyMatch(k -> k.startsWith("adam.m.")), "Adam's moments are saved");
        assertTrue(sameTensors(a, b), "weights, statistics and moments bit for bit");
        assertEquals(a.state().getProperty("step"), b.state().getProperty("step"));
        assertEquals(a.state().getProperty("crc"), b.state().getProperty("crc"));
        for (int e = 3; e <= 4; e++) assertEquals(four.get(e - 1).publicAccuracy(), second.get(e - 3).publicAccuracy());
        assertArrayEquals(Files.readAllBytes(straight.resolve("best.weights")), Files.readAllBytes(resumed.resolve("best.weights")));
        assertTrue(Files.size(straight.resolve(Checkpoint.FILE)) < 2_000_000);
    }

    @Test
    void aRunResumedInsideItsCosineAndInsideItsAverageEqualsOneStraight(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        List<Face> few = train.subList(0, 128);
        String[] recipe = {"--epochs", "2", "--swa-epochs", "2", "--swa-lr", "0.001"};
        List<Train.Epoch> all = Train.run(options(straight, recipe), few, valid);
        assertEquals(4, all.size());
        Checkpoint a = Checkpoint.read(straight.resolve(Checkpoint.FILE));
        assertNotNull(a.state().getProperty("swa.4"), "the average was scored after each averaging epoch");
        assertTrue(a.tensors().containsKey("swa.0"));

        // 1 + 2 + 1: stopped half-way through the cosine, and again after the first averaged epoch.
        for (String until : new String[] {"1", "3", "0"}) Train.run(options(resumed, Faces.args(recipe, "--until", until)), few, valid);
        Checkpoint b = Checkpoint.read(resumed.resolve(Checkpoint.FILE));
        assertTrue(sameTensors(a, b), "weights, moments and the running average bit for bit");
        assertEquals(a.state().getProperty("swa.4"), b.state().getProperty("swa.4"));
        assertArrayEquals(Files.readAllBytes(straight.resolve("swa.weights")), Files.readAllBytes(resumed.resolve("swa.weights")));
    }

    @Test
    void aResumeWithAnotherRecipeIsRefusedAndNamesTheDifference(@TempDir Path dir) throws Exception {
        Train.run(options(dir, "--epochs", "2", "--until", "1"), train.subList(0, 64), valid.subList(0, 32));
        byte[] before = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Train.run(options(dir, "--epochs", "2", "--lr", "0.01"), train.subList(0, 64), valid.subList(0, 32)));
        assertTrue(e.getMessage().contains("--lr 0.003 (not 0.01)"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(Checkpoint.FILE)), "the refused call changed nothing");

        // --work alone continues the run with the recipe it was started with.
        Train.Options again = Train.Options.parse(Train.withRecipe(new String[] {"--work", dir.toString()}));
        assertEquals(options(dir, "--epochs", "2").recipe(), again.recipe());
        assertEquals(0.01f, Train.Options.parse(Train.withRecipe(new String[] {"--work", dir.toString(), "--lr", "0.01"})).lr(),
                "an option given again wins, for the check to refuse");
    }

    @Test
    void optionsAreReadOneWayWithClearErrors() {
        assertEquals(45, Train.Options.parse("--epochs", "45").epochs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--epochs", "x"))
                .getMessage().contains("--epochs must be a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--lr"))
                .getMessage().contains("--lr needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--speed", "2"))
                .getMessage().contains("unknown options [speed]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"--optimizer", "rmsprop"}, "optimizer")
                .choice("optimizer", "adam", "adam", "sgd")).getMessage().contains("must be one of [adam, sgd]"));
    }

    static boolean sameTensors(Checkpoint a, Checkpoint b) {
        if (!a.tensors().keySet().equals(b.tensors().keySet())) return false;
        for (var k : a.tensors().keySet()) {
            float[] x = a.tensors().get(k).data(), y = b.tensors().get(k).data();
            if (x.length != y.length) return false;
            for (int i = 0; i < x.length; i++) if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return false;
        }
        return true;
    }
}
