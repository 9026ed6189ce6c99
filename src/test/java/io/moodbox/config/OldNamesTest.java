package io.moodbox.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An owner's file written before the keys were kebab-case keeps working: every old name is read
 * as the key it became, reported once as renamed (a log line and a notice for the page), and the
 * next save writes the new names in place, keeping the owner's comments and order.
 */
class OldNamesTest {
    @TempDir Path dir;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger settingsLog = (Logger) LoggerFactory.getLogger(Settings.class);

    /** A file as an owner kept it with the names of the release before: comments, odd spacing, a colon. */
    private static final String OLD_FILE = """
            # my moodbox
            mood.hold_s = 2
            # bigger faces only
            vision.min_face_px=64
            camera.retry_min_s : 2
            emotion.flip_average = false
            daemon.error_limit = 40
            device.buttons.long_press_s = 2.5
            device.led.red_pin = 18
            web.port = 8080
            """;

    @BeforeEach
    void listen() {
        logged.start();
        settingsLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        settingsLog.detachAppender(logged);
    }

    private long renameLines() {
        return logged.list.stream().filter(e -> e.getFormattedMessage().contains("is now called")).count();
    }

    @Test
    void anOldStyleFileIsReadUnderTheNewNamesAndReportedOnce() throws IOException {
        Path f = Files.writeString(dir.resolve("moodbox.properties"), OLD_FILE);
        Settings s = Settings.load(f, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(2), s.mood().minHold());
        assertEquals(64, s.vision().minFacePx());
        assertEquals(Duration.ofSeconds(2), s.camera().retryMin());
        assertFalse(s.emotion().flipAverage());
        assertEquals(40, s.daemon().errorLimit());
        assertEquals(Duration.ofMillis(2500), s.device().timing().longPress());
        assertEquals(18, s.device().led().redPin());
        assertEquals("file", origin(s, "vision.min-face-px"));
        assertEquals("64", s.get("vision.min-face-px"));

        List<String> p = s.problems();
        assertEquals(7, p.size(), p.toString());
        assertTrue(p.contains("Setting vision.min_face_px in moodbox.properties is now called vision.min-face-px; the box reads it "
                + "under the new name, and the next save writes it as vision.min-face-px."), p.toString());
        assertEquals(7, renameLines(), "one log line per old name");
        assertTrue(Files.exists(s.lastGoodFile()), "a file with old names is a good file");

        // Reloading the same file (touched on disk) does not log it again, but the page still says so.
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        s.reloadIfChanged();
        s.reloadIfChanged();
        assertEquals(7, renameLines(), "reported once per run");
        assertEquals(7, s.problems().size(), s.problems().toString());
    }

    @Test
    void aSaveWritesTheNewNamesInPlaceKeepingCommentsAndOrder() throws IOException {
        Path f = Files.writeString(dir.resolve("moodbox.properties"), OLD_FILE);
        Settings s = Settings.load(f, Map.of(), Map.of());
        s.update(Map.of("mood.max-step-s", "0.5"));
        String saved = Files.readString(f);
        assertFalse(saved.contains("_s") || saved.contains("_px") || saved.contains("_average") || saved.contains("_limit")
                || saved.contains("_pin"), saved);
        assertTrue(saved.contains("# my moodbox") && saved.contains("# bigger faces only"), saved);
        assertTrue(saved.indexOf("mood.hold-s") < saved.indexOf("vision.min-face-px")
                && saved.indexOf("vision.min-face-px") < saved.indexOf("camera.retry-min-s"), "same order:\n" + saved);
        assertTrue(saved.contains("mood.max-step-s"), saved);
        assertTrue(s.problems().isEmpty(), "the notices go with the old names: " + s.problems());

        Settings again = Settings.load(f, Map.of(), Map.of());
        assertTrue(again.problems().isEmpty(), again.problems().toString());
        assertEquals(64, again.vision().minFacePx());
        assertEquals(Duration.ofSeconds(2), again.mood().minHold());
        assertEquals(Duration.ofMillis(500), again.mood().maxStep());
        assertEquals(18, again.device().led().redPin());
    }

    @Test
    void whereBothNamesAreSetTheNewOneWinsAndTheSaveKeepsTheOldLineAsAComment() throws IOException {
        Path f = Files.writeString(dir.resolve("moodbox.properties"), "mood.hold_s = 1\nmood.hold-s = 3\n");
        Settings s = Settings.load(f, Map.of(), Map.of());
        assertEquals(Duration.ofSeconds(3), s.mood().minHold());
        assertTrue(s.problems().getFirst().contains("sets both names, so the box uses mood.hold-s"), s.problems().toString());
        s.update(Map.of("mood.hold-s", "4"));
        String saved = Files.readString(f);
        assertTrue(saved.contains("# mood.hold_s = 1"), saved);
        assertEquals(Duration.ofSeconds(4), Settings.load(f, Map.of(), Map.of()).mood().minHold());
        assertTrue(Settings.load(f, Map.of(), Map.of()).problems().isEmpty());
    }

    @Test
    void theCommandLineTheEnvironmentAndUpdatesTakeOldNamesToo() throws IOException {
        Path f = dir.resolve("moodbox.properties");
        Settings s = Settings.load(f, Map.of("MOODBOX_MOOD_HALF_LIFE_S", "3"), Map.of("vision.min_face_px", "30"));
        assertEquals(30, s.vision().minFacePx());
        assertEquals(Duration.ofSeconds(3), s.mood().halfLife(), "one variable for both names");
        assertEquals("command line", origin(s, "vision.min-face-px"));
        Settings.Update u = s.update(Map.of("mood.hold_s", "1.5"));
        assertEquals(java.util.Set.of("mood.hold-s"), u.changed());
        assertEquals("mood.hold-s = 1.5", Files.readString(f).lines().filter(l -> l.startsWith("mood.")).findFirst().orElseThrow());
    }

    @Test
    void aBadValueUnderAnOldNameFallsBackNamingTheNewKey() throws IOException {
        Path f = Files.writeString(dir.resolve("moodbox.properties"), "vision.min_face_px = 3\n");
        Settings s = Settings.load(f, Map.of(), Map.of());
        assertEquals(io.moodbox.vision.VisionConfig.defaults().minFacePx(), s.vision().minFacePx(), "the default");
        assertEquals(Settings.IGNORED, origin(s, "vision.min-face-px"));
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("vision.min-face-px must be 24..1000, was 3")), s.problems().toString());
    }

    private static String origin(Settings s, String key) {
        return s.view().stream().filter(k -> k.key().equals(key)).findFirst().orElseThrow().origin();
    }
}
