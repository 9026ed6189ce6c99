package io.moodbox.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class OwnerAccountTest {
    @TempDir Path dir;

    @Test
    void storesASlowSaltedHashAndVerifiesIt() throws Exception {
        Path file = dir.resolve("state/owner.properties");
        OwnerAccount a = new OwnerAccount(file, OwnerAccount.DEFAULT_ITERATIONS);
        assertEquals(OwnerAccount.State.SETUP, a.state());
        String code = a.setupCode().orElseThrow();
        assertTrue(code.matches("[A-Z2-9]{5}-[A-Z2-9]{5}"), code);
        assertTrue(a.setupCodeMatches(" " + code.replace("-", "").toLowerCase() + " "));
        assertFalse(a.setupCodeMatches("AAAAA-AAAAA"));

        a.setPassword("a long enough password");
        String text = Files.readString(file);
        assertTrue(text.contains("iterations=" + OwnerAccount.DEFAULT_ITERATIONS), text);
        assertFalse(text.contains("a long enough password"));

        OwnerAccount reread = new OwnerAccount(file, 1);
        assertEquals(OwnerAccount.State.READY, reread.state());
        assertTrue(reread.verify("a long enough password"), "the stored iteration count is used, not the new default");
        assertFalse(reread.verify("a long enough passworD"));
        assertFalse(reread.verify(null));
    }

    @Test
    void samePasswordTwiceGivesDifferentHashes() throws Exception {
        OwnerAccount a = new OwnerAccount(dir.resolve("a"), 1000), b = new OwnerAccount(dir.resolve("b"), 1000);
        a.setPassword("the same password");
        b.setPassword("the same password");
        assertNotEquals(Files.readString(dir.resolve("a")).replaceAll("#.*", ""),
                Files.readString(dir.resolve("b")).replaceAll("#.*", ""), "salted");
    }

    @Test
    void weakPasswordsAreNamed() {
        assertTrue(OwnerAccount.weakness("short").orElseThrow().contains("at least 10"));
        assertTrue(OwnerAccount.weakness("          ").isPresent());
        assertTrue(OwnerAccount.weakness("x".repeat(300)).isPresent());
        assertTrue(OwnerAccount.weakness("ten chars!").isEmpty());
    }

    @Test
    void corruptFileIsDamagedNotReset() throws Exception {
        Path file = dir.resolve("owner.properties");
        Files.writeString(file, "algorithm=PBKDF2WithHmacSHA256\niterations=lots\n");
        OwnerAccount a = new OwnerAccount(file, 1000);
        assertEquals(OwnerAccount.State.DAMAGED, a.state());
        assertTrue(a.damage().contains("iterations"), a.damage());
        assertTrue(a.setupCode().isEmpty());
        assertFalse(a.verify("anything at all"));
    }
}
