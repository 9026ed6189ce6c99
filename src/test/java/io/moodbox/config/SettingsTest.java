package io.moodbox.config;

import io.moodbox.mood.MoodConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SettingsTest {
    @TempDir Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("moodbox.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shippedDefaultsLoadAndMatchTheRecordDefaults() {
        Settings s = Settings.defaults();
        assertEquals(MoodConfig.defaults(), s.mood());
        assertEquals("auto", s.daemon().source());
        assertFalse(s.daemon().privacy());
    }

    @Test
    void everyKeyHasADescriptionAndLiveKeysAreMarked() {
        List<Setting> view = Settings.defaults().view();
        assertFalse(view.isEmpty());
        for (Setting k : view) {
            assertFalse(k.description().isBlank(), k.key() + " has no description in the defaults file");
            assertFalse(k.description().contains("[live]"), k.key());
            assertFalse(k.description().contains("---"), k.key() + " swallowed an area header: " + k.description());
            assertEquals("default", k.origin());
        }
        Map<String, Setting> byKey = new HashMap<>();
        view.forEach(k -> byKey.put(k.key(), k));
        assertTrue(byKey.get("mood.half-life-s").live());
        assertTrue(byKey.get("privacy.enabled").live());
        assertFalse(byKey.get("camera.source").live());
    }

    @Test
    void ownersFileOverridesDefaults() throws IOException {
        Settings s = Settings.load(file("mood.half-life-s = 2.5\n"), Map.of(), Map.of());
        assertEquals(Duration.ofMillis(2500), s.mood().halfLife());
        assertEquals("file", s.view().stream().filter(k -> k.key().equals("mood.half-life-s")).findFirst().orElseThrow().origin());
    }

    @Test
    void environmentOverridesTheFileAndCommandLineOverridesBoth() throws IOException {
        Path f = file("mood.half-life-s = 2.5\ncamera.source = none\n");
        Settings s = Settings.load(f, Map.of("MOODBOX_MOOD_HALF_LIFE_S", "4", "MOODBOX_CAMERA_SOURCE", "demo",
                "MOODBOX_UNRELATED", "x"), Map.of("camera.source", "clip.mp4"));
        assertEquals(Duration.ofSeconds(4), s.mood().halfLife());
        assertEquals("clip.mp4", s.daemon().source());
        assertEquals("MOODBOX_CAMERA_FPS", Settings.envName("camera.fps"));
    }

    @Test
    void aBadOverrideStillStopsTheStartNamingTheKeyAndWhereItWasSet() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.load(file(""), Map.of("MOODBOX_PRIVACY_ENABLED", "maybe"), Map.of()));
        assertTrue(e.getMessage().contains("privacy.enabled must be one of true, false; was 'maybe'"), e.getMessage());
        assertTrue(e.getMessage().contains("MOODBOX_PRIVACY_ENABLED"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> Settings.load(file(""), Map.of(), Map.of("camera.fps", "15\u0000")));
        assertTrue(e.getMessage().contains("camera.fps must not contain control characters"), e.getMessage());
        assertTrue(e.getMessage().contains("command line"), e.getMessage());
    }

    @Test
    void aBadValueInTheFileFallsBackToItsDefaultAndIsReportedNamingKeyValueAndFile() throws IOException {
        Settings s = Settings.load(file("mood.switch-margin = 0.9\ndaemon.error-limit = lots\nmood.hold-s = 1\n"), Map.of(), Map.of());
        assertEquals(MoodConfig.defaults().switchMargin(), s.mood().switchMargin(), 1e-9);
        assertEquals(25, s.daemon().errorLimit());
        assertEquals(Duration.ofSeconds(1), s.mood().minHold(), "the good value beside them is used");
        List<String> p = s.problems();
        assertEquals(2, p.size(), p.toString());
        // In the order the records read them: the daemon's keys before the mood's.
        assertTrue(p.get(1).contains("mood.switch-margin") && p.get(1).contains("must be 0..0.5, was 0.9")
                && p.get(1).contains("its default '0.1'") && p.get(1).contains("moodbox.properties"), p.get(1));
        assertTrue(p.get(0).contains("daemon.error-limit must be a whole number, was 'lots'"), p.get(0));
        assertEquals(Settings.IGNORED, origin(s, "daemon.error-limit"));
        assertEquals("file", origin(s, "mood.hold-s"));
        assertFalse(Files.exists(s.lastGoodFile()), "a file with faults is not a good copy");
    }

    private static String origin(Settings s, String key) {
        return s.view().stream().filter(k -> k.key().equals(key)).findFirst().orElseThrow().origin();
    }

    @Test
    void aKeySetTwiceFallsBackAndSavingItMendsTheFile() throws IOException {
        Settings s = Settings.load(file("mood.hold-s = 1\nmood.hold-s = 2\n"), Map.of(), Map.of());
        assertEquals(MoodConfig.defaults().minHold(), s.mood().minHold());
        assertTrue(s.problems().getFirst().contains("mood.hold-s is set 2 times"), s.problems().toString());
        s.update(Map.of("mood.hold-s", "2"));
        assertEquals(Duration.ofSeconds(2), s.mood().minHold());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        Settings again = Settings.load(dir.resolve("moodbox.properties"), Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(2), again.mood().minHold());
        assertTrue(again.problems().isEmpty(), again.problems().toString());
    }

    @Test
    void unknownKeysInTheFileAreIgnoredButRejectedInAnUpdate() throws IOException {
        Settings s = Settings.load(file("mood.halflife = 3\n"), Map.of(), Map.of());
        assertEquals(MoodConfig.defaults(), s.mood());
        ConfigException e = assertThrows(ConfigException.class, () -> s.update(Map.of("mood.halflife", "3")));
        assertTrue(e.getMessage().contains("unknown setting 'mood.halflife'"), e.getMessage());
        assertTrue(e.getMessage().contains("mood.half-life-s"), "suggests the known mood keys: " + e.getMessage());
    }

    @Test
    void keysOfAFamilyShownByExampleAreAccepted() throws IOException {
        Settings s = Settings.load(file("device.buttons = play,vol\n"
                + "device.button.vol.pin = 16\ndevice.button.vol.press = volume-up\n"
                + "device.button.vol.double = none\ndevice.button.vol.long = volume-down\n"), Map.of(), Map.of());
        assertEquals(List.of("play", "vol"), s.device().buttons().stream().map(b -> b.name()).toList());
        s.update(Map.of("device.button.vol.pin", "19"));
        assertEquals(19, s.device().buttons().get(1).pin());
        assertThrows(ConfigException.class, () -> s.update(Map.of("device.button.vol.colour", "red")));
        assertThrows(ConfigException.class, () -> s.update(Map.of("mood.anything", "1")));
    }

    @Test
    void updateSavesAtomicallyKeepingCommentsAndTheOldFileAsBak() throws IOException {
        String before = "# my box\n# calmer please\nmood.half-life-s = 2\n";
        Path f = file(before);
        Settings s = Settings.load(f, Map.of(), Map.of());
        Settings.Update u = s.update(Map.of("mood.half-life-s", "3", "daemon.error-limit", "50"));

        assertEquals(Duration.ofSeconds(3), s.mood().halfLife());
        assertEquals(Set.of("mood.half-life-s", "daemon.error-limit"), u.changed());
        assertEquals(Set.of("mood.half-life-s"), u.live());
        assertEquals(Set.of("daemon.error-limit"), u.needsRestart());
        String after = Files.readString(f);
        assertTrue(after.contains("# calmer please"), after);
        assertTrue(after.matches("(?s).*mood.half-life-s\\s*=\\s*3\\b.*"), after);
        assertTrue(after.matches("(?s).*daemon.error-limit\\s*=\\s*50\\b.*"), after);
        assertEquals(before, Files.readString(dir.resolve("moodbox.properties.bak")));
        try (var files = Files.list(dir)) {
            assertEquals(Set.of("moodbox.properties", "moodbox.properties.bak", "moodbox.properties.last-good"),
                    Set.copyOf(files.map(p -> p.getFileName().toString()).toList()), "no temp file left behind");
        }
        assertEquals(after, Files.readString(dir.resolve("moodbox.properties.last-good")), "a save is the new good copy");
        // A fresh load sees what was saved.
        assertEquals(Duration.ofSeconds(3), Settings.load(f, Map.of(), Map.of()).mood().halfLife());
    }

    @Test
    void updateCreatesTheOwnersFileWhenThereIsNone() {
        Path f = dir.resolve("state/moodbox.properties");
        Settings s = Settings.load(f, Map.of(), Map.of());
        s.update(Map.of("privacy.enabled", "true"));
        assertTrue(s.daemon().privacy());
        assertTrue(Settings.load(f, Map.of(), Map.of()).daemon().privacy());
        assertFalse(Files.exists(dir.resolve("state/moodbox.properties.bak")));
    }

    @Test
    void anInvalidUpdateSavesNothingChangesNothingAndNamesTheKey() throws IOException {
        String before = "mood.hold-s = 1\n";
        Path f = file(before);
        Settings s = Settings.load(f, Map.of(), Map.of());
        List<Set<String>> told = new ArrayList<>();
        s.addListener((settings, keys) -> told.add(keys));

        ConfigException e = assertThrows(ConfigException.class,
                () -> s.update(Map.of("mood.hold-s", "2", "mood.half-life-s", "-1")));
        assertTrue(e.getMessage().contains("mood.half-life-s"), e.getMessage());
        assertEquals(before, Files.readString(f));
        assertFalse(Files.exists(dir.resolve("moodbox.properties.bak")));
        assertEquals(Duration.ofSeconds(1), s.mood().minHold());
        assertTrue(told.isEmpty());
    }

    @Test
    void listenersHearWhichKeysChangedAndNothingWhenNothingDid() throws IOException {
        Settings s = Settings.load(file(""), Map.of(), Map.of());
        List<Set<String>> told = new ArrayList<>();
        s.addListener((settings, keys) -> {
            told.add(Set.copyOf(keys));
            assertSame(s, settings);
        });
        s.addListener((settings, keys) -> { throw new IllegalStateException("a broken listener"); });
        s.update(Map.of("privacy.enabled", "true", "mood.switch-margin", "0.1"));   // margin is already 0.1
        assertEquals(List.of(Set.of("privacy.enabled")), told);
        s.update(Map.of("privacy.enabled", "true"));
        assertEquals(1, told.size());
    }

    @Test
    void anUpdateOverriddenByTheEnvironmentIsReportedAsSuch() throws IOException {
        Settings s = Settings.load(file(""), Map.of("MOODBOX_MOOD_HOLD_S", "2"), Map.of());
        Settings.Update u = s.update(Map.of("mood.hold-s", "1"));
        assertEquals(Set.of("mood.hold-s"), u.overridden());
        assertTrue(u.changed().isEmpty());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold());
    }

    @Test
    void editsOnDiskAreReloadedOnceSettledAndAnInvalidEditKeepsThePreviousSettings() throws IOException {
        Path f = file("mood.hold-s = 1\n");
        Settings s = Settings.load(f, Map.of(), Map.of());
        List<Set<String>> told = new ArrayList<>();
        s.addListener((settings, keys) -> told.add(Set.copyOf(keys)));
        assertEquals(Set.of(), s.reloadIfChanged());

        Files.writeString(f, "mood.hold-s = 2\n# a longer file so the size differs\n");
        assertEquals(Set.of(), s.reloadIfChanged(), "debounced: the first poll only notices the change");
        assertEquals(Set.of("mood.hold-s"), s.reloadIfChanged());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold());
        assertEquals(List.of(Set.of("mood.hold-s")), told);

        Files.writeString(f, "mood.hold-s = forever\n");
        s.reloadIfChanged();
        assertEquals(Set.of(), s.reloadIfChanged());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold(), "the last good value");
        assertTrue(s.fileError().orElseThrow().contains("mood.hold-s"), s.fileError().toString());

        Files.write(f, new byte[64]);   // what a power cut can leave: zeros
        s.reloadIfChanged();
        assertEquals(Set.of(), s.reloadIfChanged());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold(), "previous settings kept");
        assertTrue(s.fileError().orElseThrow().contains("binary data"), s.fileError().toString());

        Files.writeString(f, "mood.hold-s = 3\n");
        s.reloadIfChanged();
        s.reloadIfChanged();
        assertEquals(Duration.ofSeconds(3), s.mood().minHold());
        assertTrue(s.fileError().isEmpty());
    }

    @Test
    void aFileThatNoLongerParsesRunsOnItsLastGoodCopyAndASaveMendsIt() throws IOException {
        Path f = file("# mine\nmood.hold-s = 2\nprivacy.enabled = true\n");
        Settings.load(f, Map.of(), Map.of());
        Path lastGood = dir.resolve("moodbox.properties.last-good");
        assertEquals(Files.readString(f), Files.readString(lastGood), "a clean load keeps a good copy");

        byte[] corrupt = "mood.hold-s = \\u12G4\n".getBytes();
        Files.write(f, corrupt);
        Settings s = Settings.load(f, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold(), "from the last good copy");
        assertTrue(s.daemon().privacy());
        String p = s.problems().getFirst();
        assertTrue(p.contains(f.toString()) && p.contains("does not parse") && p.contains("last good copy")
                && p.contains("moodbox.properties.broken"), p);
        assertArrayEquals(corrupt, Files.readAllBytes(dir.resolve("moodbox.properties.broken")), "what was there is kept");
        assertArrayEquals(corrupt, Files.readAllBytes(f), "the owner's file is not rewritten behind their back");

        s.update(Map.of("mood.half-life-s", "3"));
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        Settings mended = Settings.load(f, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(3), mended.mood().halfLife());
        assertEquals(Duration.ofSeconds(2), mended.mood().minHold(), "the save started from the last good copy");
        assertTrue(mended.daemon().privacy());
        assertTrue(Files.readString(f).contains("# mine"), "and kept its comments: " + Files.readString(f));
    }

    @Test
    void aValueThatNoLongerValidatesFallsBackToItsLastGoodValueElseItsDefault() throws IOException {
        Path f = file("mood.hold-s = 2\n");
        Settings.load(f, Map.of(), Map.of());
        Files.writeString(f, "mood.hold-s = forever\ncamera.fps = 0\n");
        Settings s = Settings.load(f, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold());
        assertEquals(15, s.camera().fps());
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("mood.hold-s") && p.contains("its last good value '2'")), s.problems().toString());
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("camera.fps") && p.contains("its default '15'")), s.problems().toString());
        assertEquals("mood.hold-s = 2\n", Files.readString(dir.resolve("moodbox.properties.last-good")), "the good copy stays");
    }

    @Test
    void aSaveThatCannotBeWrittenChangesNothingAndStaysAProblemUntilOneSucceeds() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path f = Files.writeString(sub.resolve("moodbox.properties"), "mood.hold-s = 1\n");
        Settings s = Settings.load(f, Map.of(), Map.of());
        // The folder is taken away and a plain file stands in its place: every write fails (tests run as root,
        // so permissions cannot do this; DaemonFaultsTest fills a real disk where it may mount one).
        Path moved = Files.move(sub, dir.resolve("etc-away"));
        Files.writeString(sub, "not a folder");
        ConfigException.NotSaved e = assertThrows(ConfigException.NotSaved.class, () -> s.update(Map.of("mood.hold-s", "3")));
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        assertEquals(Duration.ofSeconds(1), s.mood().minHold());
        assertTrue(s.problems().getFirst().contains("could not be saved"), s.problems().toString());
        assertEquals("mood.hold-s = 1\n", Files.readString(moved.resolve("moodbox.properties")));

        Files.delete(sub);
        Files.move(moved, sub);
        s.update(Map.of("mood.hold-s", "3"));
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(Duration.ofSeconds(3), s.mood().minHold());
    }

    @Test
    void theConfigReferenceListsEveryKey() throws IOException {
        String doc = Files.readString(Path.of("docs/config.md"));
        for (Setting k : Settings.defaults().view()) {
            assertTrue(doc.contains("`" + k.key() + "`"), "docs/config.md does not describe " + k.key());
            // Its table row states the default and live flag the record defines.
            String row = "| `" + k.key() + "` | " + (k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue() + "`")
                    + " | " + (k.live() ? "live" : "restart") + " |";
            assertTrue(doc.contains(row), "docs/config.md should have the row " + row);
        }
    }
}
