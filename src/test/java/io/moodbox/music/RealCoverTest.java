package io.moodbox.music;

import io.moodbox.testing.Required;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Embedded covers in real files from Debian packages ({@code ops/real-music/covers.tsv}, fetched
 * by {@code ops/fetch-real-music.sh} into {@code ~/.cache/moodbox/real-covers}: about 8 MB once):
 * the picture read is byte for byte the one another tag reader (python3-mutagen) found.
 */
class RealCoverTest {
    static final Path MANIFEST = Path.of("ops/real-music/covers.tsv");

    @Test
    void theEmbeddedPictureOfARealFileIsReadWhole() throws Exception {
        Path cache = cacheDir();
        ProcessBuilder pb = new ProcessBuilder("sh", "ops/fetch-real-music.sh", MANIFEST.toString()).redirectErrorStream(true);
        pb.environment().put("MOODBOX_REAL_MUSIC", cache.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(15, TimeUnit.MINUTES)) p.destroyForcibly();
        Required.that(p.exitValue() == 0, "ops/fetch-real-music.sh " + MANIFEST + " could not bring the real files (exit "
                + p.exitValue() + "): " + out + "; it needs apt-get and Debian's package servers");

        List<String[]> tracks = Files.readAllLines(MANIFEST).stream().filter(l -> l.startsWith("track\t"))
                .map(l -> l.split("\t", -1)).toList();
        assertFalse(tracks.isEmpty(), "no track lines in " + MANIFEST);
        for (String[] t : tracks) {
            Path file = cache.resolve(t[1] + t[3].substring(t[3].lastIndexOf('.')));
            CoverArt.Lookup got = CoverArt.read(file);
            assertTrue(got.picture().isPresent(), t[1] + ": " + got.problem());
            byte[] bytes = got.picture().get().bytes();
            assertEquals(t[6], got.picture().get().contentType(), t[1]);
            assertEquals(Integer.parseInt(t[7]), bytes.length, t[1]);
            assertEquals(t[8], HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), t[1]);
            // Still music: the picture in front does not get in the way of the audio.
            assertTrue(AudioCheck.problem(file).isEmpty(), t[1] + ": " + AudioCheck.problem(file));
        }
    }

    /** {@code $MOODBOX_REAL_COVERS}, else {@code ~/.cache/moodbox/real-covers} (beside the real-music cache). */
    static Path cacheDir() {
        return io.moodbox.testing.RealDataCache.dir("MOODBOX_REAL_COVERS", "real-covers");
    }
}
