package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole box on an owner's file from before the keys were kebab-case: it runs on the values,
 * the page shows the renames as problems, and the page's settings (with the labels and groups the
 * records define) save the file under the new names.
 */
class RenamedSettingsTest {
    @TempDir Path dir;
    private Moodbox box;
    private String cookie, csrf;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    @Test
    void anOldStyleFileRunsIsReportedOnThePageAndASaveRenamesIt() throws Exception {
        Daemon.ownerFile(dir.resolve("web-owner.properties"));
        Path file = Files.writeString(dir.resolve("moodbox.properties"), "# kept by the owner\nmood.hold_s = 2\nmood.switch_margin = 0.2\n");
        box = Moodbox.start(TestSettings.load(dir, Map.of()), new Moodbox.Parts(new MoodboxTest.ScriptedSource(), new MoodboxTest.FakeAnalyzer()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        JsonNode status = json(send(http, "GET", "/api/status", null));
        List<String> problems = new ArrayList<>();
        status.get("problems").forEach(p -> problems.add(p.asText()));
        assertTrue(problems.contains("Setting mood.hold_s in moodbox.properties is now called mood.hold-s; the box reads it under the "
                + "new name, and the next save writes it as mood.hold-s."), problems.toString());

        login(http);
        JsonNode settings = json(send(http, "GET", "/api/settings", null)).get("settings");
        JsonNode hold = null;
        for (JsonNode s : settings) if (s.get("key").asText().equals("mood.hold-s")) hold = s;
        assertEquals("2", hold.get("value").asText(), "the old name's value runs");
        assertEquals("Lead held for", hold.get("label").asText());
        assertEquals("Room mood", hold.get("group").asText());
        assertTrue(hold.get("live").asBoolean());

        HttpResponse<String> r = send(http, "POST", "/api/settings", "{\"mood.max-step-s\":\"0.5\"}");
        assertEquals(200, r.statusCode(), r.body());
        String saved = Files.readString(file);
        assertTrue(saved.contains("# kept by the owner") && saved.contains("mood.hold-s = 2") && saved.contains("mood.switch-margin = 0.2")
                && !saved.contains("hold_s") && !saved.contains("switch_margin"), saved);
        // The box refreshes its settings problems once a second (Moodbox.watchSettings).
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (json(send(http, "GET", "/api/status", null)).get("problems").toString().contains("is now called")) {
            assertTrue(System.nanoTime() < deadline, "the rename notices stay after the save renamed the keys");
            Thread.sleep(100);
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return Daemon.JSON.readTree(r.body());
    }

    private void login(HttpClient http) throws Exception {
        HttpResponse<String> r = send(http, "POST", "/api/login", "{\"password\":\"" + Daemon.PASSWORD + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = set.substring(0, set.indexOf(';'));
        csrf = Daemon.JSON.readTree(r.body()).get("csrf").asText();
    }

    private HttpResponse<String> send(HttpClient http, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + box.webPort() + path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (cookie != null) b.header("Cookie", cookie);
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
