package io.moodbox.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesTextAndBytesIntoFoldersThatDoNotExistYet() throws IOException {
        Path text = dir.resolve("a/b/state.properties");
        AtomicFile.write(text, w -> w.write("volume=30\nname=Zoë\n"));
        assertEquals("volume=30\nname=Zoë\n", Files.readString(text, StandardCharsets.UTF_8));
        AtomicFile.write(text, "x".getBytes(StandardCharsets.UTF_8), AtomicFile.Option.NO_SYNC);
        assertEquals("x", Files.readString(text));
        assertEquals(List.of("state.properties"), names(text.getParent()), "nothing beside it");
    }

    @Test
    void aFailingWriterLeavesTheOldFileWholeAndNoTemporary() throws IOException {
        Path f = dir.resolve("cache.tsv");
        Files.writeString(f, "old\n");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFile.write(f, w -> {
            w.write("half of the new");
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", thrown.getMessage());
        assertEquals("old\n", Files.readString(f));
        assertEquals(List.of("cache.tsv"), names(dir));

        assertThrows(IllegalStateException.class, () -> AtomicFile.write(f, w -> {
            throw new IllegalStateException("a bug in the writer");
        }));
        assertEquals(List.of("cache.tsv"), names(dir));
    }

    @Test
    void ownerOnlyFilesAreNeverReadableByOthersAndPlainOnesFollowTheUmask() throws IOException {
        Path secret = dir.resolve("owner-password");
        AtomicFile.write(secret, new byte[]{1, 2, 3}, AtomicFile.Option.OWNER_ONLY);
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));

        Path plain = dir.resolve("player-state");
        Path reference = Files.createFile(dir.resolve("made-the-usual-way"));
        AtomicFile.write(plain, w -> w.write("playing=true"));
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(plain), "as any new file");
    }

    @Test
    void leftoversOfAKilledSaveGoWhenOldButNotWhileAnotherSaveMayBeWriting() throws IOException {
        Path f = dir.resolve("taste.properties");
        Files.writeString(f, "whole");
        Path old = Files.writeString(dir.resolve(".taste.properties.k3j9.tmp"), "half");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(600)));
        Path fresh = Files.writeString(dir.resolve(".taste.properties.q1z2.tmp"), "being written");
        Path other = Files.writeString(dir.resolve(".other.properties.k3j9.tmp"), "not ours");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minusSeconds(600)));

        AtomicFile.write(f, w -> w.write("new"));   // the first save in this process sweeps
        assertEquals("new", Files.readString(f));
        assertTrue(Files.notExists(old), "the killed save's file is gone");
        assertTrue(Files.exists(fresh), "one a minute old or less may be another process's save in progress");
        assertTrue(Files.exists(other), "another file's temporaries are its own business");
    }

    @Test
    void aFileWithoutAFolderIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AtomicFile.write(Path.of("/"), new byte[0]));
        assertTrue(e.getMessage().contains("has no folder"), e.getMessage());
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
