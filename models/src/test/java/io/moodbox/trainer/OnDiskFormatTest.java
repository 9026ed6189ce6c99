package io.moodbox.trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The long run's committed files (checkpoints/minixception-160: the checkpoint it resumes from
 * and its best weights), read and written again, are the same bytes: a change to
 * {@link Checkpoint} or {@link WeightsFile} cannot quietly change the format a running or resuming
 * run depends on. Copies are read and written in a temporary folder; the run's own folder is only
 * copied from (the run replaces its files by renaming, so a copy is always a whole file).
 */
class OnDiskFormatTest {
    static final Path RUN = Path.of("checkpoints", "minixception-160");

    @Test
    void theRunsCheckpointWritesBackToTheSameBytes(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(RUN.resolve(Checkpoint.FILE), dir.resolve("committed.ckpt"));
        Checkpoint c = Checkpoint.read(copy);
        assertNotNull(c.state().getProperty("epoch"), "the run's progress was read");
        assertTrue(c.tensors().keySet().stream().anyMatch(k -> k.startsWith("adam.m.")), "Adam's moments were read");
        Path again = dir.resolve(Checkpoint.FILE);
        c.write(again);
        assertArrayEquals(Files.readAllBytes(copy), Files.readAllBytes(again));
    }

    @Test
    void theRunsBestWeightsWriteBackToTheSameBytes(@TempDir Path dir) throws Exception {
        Path copy = Files.copy(RUN.resolve("best.weights"), dir.resolve("committed.weights"));
        var tensors = WeightsFile.read(copy);
        assertTrue(tensors.size() > 10, "tensors: " + tensors.size());
        Path again = dir.resolve("best.weights");
        WeightsFile.write(again, tensors);
        assertArrayEquals(Files.readAllBytes(copy), Files.readAllBytes(again));
    }

    @Test
    void eachRefusesTheOthersFileAndACutOne(@TempDir Path dir) throws Exception {
        Path weights = Files.copy(RUN.resolve("best.weights"), dir.resolve("best.weights"));
        Path ckpt = Files.copy(RUN.resolve(Checkpoint.FILE), dir.resolve(Checkpoint.FILE));
        var e = assertThrows(java.io.IOException.class, () -> Checkpoint.read(weights));
        assertTrue(e.getMessage().contains("not a moodbox training checkpoint"), e.getMessage());
        e = assertThrows(java.io.IOException.class, () -> WeightsFile.read(ckpt));
        assertTrue(e.getMessage().contains("not a moodbox weights file"), e.getMessage());
        Path cut = dir.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(java.io.IOException.class, () -> Checkpoint.read(cut));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }
}
