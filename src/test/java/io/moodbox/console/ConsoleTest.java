package io.moodbox.console;

import io.moodbox.box.StateModel;
import io.moodbox.emotion.Emotion;
import io.moodbox.testing.FixedLibrary;
import io.moodbox.testing.MemorySettingsStore;
import io.moodbox.testing.NoDevice;
import io.moodbox.testing.RecordingControls;
import io.moodbox.testing.TestStates;
import io.moodbox.web.WebConfig;
import io.moodbox.web.WebServer;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The console on a dumb terminal, commands on its input, against a real server over HTTP. */
class ConsoleTest {
    static final String PASSWORD = "console test password";

    @TempDir Path dir;
    StateModel state;
    RecordingControls controls;
    MemorySettingsStore settings;
    WebServer server;
    String url;
    String stdout, stderr;

    @BeforeEach
    void start() throws Exception {
        state = new StateModel(TestStates.running(Emotion.HAPPY, 2));
        controls = new RecordingControls(state);
        settings = new MemorySettingsStore();
        server = new WebServer(new WebConfig("127.0.0.1", 0, false, false, false, 60, dir.resolve("owner"), 16384),
                state, controls, settings, new FixedLibrary(), Optional::empty, new NoDevice()).start();
        url = "http://127.0.0.1:" + server.port() + "/";
        // The owner sets the password on the page first.
        String body = "{\"setupCode\":\"" + server.setupCode().orElseThrow() + "\",\"password\":\"" + PASSWORD + "\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/setup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    @AfterEach
    void stop() {
        server.close();
        state.close();
    }

    int console(String script, String password, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Console.run(args, new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), password);
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void scriptRunsEveryCommandAgainstTheBox() throws Exception {
        String script = """
                status
                mood
                # comments and blank lines are skipped

                pause
                play
                next
                volume 35
                lock
                unlock
                privacy on
                scan
                config get music.volume-max
                config set mood.window-seconds 45
                config set web.port 8081
                quit
                status
                """;
        assertEquals(0, console(script, PASSWORD, url), stderr);
        assertEquals("", stderr);
        assertTrue(stdout.contains("mood     happy (70% sure), 2 faces"), stdout);
        assertTrue(stdout.contains("music    playing: Sunny Road - The Larks, volume 40%"), stdout);
        assertTrue(stdout.contains("why      fits the happy room"), stdout);
        assertTrue(stdout.contains("  happy     ##############        70%"), stdout);
        assertTrue(stdout.contains("music.volume-max = 80"), stdout);
        assertTrue(stdout.contains("recorded volume 35") && stdout.contains("recorded rescan"),
                "the console prints what the box says it did: " + stdout);
        assertTrue(stdout.contains("web.port = 8081   saved; takes effect after a restart"), stdout);
        assertEquals(List.of("pause", "play", "next", "volume 35", "lock true", "lock false", "privacy true", "rescan"),
                controls.calls(), "quit stopped the script before the last status");
        assertEquals("45", settings.get("mood.window-seconds"));
        assertFalse(stdout.contains(PASSWORD), "the password is never echoed");
        assertFalse(stdout.contains("config set"), "script input is not echoed into the output");
    }

    @Test
    void failedCommandsReportTheLineAndExitNonZero() {
        String script = """
                volume 140
                config set music.volume-max loud
                frobnicate
                privacy maybe
                next
                """;
        assertEquals(1, console(script, PASSWORD, "--url", url));
        assertTrue(stderr.contains("line 1: volume 140: percent must be a whole number 0..100"), stderr);
        assertTrue(stderr.contains("line 2: config set music.volume-max loud: music.volume-max must be 0..100"), stderr);
        assertTrue(stderr.contains("line 3: frobnicate: unknown command"), stderr);
        assertTrue(stderr.contains("line 4"), stderr);
        assertEquals(List.of("next"), controls.calls(), "later commands still run");
        assertEquals("80", settings.get("music.volume-max"));
    }

    @Test
    void withoutThePasswordChangesAreRefused() throws Exception {
        assertEquals(1, console("next\n", "wrong password here", url));
        assertTrue(stderr.contains("wrong password"), stderr);
        assertTrue(stderr.contains("log in first"), stderr);
        assertTrue(controls.calls().isEmpty());
    }

    @Test
    void passwordFileAndBadArguments() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, PASSWORD + "\n");
        assertEquals(0, console("next\n", null, url, "--password-file", pw.toString()), stderr);
        assertEquals(List.of("next"), controls.calls());
        assertEquals(2, console("", null, "ftp://nowhere"));
        assertTrue(stderr.contains("not an address"), stderr);
        assertEquals(2, console("", null, "--bogus"));
        assertEquals(1, console("status\n", PASSWORD, "http://127.0.0.1:1/"));
        assertTrue(stderr.contains("cannot reach moodbox"), stderr);
    }

    @Test
    void completesCommandsArgumentsAndSettingKeys() {
        var c = new Console.Completions(() -> List.of("mood.window-seconds", "web.port"));
        assertEquals(Console.COMMANDS, complete(c, ""));
        assertEquals(List.of("on", "off"), complete(c, "privacy "));
        assertEquals(List.of("get", "set"), complete(c, "config "));
        assertEquals(List.of("mood.window-seconds", "web.port"), complete(c, "config set "));
        assertEquals(List.of(), complete(c, "next "));
    }

    @Test
    void localUrlOfTheWebSettings() {
        assertEquals("http://127.0.0.1:8080/", Console.localUrl(new WebConfig("0.0.0.0", 8080, false, false, false, 60, dir, 16384)));
        assertEquals("http://[::1]:81/", Console.localUrl(new WebConfig("::", 81, false, false, false, 60, dir, 16384)));
        assertEquals("http://192.168.1.5:80/", Console.localUrl(new WebConfig("192.168.1.5", 80, false, false, false, 60, dir, 16384)));
    }

    private static List<String> complete(Console.Completions c, String line) {
        List<Candidate> out = new ArrayList<>();
        c.complete(null, new DefaultParser().parse(line, line.length(), org.jline.reader.Parser.ParseContext.COMPLETE), out);
        return out.stream().map(Candidate::value).toList();
    }
}
