package io.moodbox.dataset;

import io.moodbox.testing.Required;

import io.moodbox.dataset.Fer2013.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class Fer2013Test {
    static Fer2013 data;

    @BeforeAll
    static void load() throws IOException {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found (set MOODBOX_FER2013)");
        data = Fer2013.load();
    }

    @Test
    void countsPerSplitAndClassMatchTheDatasetReadme() {
        int[][] expected = {
                {3995, 436, 4097, 7215, 4830, 3171, 4965},
                {467, 56, 496, 895, 653, 415, 607},
                {491, 55, 528, 879, 594, 416, 626}};
        assertEquals(35_887, data.all().size());
        for (Split s : Split.values()) {
            int[] counts = new int[7];
            data.split(s).forEach(f -> counts[f.label()]++);
            assertArrayEquals(expected[s.ordinal()], counts, s.toString());
        }
    }

    @Test
    void decodesTheFirstRowAsTheOriginalCsv() {
        byte[] p = data.all().get(0).pixels();
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) first[i] = p[i] & 0xFF;
        assertArrayEquals(new int[] {70, 80, 82, 72, 58, 58, 60, 63, 54, 58}, first);
        assertEquals(0, data.all().get(0).index());
        assertEquals(Split.PRIVATE_TEST, data.all().get(35_886).split());
    }

    @Test
    void exposesQualityFlagsAndFerPlusVotes() {
        long flagged3 = data.all().stream().filter(f -> (f.quality() & 3) == 3).count();
        long flagged4 = data.all().stream().filter(f -> (f.quality() & 4) != 0).count();
        assertEquals(168, flagged3);
        assertEquals(102, flagged4);
        for (var f : data.all()) {
            int sum = 0;
            for (byte v : f.votes()) sum += v;
            assertTrue(sum == 9 || sum == 10, "votes of row " + f.index() + " sum to " + sum);
        }
        long happyMajority = data.all().stream().filter(f -> f.ferPlusMajority() == 3).count();
        assertTrue(happyMajority > 9000 && happyMajority <= 9355, "FER+ happiness majorities: " + happyMajority);
    }

    @Test
    void loadingOneSplitKeepsOnlyItsFacesWithTheirVotes() throws IOException {
        Fer2013 priv = Fer2013.load(Split.PRIVATE_TEST);
        assertEquals(3589, priv.all().size());
        assertTrue(priv.all().stream().allMatch(f -> f.split() == Split.PRIVATE_TEST));
        var first = priv.all().get(0);
        var same = data.all().get(first.index());
        assertArrayEquals(same.pixels(), first.pixels());
        assertArrayEquals(same.votes(), first.votes());
        var last = priv.all().get(priv.all().size() - 1);
        assertArrayEquals(data.all().get(last.index()).votes(), last.votes());
    }

    @Test
    void missingFileSaysWhatToSet(@TempDir Path dir) {
        var e = assertThrows(NoSuchFileException.class, () -> Fer2013.load(dir.resolve("nope.bin.gz")));
        assertTrue(e.getMessage().contains(Fer2013.ENV));
    }

    @Test
    void wrongMagicTruncationAndNonGzipAreClearErrors(@TempDir Path dir) throws IOException {
        Path wrong = dir.resolve("wrong.gz");
        Files.write(wrong, gzip(header("NOTFER\0\0", 1)));
        assertTrue(assertThrows(IOException.class, () -> Fer2013.load(wrong)).getMessage().contains("bad magic"));

        Path truncated = dir.resolve("truncated.gz");
        byte[] one = Arrays.copyOf(header("FER2013\0", 2), 20 + 2307);   // claims 2 records, holds 1
        Files.write(truncated, gzip(one));
        assertTrue(assertThrows(IOException.class, () -> Fer2013.load(truncated)).getMessage().contains("truncated"));

        Path plain = dir.resolve("plain.gz");
        Files.writeString(plain, "hello");
        assertTrue(assertThrows(IOException.class, () -> Fer2013.load(plain)).getMessage().contains("not a gzip"));
    }

    private static byte[] header(String magic, int n) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeBytes(magic);
        out.writeShort(1); out.writeShort(48); out.writeShort(48); out.writeShort(3); out.writeInt(n);
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) { gz.write(raw); }
        return bytes.toByteArray();
    }
}
