package io.moodbox.music;

import io.moodbox.testing.AudioFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Library roots that come and go: a stick's folder joins the scan, its tracks leave the library at
 * once when it goes (before any scan), its analyses stay cached for its return, and uploads count
 * once their folder exists. Plain folders stand in for mounts here; app.RemovableMediaTest mounts a
 * real FAT image under the running daemon.
 */
class LibraryRootsTest {
    @TempDir Path dir;

    private MusicConfig config(Path media) {
        MusicConfig d = MusicConfig.defaults(dir.resolve("music"), dir.resolve("state"));
        return new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), d.isoSteps(), d.repeatWindow(), d.analysisSeconds(),
                d.output(), d.volume(), d.maxStartVolume(), d.moodChange(), d.fadeMs(), d.normalise(), d.targetLoudnessDb(), false,
                new MusicConfig.Sources(media, dir.resolve("state/uploads"), 200));
    }

    private static void tone(Path f, double hz) throws IOException {
        Files.createDirectories(f.getParent());
        Files.write(f, AudioFaults.tone(3, hz));
    }

    @Test
    void aStickJoinsTheScanLeavesAtOnceAndComesBackFromTheCache() throws IOException {
        Path media = Files.createDirectories(dir.resolve("media"));
        tone(dir.resolve("music/own.wav"), 440);
        Path stick = media.resolve("MUSIC");
        tone(stick.resolve("calm/one.wav"), 330);
        tone(stick.resolve("two.wav"), 550);
        LibraryRoots roots = new LibraryRoots(config(media));
        try (MusicLibrary lib = MusicLibrary.open(config(media), roots)) {
            assertEquals(1, lib.scan(null).tracks());

            LibraryRoots.Change c = roots.setRemovable(List.of(stick));
            assertEquals(List.of(stick), c.added().stream().map(LibraryRoots.Root::path).toList());
            assertEquals("USB stick MUSIC", c.added().getFirst().name());
            assertFalse(roots.setRemovable(List.of(stick)).any(), "the same stick again is no change");
            MusicLibrary.ScanReport r = lib.scan(null);
            assertEquals(3, r.tracks());
            assertEquals(2, r.analysed());
            assertTrue(lib.tracks().stream().anyMatch(t -> t.path().endsWith("calm/one.wav") && t.mood().equals("calm")),
                    "a mood folder on the stick counts as on the owner's own folders");

            // Pulled: gone from tracks() before any scan; the scan after keeps the analyses.
            assertEquals(1, roots.setRemovable(List.of()).removed().size());
            assertEquals(List.of("own.wav"), lib.tracks().stream().map(t -> t.path().getFileName().toString()).toList());
            assertEquals(1, lib.scan(null).tracks());
            assertEquals(1, lib.tracks().size());

            // Back: nothing decoded twice.
            roots.setRemovable(List.of(stick));
            r = lib.scan(null);
            assertEquals(3, r.tracks());
            assertEquals(0, r.analysed());
            assertEquals(3, r.cached());
        }
        // A restart with the stick out serves only the box's own tracks from the cache.
        LibraryRoots later = new LibraryRoots(config(media));
        try (MusicLibrary lib = MusicLibrary.open(config(media), later)) {
            assertEquals(1, lib.tracks().size());
        }
    }

    @Test
    void mountedUnderFindsOnlyFoldersOnAnotherFileSystem() throws IOException {
        Path media = Files.createDirectories(dir.resolve("media"));
        Files.createDirectories(media.resolve("left-behind"));   // an empty mount point: same file system
        Files.createDirectories(media.resolve(".hidden"));
        assertEquals(List.of(), LibraryRoots.mountedUnder(media));
        assertEquals(List.of(), LibraryRoots.mountedUnder(dir.resolve("no-such-folder")));
        // /proc is another file system than the temp folder on every Linux: a folder that is one.
        Path proc = Path.of("/proc");
        assertTrue(LibraryRoots.mountedUnder(Path.of("/")).contains(proc), "/proc is a mount under /");
    }

    @Test
    void aFileIsGoneWhenDeletedOrWhenItsStickIsNoLongerMounted() throws IOException {
        Path media = Files.createDirectories(dir.resolve("media"));
        Path onStick = media.resolve("MUSIC/song.wav");
        tone(onStick, 440);
        LibraryRoots roots = new LibraryRoots(config(media));
        // MUSIC is a plain folder here, not a mount: as a yanked stick whose mount is gone, its file is gone.
        assertTrue(roots.gone(onStick));
        Path own = dir.resolve("music/own.wav");
        tone(own, 440);
        assertFalse(roots.gone(own));
        Files.delete(own);
        assertTrue(roots.gone(own));
    }

    @Test
    void uploadsCountOnceTheirFolderExistsAndEveryFileHasItsRoot() throws IOException {
        LibraryRoots roots = new LibraryRoots(config(null));
        assertEquals(1, roots.all().size(), "no upload folder yet: not a root, so no 'missing folder' problem");
        Files.createDirectories(dir.resolve("state/uploads"));
        assertEquals(LibraryRoots.Root.Kind.UPLOADS, roots.all().get(1).kind());
        assertEquals("uploads", roots.rootOf(dir.resolve("state/uploads/a.mp3")).orElseThrow().name());
        assertTrue(roots.rootOf(dir.resolve("elsewhere/a.mp3")).isEmpty());
        assertTrue(roots.mediaRoot().isEmpty());
        assertFalse(roots.keepCached(dir.resolve("music/a.mp3").toString()));
    }

    @Test
    void theSourcesSettingsParseWithTheirDefaults() {
        MusicConfig c = MusicConfig.parse(k -> switch (k) {
            case "music.removable-root" -> "/media/moodbox";
            case "music.upload-max-mb" -> "50";
            default -> null;
        });
        assertEquals(Path.of("/media/moodbox"), c.sources().removableRoot());
        assertEquals(Path.of("state/music/uploads"), c.sources().uploadDir());
        assertEquals(50, c.sources().uploadMaxMb());
        assertNull(MusicConfig.parse(k -> k.equals("music.upload-dir") ? "off" : null).sources().uploadDir());
        assertNull(MusicConfig.parse(k -> null).sources().removableRoot());
        var e = assertThrows(io.moodbox.config.ConfigException.class,
                () -> MusicConfig.parse(k -> k.equals("music.upload-max-mb") ? "0" : null));
        assertTrue(e.getMessage().contains("music.upload-max-mb"), e.getMessage());
    }
}
