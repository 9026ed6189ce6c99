package io.moodbox.music;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tag or the owner's word wins over the analysis (issue 23): genre and BPM tags place tracks,
 * and a correction made on the page moves that track only, is saved beside the cache, and
 * survives a re-scan and a restart.
 */
class MoodCorrectionTest {
    private static float[] tone(double seconds) {
        float[] x = new float[(int) (seconds * Analyzer.RATE)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / Analyzer.RATE));
        return x;
    }

    private static Map<String, Track> byTitle(MusicLibrary lib) {
        return lib.tracks().stream().collect(Collectors.toMap(Track::title, t -> t));
    }

    @Test
    void tagsAndTheOwnersWordWinAndSurviveRescans(@TempDir Path dir) throws Exception {
        Path music = Files.createDirectories(dir.resolve("music"));
        float[] x = tone(3);
        AudioWriter.write(music.resolve("a.flac"), x, Analyzer.RATE, Map.of("title", "Plain"));
        AudioWriter.write(music.resolve("b.flac"), x, Analyzer.RATE, Map.of("title", "Ambient One", "genre", "Ambient"));
        AudioWriter.write(music.resolve("c.flac"), x, Analyzer.RATE, Map.of("title", "Soundtrack One", "genre", "Soundtrack"));
        AudioWriter.write(music.resolve("d.flac"), x, Analyzer.RATE, Map.of("title", "Tagged Mood", "mood", "Melancholy"));
        MusicConfig c = MusicConfig.defaults(music, dir.resolve("state"));
        Track before;
        Map<String, Track> first;
        try (MusicLibrary lib = MusicLibrary.open(c)) {
            lib.scan(null);
            first = byTitle(lib);
            assertEquals("genre", first.get("Ambient One").moodSource());
            assertEquals("calm", first.get("Ambient One").mood());
            assertEquals("from tags", first.get("Ambient One").decidedBy());
            assertEquals("analysis", first.get("Soundtrack One").moodSource(), "a genre that says nothing of mood leaves it to the sound");
            assertEquals("from the sound", first.get("Plain").decidedBy());
            assertEquals("sad", first.get("Tagged Mood").mood());
            assertEquals("from tags", first.get("Tagged Mood").decidedBy());

            before = first.get("Plain");
            String target = before.mood().equals("tense") ? "calm" : "tense";
            Track now = lib.correct(before.id(), target);
            assertEquals(target, now.mood());
            assertEquals("set by you", now.decidedBy());
            assertEquals(MoodPoints.point(target).valence(), now.valence(), 1e-9);
            for (Track t : lib.tracks()) {
                if (t.id().equals(before.id())) continue;
                Track was = first.get(t.title());
                assertEquals(was.valence(), t.valence(), 1e-9, "only the corrected track moves: " + t.title());
                assertEquals(was.moodSource(), t.moodSource());
            }
            // A tag is overruled by the owner too.
            assertEquals("happy", lib.correct(first.get("Tagged Mood").id(), "Cheerful").mood());
            var unknown = assertThrows(IllegalArgumentException.class, () -> lib.correct(before.id(), "purple"));
            assertTrue(unknown.getMessage().contains("use one of"), unknown.getMessage());
            assertThrows(IllegalArgumentException.class, () -> lib.correct("nope", "calm"));
            lib.scan(null);
            assertEquals(target, byTitle(lib).get("Plain").mood(), "kept through a re-scan");
        }
        assertTrue(Files.isRegularFile(c.cacheFile().resolveSibling(MoodCorrections.FILE_NAME)), "saved beside the library cache");
        Files.delete(c.cacheFile());
        try (MusicLibrary lib = MusicLibrary.open(c)) {
            lib.scan(null);
            Track plain = byTitle(lib).get("Plain");
            assertEquals("you", plain.moodSource(), "kept through a restart with the cache thrown away");
            Track back = lib.correct(plain.id(), "auto");
            assertEquals(before.mood(), back.mood(), "auto hands the track back to its sound");
            assertEquals("analysis", back.moodSource());
        }
    }

    @Test
    void aBpmTagIsBelievedOverTheHeardTempo(@TempDir Path dir) throws Exception {
        Path music = Files.createDirectories(dir.resolve("music"));
        float[] x = tone(3);
        AudioWriter.write(music.resolve("slow.flac"), x, Analyzer.RATE, Map.of("title", "Slow", "BPM", "60"));
        AudioWriter.write(music.resolve("fast.flac"), x, Analyzer.RATE, Map.of("title", "Fast", "BPM", "180"));
        try (MusicLibrary lib = MusicLibrary.open(MusicConfig.defaults(music, dir.resolve("state")))) {
            lib.scan(null);
            Map<String, Track> t = byTitle(lib);
            assertEquals(List.of("analysis+bpm", "analysis+bpm"), List.of(t.get("Slow").moodSource(), t.get("Fast").moodSource()));
            assertEquals(180, t.get("Fast").bpm(), 1e-9);
            assertTrue(t.get("Fast").arousal() > t.get("Slow").arousal() + 0.3, "the same sound, a faster tagged tempo: more arousal");
        }
    }
}
