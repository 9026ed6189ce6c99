package io.moodbox.music;

import io.moodbox.music.MusicLibrary.ScanProgress;
import io.moodbox.music.MusicLibrary.ScanReport;
import io.moodbox.music.Synth.Piece;
import io.moodbox.music.Synth.Timbre;
import io.moodbox.testing.AudioFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scans over a folder with good, corrupt, empty, truncated, non-audio and oddly named files. */
class MusicLibraryTest {
    private static final Piece HAPPY = new Piece("lib-happy", "happy", 128, true, 2, Timbre.BRIGHT, 0.7, 2, true, 8);
    private static final Piece SAD = new Piece("lib-sad", "sad", 66, false, 9, Timbre.SOFT, 0.15, 1, false, 8);
    private static final Piece CALM = new Piece("lib-calm", "calm", 72, true, 5, Timbre.SOFT, 0.15, 1, false, 8);

    @TempDir Path root;
    @TempDir Path state;

    private static void write(Path f, Piece p, Map<String, String> tags) {
        AudioWriter.write(f, Synth.render(p, 22050), 22050, tags);
    }

    private Map<String, Track> byTitle(MusicLibrary lib) {
        return lib.tracks().stream().collect(Collectors.toMap(Track::title, t -> t));
    }

    @Test
    void scanPlacesGoodFilesAndCountsBadOnesWithoutStopping() throws IOException {
        write(root.resolve("happy/Good Song.flac"), HAPPY, Map.of("title", "Good Song", "artist", "Band", "album", "LP",
                "genre", "Pop", "REPLAYGAIN_TRACK_GAIN", "-4.50 dB"));
        write(root.resolve("Tagged.mp3"), CALM, Map.of("title", "Tagged", "MOOD", "Melancholy", "BPM", "99"));
        write(root.resolve("Catalogued.ogg"), HAPPY, Map.of("title", "Catalogued"));
        write(root.resolve("Analysed.m4a"), SAD, Map.of("title", "Analysed"));
        // Odd names: spaces, non-ASCII, a leading dash, a tab, many dots.
        write(root.resolve("Über Café ☕ — naïve.wav"), CALM, Map.of());
        write(root.resolve("-dash.first.v2.opus"), CALM, Map.of());
        write(root.resolve("tab\tin name.flac"), CALM, Map.of());
        // Bad files.
        Files.writeString(root.resolve("notes.mp3"), "this is a text file with an mp3 name\n".repeat(40));
        Files.createFile(root.resolve("empty.flac"));
        byte[] random = new byte[50_000];
        new java.util.Random(7).nextBytes(random);
        Files.write(root.resolve("corrupt.ogg"), random);
        Path whole = root.resolve("whole.flac");
        write(whole, HAPPY, Map.of());
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(root.resolve("truncated.flac"), Arrays.copyOf(bytes, bytes.length / 3));
        Files.delete(whole);
        // Not music by name: ignored quietly.
        Files.writeString(root.resolve("cover.jpg"), "jpeg?");
        Files.write(root.resolve("._Good Song.flac"), random); // macOS resource fork
        Files.writeString(root.resolve(Catalog.FILE_NAME), """
                # path | mood | popularity
                Catalogued.ogg | calm | 80
                Analysed.m4a | sad        # the folder/tag would win if it had one
                nonsense line without pipes
                Über Café ☕ — naïve.wav | 0.2,-0.9 | 101
                """);

        List<ScanProgress> progress = new ArrayList<>();
        MusicConfig cfg = MusicConfig.defaults(root, state);
        ScanReport r;
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            r = lib.scan(progress::add);
            assertEquals(11, r.audioFiles(), r.toString());
            assertEquals(4, r.skipped(), r.problems().toString());
            assertEquals(7, r.tracks());
            assertEquals(11, r.analysed());
            assertEquals(3, r.ignored(), "catalog.txt, cover.jpg and the resource fork");
            String problems = String.join("\n", r.problems());
            assertTrue(problems.contains("empty.flac: the file is empty"), problems);
            assertTrue(problems.contains("truncated.flac: truncated"), problems);
            assertTrue(problems.contains("notes.mp3"), problems);
            assertTrue(problems.contains("corrupt.ogg"), problems);
            assertTrue(problems.contains("line 4"), "bad catalog line reported: " + problems);
            assertTrue(problems.contains("popularity must be 0..100"), problems);

            Map<String, Track> t = byTitle(lib);
            Track good = t.get("Good Song");
            assertEquals("folder", good.moodSource());
            assertEquals("happy", good.mood());
            assertEquals("Band", good.artist());
            assertEquals("LP", good.album());
            assertEquals("Pop", good.genre());
            assertEquals(-4.5, good.gainDb(), 1e-6);
            assertEquals(8, good.durationSeconds(), 0.1);
            assertEquals(128, good.analysis().tempoBpm(), 4);
            Track tagged = t.get("Tagged");
            assertEquals("tag", tagged.moodSource());
            assertEquals("sad", tagged.mood());
            assertEquals(99, tagged.bpm(), 1e-9);
            Track cat = t.get("Catalogued");
            assertEquals("catalog", cat.moodSource());
            assertEquals("calm", cat.mood());
            assertEquals(80, cat.popularity());
            Track analysed = t.get("Analysed");
            assertEquals("catalog", analysed.moodSource());
            Track odd = t.get("Über Café ☕ — naïve");
            assertNotNull(odd, t.keySet().toString());
            assertEquals("analysis", odd.moodSource(), "its catalog line was invalid");
            assertEquals("calm", MoodPoints.quadrant(odd.valence(), odd.arousal()));
            assertNotNull(t.get("tab\tin name"));
            assertNotNull(t.get("-dash.first.v2"));
        }
        // Progress: told of every file, in order, ending at total.
        assertEquals(12, progress.size());
        for (int i = 0; i < progress.size(); i++) assertEquals(i, progress.get(i).done());
        assertEquals(11, progress.getLast().total());
        assertEquals(4, progress.getLast().skipped());
        assertTrue(Files.exists(cfg.cacheFile()));
        try (var left = Files.list(cfg.cacheFile().toAbsolutePath().getParent())) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(), "no temporary file left");
        }

        // A restart: the cache serves tracks at once and a re-scan analyses nothing.
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            assertEquals(7, lib.tracks().size(), "tracks known from the cache before scanning");
            ScanReport again = lib.scan(null);
            assertEquals(0, again.analysed());
            assertEquals(11, again.cached());
            assertEquals(4, again.skipped(), "known-bad files still counted");
            assertEquals(7, again.tracks());

            // A changed file is analysed again; a deleted one disappears.
            Path tagged = root.resolve("Tagged.mp3");
            write(tagged, HAPPY, Map.of("title", "Tagged", "MOOD", "party"));
            Files.setLastModifiedTime(tagged, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            Files.delete(root.resolve("-dash.first.v2.opus"));
            ScanReport third = lib.scan(null);
            assertEquals(1, third.analysed());
            assertEquals(6, third.tracks());
            assertEquals("energetic", byTitle(lib).get("Tagged").mood());
        }
    }

    @Test
    void hugeTagsAreClippedHugeTagBlocksUnreadableFilesAndRepeatCrashersAreSkippedWithAReason() throws IOException {
        byte[] tone = AudioFaults.tone(3, 330), mp3 = AudioFaults.mp3(3, 330);
        // Long tags and large cover art are normal music: kept, the title clipped for the page.
        AudioFaults.write(root.resolve("calm/cover-art.mp3"), AudioFaults.concat(AudioFaults.id3(300_000, 6 << 20), mp3));
        // A tag block larger than the box will hand to FFmpeg (read whole at open): skipped, saying why.
        AudioFaults.write(root.resolve("calm/giant-tags.mp3"), AudioFaults.concat(AudioFaults.id3(10, 40 << 20), mp3));
        Path locked = AudioFaults.write(root.resolve("calm/locked.wav"), tone);
        Files.setPosixFilePermissions(locked, java.util.Set.of());
        // Tests run as root, where mode 000 still reads: then the file is honestly music to the box.
        boolean rootReads = Files.isReadable(locked);
        Path crasher = AudioFaults.write(root.resolve("calm/crasher.wav"), tone);
        Path again = AudioFaults.write(root.resolve("calm/again.wav"), tone);
        MusicConfig cfg = MusicConfig.defaults(root, state);
        Files.createDirectories(state);
        // As if two starts died reading crasher.wav, and one died reading again.wav.
        Path current = state.resolve("library-scan.current");
        Files.writeString(current, "2\t" + crasher.toAbsolutePath().normalize() + "\n");
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            ScanReport r = lib.scan(null);
            String problems = String.join("\n", r.problems());
            assertEquals(rootReads ? 3 : 2, r.tracks(), problems);
            assertTrue(problems.contains("giant-tags.mp3: its tags (an ID3 block, usually cover art) take 40 MB"), problems);
            assertTrue(problems.contains("crasher.wav: the box stopped 2 times while reading this file"), problems);
            if (!rootReads) assertTrue(problems.contains("locked.wav: the box may not read it"), problems);
            Track art = lib.tracks().stream().filter(t -> t.path().endsWith("cover-art.mp3")).findFirst().orElseThrow();
            assertEquals(AudioFile.MAX_TAG_CHARS + 1, art.title().length(), "clipped, with an ellipsis");
            assertTrue(art.title().startsWith("TTTT") && art.title().endsWith("\u2026"), art.title());
            assertFalse(Files.exists(current), "a scan that finishes leaves no note");
        }
        Files.writeString(current, "1\t" + again.toAbsolutePath().normalize() + "\n");
        Files.setLastModifiedTime(again, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            ScanReport r = lib.scan(null);
            assertEquals(1, r.analysed(), "a file one start died on is tried again: " + r.problems());
            assertTrue(lib.tracks().stream().anyMatch(t -> t.path().endsWith("again.wav")));
        }
    }

    @Test
    void damagedCacheMeansReanalysisNotFailure() throws IOException {
        write(root.resolve("sad/one.flac"), SAD, Map.of("title", "one"));
        MusicConfig cfg = MusicConfig.defaults(root, state);
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            assertEquals(1, lib.scan(null).analysed());
        }
        Files.writeString(cfg.cacheFile(), "moodbox-music-cache\t2\ngarbage\tline\n");
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            ScanReport r = lib.scan(null);
            assertEquals(1, r.analysed());
            assertEquals("sad", lib.tracks().getFirst().mood());
        }
    }

    @Test
    void missingRootIsReportedNotFatal() {
        MusicConfig cfg = MusicConfig.defaults(root.resolve("nope"), state);
        try (MusicLibrary lib = MusicLibrary.open(cfg)) {
            ScanReport r = lib.scan(null);
            assertEquals(0, r.tracks());
            assertTrue(r.problems().getFirst().contains("does not exist"));
        }
    }
}
