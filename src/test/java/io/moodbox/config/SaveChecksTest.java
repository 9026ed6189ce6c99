package io.moodbox.config;

import io.moodbox.emotion.EmotionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every value saved from the page is checked on its own, as the next start will read it (the
 * owner's file over the defaults, without the environment), and for what it points at; a refusal
 * names the key, shows the value with control characters escaped, says what would be valid, and
 * saves nothing. The faults the issue found against a running box are here one by one.
 */
class SaveChecksTest {
    @TempDir Path dir;

    Path file() { return dir.resolve("moodbox.properties"); }

    Settings load(String text, Map<String, String> env) throws IOException {
        Files.writeString(file(), text);
        return Settings.load(file(), env, Map.of());
    }

    /** Refused, naming the key; the file and the running value untouched. */
    ConfigException refused(Settings s, String key, String value, String... mustSay) throws IOException {
        byte[] before = Files.readAllBytes(file());
        String running = s.get(key);
        Map<String, String> change = new HashMap<>();
        change.put(key, value);
        ConfigException e = assertThrows(ConfigException.class, () -> s.update(change), key + "=" + value + " was accepted");
        assertFalse(e instanceof ConfigException.NotSaved, e.getMessage());
        assertTrue(e.getMessage().contains(key), "names the key: " + e.getMessage());
        for (String m : mustSay) assertTrue(e.getMessage().contains(m), "says '" + m + "': " + e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()), "nothing saved");
        assertEquals(running, s.get(key), "nothing applied");
        return e;
    }

    @Test
    void aPortTheEnvironmentMasksIsStillCheckedAsTheNextStartReadsIt() throws IOException {
        Settings s = load("", Map.of("MOODBOX_WEB_PORT", "0"));
        refused(s, "web.port", "99999", "was 99999", "0..65535", "MOODBOX_WEB_PORT overrides it now");
        // Without the override a save is checked the same way, and a good one goes through.
        refused(load("", Map.of()), "web.port", "99999", "0..65535");
    }

    @Test
    void controlCharactersAreRefusedAndShownEscaped() throws IOException {
        Settings s = load("", Map.of());
        refused(s, "camera.fps", "15\u0000", "'15\\u0000'", "control characters", "1..120");
        refused(s, "music.mixer", "USB\u001b[2J", "'USB\\u001B[2J'");
        refused(s, "camera.source", "demo\u202e", "\\u202E");
        refused(s, "music.roots", "audio\nlibrary", "\\u000A");
        refused(s, "web.bind", "127.0.0.1\ud800", "surrogate");
        refused(s, "music.mixer", "x".repeat(5000), "at most 4096", "(5000 characters)");
        // Plain spaces and a line end at the ends are not part of the value: saved stripped.
        s.update(Map.of("camera.fps", " 12\n"));
        assertEquals("12", s.get("camera.fps"));
        assertTrue(Files.readString(file()).matches("(?s).*camera.fps\\s*=\\s*12\\R.*"), Files.readString(file()));
    }

    @Test
    void aNumberOutOfRangeOrOfTheWrongKindNamesWhatWouldBeValid() throws IOException {
        Settings s = load("", Map.of());
        refused(s, "camera.fps", "0", "1..120", "was 0");
        refused(s, "camera.fps", "15.5", "whole number", "'15.5'");
        refused(s, "mood.half-life-s", "soon", "number like 1.5", "'soon'");
        refused(s, "mood.half-life-s", "NaN", "number like 1.5");
        refused(s, "privacy.enabled", "perhaps", "true, false");
        refused(s, "vision.detector", "owl", "auto, haar, cascades, blazeface, ssd");
        refused(s, "music.volume", "101", "0..100");
    }

    @Test
    void aCameraSourceMustBeWhatTheKeyMeans() throws IOException {
        Settings s = load("", Map.of());
        refused(s, "camera.source", "/dev/../../etc/shadow", "resolves to /etc/shadow", "not a device under /dev");
        refused(s, "camera.source", "/dev/video0/../../../etc/passwd", "resolves to /etc/passwd");
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a film\n");
        refused(s, "camera.source", text.toString(), "not a video file the box can play");
        Path empty = Files.createDirectories(dir.resolve("no-images"));
        refused(s, "camera.source", empty.toString(), "not a folder of images", "holds no images");
        refused(s, "camera.source", dir.resolve("missing.mp4").toString(), "does not exist");
        Path file = Files.writeString(dir.resolve("video0"), "");
        refused(s, "camera.source", "v4l2:" + file, "not a device under /dev");
        // A webcam that is not plugged in yet may be chosen: the box retries it.
        s.update(Map.of("camera.source", "/dev/video7"));
        assertEquals("/dev/video7", s.camera().device());
    }

    @Test
    void anEmotionModelMustLoadAsTheNextStartLoadsIt() throws IOException {
        Settings s = load("", Map.of());
        refused(s, "emotion.model", "/etc/passwd", "not a TFLite model");
        refused(s, "emotion.model", dir.toString(), "not a regular file");
        refused(s, "emotion.model", "/dev/zero", "not a regular file");
        byte[] model = Files.readAllBytes(EmotionConfig.DEFAULT_MODEL);
        Path truncated = Files.write(dir.resolve("truncated.tflite"), java.util.Arrays.copyOf(model, model.length / 3));
        refused(s, "emotion.model", truncated.toString(), "emotion.model", "damaged");
        Path copy = Files.write(dir.resolve("sub/../model.tflite").normalize(), model);
        s.update(Map.of("emotion.model", dir.resolve("sub/../model.tflite").toString()));
        assertEquals(copy, s.emotion().model(), "saved, and read normalised");
    }

    @Test
    void foldersFilesAndPortsMustBeUsable() throws IOException {
        Settings s = load("", Map.of());
        refused(s, "music.roots", dir.resolve("no-music") + ", " + dir, "does not exist");
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        refused(s, "music.state-dir", plain.resolve("state").toString(), "not a folder");
        refused(s, "web.owner-file", dir.resolve("nobody.properties").toString(), "does not exist", "setup code");
        refused(s, "web.owner-file", plain.toString(), "not an owner password file");
        refused(s, "vision.blazeface-model", "/etc/hostname", "cannot be used");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Settings local = load("web.bind = 127.0.0.1\n", Map.of());
            refused(local, "web.port", Integer.toString(taken.getLocalPort()), "cannot listen", "free port");
        }
        refused(s, "web.bind", "192.0.2.1", "cannot listen", "address of this machine");
        refused(s, "music.output", "file:" + dir.resolve("no-such-dir/out.wav"), "cannot be written");
        refused(s, "music.output", "file:" + dir.resolve("out.mp3"), ".wav");
        refused(s, "music.output", "USB\u0007", "control characters");
        s.update(Map.of("music.output", "file:" + dir.resolve("out.wav")));
        assertEquals(dir.resolve("out.wav"), s.music().output().file());
        s.update(Map.of("music.roots", dir.toString(), "music.state-dir", dir.resolve("new/state").toString()));
        assertEquals(dir, s.music().roots().getFirst());
    }

    @Test
    void aValueAlreadyBadInTheFileDoesNotBlockSavingAnother() throws IOException {
        Settings s = load("camera.fps = 0\n", Map.of());
        assertEquals(15, s.camera().fps(), "fell back");
        s.update(Map.of("mood.hold-s", "1"));
        assertEquals(1, s.problems().size(), "still reported: " + s.problems());
        assertTrue(s.problems().getFirst().contains("camera.fps"), s.problems().toString());
        s.update(Map.of("camera.fps", "20"));
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(20, Settings.load(file(), Map.of(), Map.of()).camera().fps());
    }
}
