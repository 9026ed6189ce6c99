package io.moodbox.music;

import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.TaggedAudio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Embedded covers read through FFmpeg from files written the way taggers write them (all four
 * kinds of tag), and the ways a picture can be missing, damaged or too large.
 */
class CoverArtTest {
    @TempDir Path dir;

    @Test
    void eachKindOfTagGivesBackTheExactPictureTypedByItsBytes() throws Exception {
        byte[] png = TaggedAudio.picture("png", 40, 30, Color.BLUE);
        byte[] jpeg = TaggedAudio.picture("jpg", 64, 48, Color.RED);
        // The MP3's tag claims JPEG for a PNG: the bytes decide.
        assertPicture(png, "image/png", AudioFaults.write(dir.resolve("a.mp3"), TaggedAudio.mp3(png, "image/jpeg", 3)));
        assertPicture(jpeg, "image/jpeg", AudioFaults.write(dir.resolve("b.flac"), TaggedAudio.flac(jpeg, "image/jpeg")));
        assertPicture(png, "image/png", AudioFaults.write(dir.resolve("c.opus"), TaggedAudio.opus(png, "image/png")));
        assertPicture(jpeg, "image/jpeg", AudioFaults.write(dir.resolve("d.m4a"), TaggedAudio.m4a(jpeg, false)));
        // Still music to the library: the picture does not get in the way of the audio.
        assertTrue(AudioCheck.problem(dir.resolve("b.flac")).isEmpty());
        assertEquals(2.0, AudioFile.probe(dir.resolve("d.m4a")).durationSeconds(), 0.2);
    }

    @Test
    void aFileWithoutAPictureOrNotAudioHasNoneAndSaysWhy() throws Exception {
        assertNone("no picture in its tags", AudioFaults.write(dir.resolve("plain.mp3"), AudioFaults.mp3(2, 440)));
        assertNone("no picture in its tags", AudioFaults.write(dir.resolve("plain.flac"), AudioFaults.flac(2, 440)));
        assertNone("FFmpeg cannot open it", AudioFaults.write(dir.resolve("notes.mp3"), "just some words\n".repeat(50).getBytes()));
        assertNone("the file is gone or the box may not read it", dir.resolve("gone.mp3"));
    }

    @Test
    void aDamagedOrHugePictureIsNone() throws Exception {
        // AudioFaults' APIC is a JPEG start marker and then noise.
        assertNone("its picture is damaged or not a JPEG or PNG",
                AudioFaults.write(dir.resolve("noise.mp3"), AudioFaults.concat(AudioFaults.id3(10, 5000), AudioFaults.mp3(2, 440))));
        byte[] png = TaggedAudio.picture("png", 40, 30, Color.BLUE);
        assertNone("its picture is damaged or not a JPEG or PNG",
                AudioFaults.write(dir.resolve("cut.flac"), TaggedAudio.flac(Arrays.copyOf(png, 20), "image/png")));
        byte[] gif = "GIF89a\u0001\u0000\u0001\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertNone("its picture is damaged or not a JPEG or PNG",
                AudioFaults.write(dir.resolve("gif.mp3"), TaggedAudio.mp3(gif, "image/gif", 3)));
        byte[] huge = Arrays.copyOf(png, (int) CoverArt.MAX_BYTES + 1000);
        assertNone("its picture takes 8.0 MB, more than the 8 MB the box shows",
                AudioFaults.write(dir.resolve("huge.mp3"), TaggedAudio.mp3(huge, "image/png", 3)));
        // A tag block larger still is not even handed to FFmpeg.
        assertNone("its tags take 17 MB, more than the 16 MB the box reads for a cover", AudioFaults.write(dir.resolve("giant.mp3"),
                TaggedAudio.mp3(Arrays.copyOf(png, (int) CoverArt.MAX_TAG_BYTES + 1_000_000), "image/png", 3)));
    }

    @Test
    void theTypeIsToldByTheBytes() throws Exception {
        assertEquals(Optional.of("image/png"), CoverArt.imageType(TaggedAudio.picture("png", 2, 2, Color.RED)));
        assertEquals(Optional.of("image/jpeg"), CoverArt.imageType(TaggedAudio.picture("jpg", 2, 2, Color.RED)));
        byte[] jpeg = TaggedAudio.picture("jpg", 16, 16, Color.RED);
        assertEquals(Optional.empty(), CoverArt.imageType(Arrays.copyOf(jpeg, 30)), "cut before its frame header");
        assertEquals(Optional.empty(), CoverArt.imageType(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}));
        assertEquals(Optional.empty(), CoverArt.imageType("jpeg?".getBytes()));
        assertEquals(Optional.empty(), CoverArt.imageType(new byte[0]));
    }

    @Test
    void lookupsAreKeptUntilTheFileChangesWithinTheirBudget() throws Exception {
        byte[] red = TaggedAudio.picture("png", 40, 30, Color.RED), green = TaggedAudio.picture("png", 30, 40, Color.GREEN);
        Path song = AudioFaults.write(dir.resolve("song.mp3"), TaggedAudio.mp3(red, "image/png", 3));
        CoverArt art = new CoverArt(3L * red.length, 100);
        CoverArt.Lookup first = art.embedded(song);
        assertSame(first, art.embedded(song), "the second look comes from the cache");
        assertEquals(red.length, art.heldBytes());

        // Retagged: a new size and time, so a new look.
        Files.write(song, TaggedAudio.mp3(green, "image/png", 3));
        Files.setLastModifiedTime(song, FileTime.fromMillis(Files.getLastModifiedTime(song).toMillis() + 5000));
        CoverArt.Lookup retagged = art.embedded(song);
        assertArrayEquals(green, retagged.picture().orElseThrow().bytes());

        // More pictures than the budget: the oldest go, the held bytes stay within it.
        long most = 0;
        for (int i = 0; i < 6; i++) {
            byte[] own = TaggedAudio.picture("png", 40, 30, new Color(40 * i, 0, 255 - 40 * i));
            Path p = AudioFaults.write(dir.resolve("more" + i + ".mp3"), TaggedAudio.mp3(own, "image/png", 3));
            assertArrayEquals(own, art.embedded(p).picture().orElseThrow().bytes());
            assertTrue(art.heldBytes() <= 3L * red.length, "held " + art.heldBytes());
            most = Math.max(most, art.heldBytes());
        }
        assertTrue(most >= 2L * red.length - 200, "several pictures were held: " + most);
        assertNotSame(retagged, art.embedded(song), "the oldest lookup went, so it is read again");

        // An album's tracks each carry the same cover: held once.
        CoverArt album = new CoverArt(10L * red.length, 100);
        Path one = AudioFaults.write(dir.resolve("one.mp3"), TaggedAudio.mp3(red, "image/png", 3));
        Path two = AudioFaults.write(dir.resolve("two.flac"), TaggedAudio.flac(red, "image/png"));
        byte[] a = album.embedded(one).picture().orElseThrow().bytes();
        assertSame(a, album.embedded(two).picture().orElseThrow().bytes());
        assertEquals(red.length, album.heldBytes());
        album.embedded(song);
        assertEquals(red.length + green.length, album.heldBytes());

        Path plain = AudioFaults.write(dir.resolve("plain.mp3"), AudioFaults.mp3(2, 440));
        assertSame(art.embedded(plain), art.embedded(plain), "'none' is remembered too");
    }

    private static void assertPicture(byte[] want, String type, Path file) {
        CoverArt.Lookup got = CoverArt.read(file);
        assertTrue(got.picture().isPresent(), file.getFileName() + ": " + got.problem());
        assertArrayEquals(want, got.picture().get().bytes(), file.getFileName().toString());
        assertEquals(type, got.picture().get().contentType(), file.getFileName().toString());
    }

    private static void assertNone(String why, Path file) {
        CoverArt.Lookup got = CoverArt.read(file);
        assertEquals(Optional.empty(), got.picture().map(p -> p.contentType()), file.getFileName().toString());
        assertEquals(why, got.problem(), file.getFileName().toString());
    }
}
