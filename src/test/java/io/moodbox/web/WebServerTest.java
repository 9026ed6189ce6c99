package io.moodbox.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodbox.config.MoodboxException;
import io.moodbox.device.DeviceConfig;
import io.moodbox.emotion.Emotion;
import io.moodbox.testing.TestStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The API over real HTTP on port 0, against fake controls, settings and library. */
class WebServerTest {
    @TempDir Path dir;
    TestServer t;

    @AfterEach
    void stop() {
        if (t != null) t.close();
    }

    @Test
    void firstVisitNeedsTheSetupCodeThenSetsThePassword() throws Exception {
        t = new TestServer(dir, false);
        assertEquals("setup", TestServer.json(t.get("/api/session")).get("state").asText());
        assertEquals(409, t.login(TestServer.PASSWORD).statusCode(), "no login before a password exists");

        var wrong = t.post("/api/setup", "{\"setupCode\":\"AAAAA-AAAAA\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertEquals(403, wrong.statusCode());
        assertEquals("setupCode", TestServer.json(wrong).get("field").asText());

        String code = t.server.setupCode().orElseThrow();
        var weak = t.post("/api/setup", "{\"setupCode\":\"" + code.toLowerCase() + "\",\"password\":\"short\"}");
        assertEquals(400, weak.statusCode());
        assertEquals("password", TestServer.json(weak).get("field").asText());
        assertFalse(Files.exists(dir.resolve("owner.properties")), "nothing saved for a weak password");

        var ok = t.setUp();
        assertEquals(200, ok.statusCode());
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http: no Secure flag");
        assertTrue(t.server.setupCode().isEmpty(), "the setup code is single-use");

        Path ownerFile = dir.resolve("owner.properties");
        String stored = Files.readString(ownerFile);
        assertFalse(stored.contains(TestServer.PASSWORD), "never the password itself");
        assertTrue(stored.contains("PBKDF2WithHmacSHA256"), stored);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ownerFile)));

        assertEquals(200, t.get("/api/status").statusCode());
        var again = t.post("/api/setup", "{\"setupCode\":\"" + code + "\",\"password\":\"another password\"}");
        assertEquals(409, again.statusCode(), "a second setup is refused");
    }

    @Test
    void passwordSurvivesARestartAndLoginLogoutWork() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        t.close();
        t = new TestServer(dir, false);
        assertTrue(t.server.setupCode().isEmpty(), "no setup code once a password is stored");
        assertEquals("ready", TestServer.json(t.get("/api/session")).get("state").asText());
        assertEquals(401, t.get("/api/status").statusCode());

        var bad = t.login("wrong password!");
        assertEquals(401, bad.statusCode());
        assertEquals("password", TestServer.json(bad).get("field").asText());

        assertEquals(200, t.login(TestServer.PASSWORD).statusCode());
        JsonNode session = TestServer.json(t.get("/api/session"));
        assertTrue(session.get("loggedIn").asBoolean());
        assertEquals(t.csrf, session.get("csrf").asText());
        assertEquals(200, t.get("/api/settings").statusCode());

        assertEquals(200, t.post("/api/logout", "").statusCode());
        assertEquals(401, t.get("/api/settings").statusCode(), "the old cookie no longer works");
    }

    @Test
    void loginsAreRateLimitedPerClient() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        t.cookie = null;
        t.csrf = null;
        for (int i = 0; i < LoginLimiter.FREE_FAILURES + 1; i++)
            assertEquals(401, t.login("not the password " + i).statusCode(), "attempt " + i);
        var limited = t.login(TestServer.PASSWORD);
        assertEquals(429, limited.statusCode(), "even the right password waits out the backoff");
        assertEquals("1", limited.headers().firstValue("Retry-After").orElseThrow());

        t.clock.addAndGet(1_100);
        assertEquals(401, t.login("still wrong password").statusCode());
        var longer = t.login(TestServer.PASSWORD);
        assertEquals(429, longer.statusCode());
        assertEquals("2", longer.headers().firstValue("Retry-After").orElseThrow(), "the wait doubles");

        t.clock.addAndGet(2_100);
        assertEquals(200, t.login(TestServer.PASSWORD).statusCode());
    }

    @Test
    void statusIsPrivateUnlessTheOwnerAllowsIt() throws Exception {
        t = new TestServer(dir, false);
        assertEquals(401, t.get("/api/status").statusCode());
        assertEquals(401, t.get("/api/mood").statusCode());
        t.close();

        t = new TestServer(dir, true);
        var status = t.get("/api/status");
        assertEquals(200, status.statusCode());
        JsonNode s = TestServer.json(status);
        assertEquals("running", s.get("phase").asText());
        assertEquals(48.3, s.get("cpuCelsius").asDouble(), 0.01);
        assertEquals(0.7, s.at("/mood/emotions/neutral").asDouble(), 0.001);
        assertEquals("fits the happy room", s.at("/player/reason").asText());
        assertTrue(s.get("uptimeSeconds").asLong() >= 3600);
        assertTrue(s.at("/memory/heapUsedMb").asDouble() > 0 && s.at("/memory/threads").asInt() > 1, s.get("memory").toString());
        assertTrue(s.at("/memory/rssMb").asDouble() > s.at("/memory/heapUsedMb").asDouble(), s.get("memory").toString());
        assertEquals(200, t.get("/api/mood").statusCode());
        assertEquals(401, t.get("/api/settings").statusCode(), "settings are the owner's only");
        assertEquals(401, t.get("/api/player").statusCode());
        assertEquals(401, t.post("/api/controls/next", "").statusCode());
        assertTrue(t.controls.calls().isEmpty());
    }

    @Test
    void changesNeedTheCsrfTokenAndTheSameOrigin() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        var none = t.post("/api/controls/next", "", false);
        assertEquals(403, none.statusCode());
        assertTrue(TestServer.json(none).get("error").asText().contains(WebServer.CSRF_HEADER));

        var wrong = t.http.send(t.request("/api/controls/next").header(WebServer.CSRF_HEADER, "forged")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrong.statusCode());

        var crossSite = t.http.send(t.request("/api/controls/next").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, crossSite.statusCode());
        assertTrue(t.controls.calls().isEmpty(), "nothing reached the box");

        var sameSite = t.http.send(t.request("/api/controls/next").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Origin", t.base()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sameSite.statusCode());
        var proxied = t.http.send(t.request("/api/controls/next").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Origin", "https://moodbox.example").header("X-Forwarded-Host", "moodbox.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, proxied.statusCode(), "X-Forwarded-Host only counts behind a TLS proxy (web.secure-cookies)");
        t.server.apply(new WebConfig("127.0.0.1", 0, false, false, true, 60, dir.resolve("owner.properties"), 4096));
        proxied = t.http.send(t.request("/api/controls/next").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Origin", "https://moodbox.example").header("X-Forwarded-Host", "moodbox.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, proxied.statusCode());
        assertEquals(200, t.post("/api/controls/volume", "{\"percent\":35}").statusCode());
        assertEquals(200, t.post("/api/controls/lock", "{\"locked\":true}").statusCode());
        assertEquals(200, t.post("/api/controls/privacy", "{\"on\":true}").statusCode());
        assertEquals(java.util.List.of("next", "next", "volume 35", "lock true", "privacy true"), t.controls.calls());
        var secure = t.login(TestServer.PASSWORD);
        assertTrue(secure.headers().firstValue("Set-Cookie").orElseThrow().contains("; Secure"), "Secure behind a TLS proxy");
    }

    @Test
    void badControlValuesNameTheField() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        var loud = t.post("/api/controls/volume", "{\"percent\":101}");
        assertEquals(400, loud.statusCode());
        assertEquals("percent", TestServer.json(loud).get("field").asText());
        var text = t.post("/api/controls/lock", "{\"locked\":\"yes\"}");
        assertEquals("locked", TestServer.json(text).get("field").asText());
        assertEquals(404, t.post("/api/controls/explode", "").statusCode());
        assertTrue(t.controls.calls().isEmpty());
    }

    @Test
    void aControlAnswersWhatItDidAndA409WhenItDidNot() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        var done = t.post("/api/controls/play", "");
        assertEquals(200, done.statusCode());
        assertTrue(TestServer.json(done).get("ok").asBoolean());
        assertEquals("recorded play", TestServer.json(done).get("message").asText());
        t.controls.answerWith(io.moodbox.box.Controls.Reply.refused("Nothing to play: the music library is empty."));
        var refused = t.post("/api/controls/next", "");
        assertEquals(409, refused.statusCode(), "not done is not ok");
        assertFalse(TestServer.json(refused).get("ok").asBoolean());
        assertEquals("Nothing to play: the music library is empty.", TestServer.json(refused).get("message").asText());
    }

    @Test
    void aPasswordSettingNeverGoesBackToTheBrowser() {
        var set = Views.setting(new SettingsStore.Setting("mpd.password", "s3cret-pass", "", true, "What MPD clients send.", "MPD password", "MPD clients"));
        assertEquals("", set.get("value"));
        assertEquals(true, set.get("secret"));
        assertEquals(true, set.get("isSet"));
        var unset = Views.setting(new SettingsStore.Setting("mqtt.password", "", "", true, "Broker password.", "Broker password", "Home Assistant"));
        assertEquals(false, unset.get("isSet"));
        var plain = Views.setting(new SettingsStore.Setting("web.port", "8080", "8080", false, "Port.", "Port", "Page"));
        assertEquals("8080", plain.get("value"));
        assertFalse(plain.containsKey("secret"));
    }

    @Test
    void settingsValidateNameTheFieldAndSaveNothingWhenBad() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        JsonNode list = TestServer.json(t.get("/api/settings")).get("settings");
        assertEquals("mood.window-seconds", list.get(0).get("key").asText());
        assertTrue(list.get(0).get("live").asBoolean());

        var bad = t.post("/api/settings", "{\"mood.window-seconds\":\"45\",\"music.volume-max\":\"140\"}");
        assertEquals(400, bad.statusCode());
        JsonNode err = TestServer.json(bad);
        assertEquals("music.volume-max", err.get("field").asText());
        assertTrue(err.get("error").asText().contains("0..100"), err.toString());
        assertEquals("30", t.settings.get("mood.window-seconds"), "the good half was not saved either");
        assertEquals(0, t.settings.saves());

        var good = t.post("/api/settings", "{\"mood.window-seconds\":45,\"web.port\":\"8081\"}");
        assertEquals(200, good.statusCode());
        JsonNode res = TestServer.json(good);
        assertEquals("mood.window-seconds", res.get("applied").get(0).asText());
        assertEquals("web.port", res.get("restartNeeded").get(0).asText());
        assertEquals("45", t.settings.get("mood.window-seconds"));

        var nested = t.post("/api/settings", "{\"web.port\":{\"x\":1}}");
        assertEquals("web.port", TestServer.json(nested).get("field").asText());
        assertEquals(400, t.post("/api/settings", "{}").statusCode());
    }

    @Test
    void malformedAndOversizeBodiesAreRefusedClearly() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        var broken = t.post("/api/settings", "{\"mood.window-seconds\": ");
        assertEquals(400, broken.statusCode());
        assertTrue(TestServer.json(broken).get("error").asText().startsWith("the body is not valid JSON"), broken.body());
        assertEquals(400, t.post("/api/settings", "[1,2]").statusCode());
        assertEquals(400, t.post("/api/login", "null").statusCode());

        var form = t.http.send(t.request("/api/controls/volume").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("percent=10")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode());

        String big = "{\"music.volume-max\":\"" + "9".repeat(5000) + "\"}";
        var declared = t.post("/api/settings", big);
        assertEquals(413, declared.statusCode());
        // Chunked (no Content-Length): the limit still holds while reading.
        var chunked = t.http.send(t.request("/api/settings").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode());
        assertEquals(0, t.settings.saves());
    }

    @Test
    void pageFilesComeWithTypeAndETagAndNothingElseIsServed() throws Exception {
        t = new TestServer(dir, false);
        var page = t.get("/index.html");
        assertEquals(200, page.statusCode());
        assertEquals(t.get("/").body(), page.body(), "/ is index.html");
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        var js = t.get("/app.js");
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertEquals("no-cache", js.headers().firstValue("Cache-Control").orElse(""));
        String etag = js.headers().firstValue("ETag").orElseThrow();
        var again = t.http.send(t.request("/app.js").header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode(), "an unchanged file is not sent again");
        assertEquals("image/svg+xml", t.get("/icon.svg").headers().firstValue("Content-Type").orElse(""));
        for (String path : new String[]{"/no-such-page.html", "/..%2Fmoodbox-defaults.properties",
                "/moodbox-defaults.properties", "/META-INF/services/ch.qos.logback.classic.spi.Configurator", "/web%2Fapp.js"})
            assertEquals(404, t.get(path).statusCode(), path);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        t = new TestServer(dir, false);
        for (String path : new String[]{"/", "/api/session", "/api/status", "/no-such-page"}) {
            var r = t.get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), path + ": " + csp);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), path);
        }
        assertEquals("no-store", t.get("/api/session").headers().firstValue("Cache-Control").orElse(""));
        var page = t.get("/");
        assertEquals(200, page.statusCode(), "the page itself needs no login");
        assertTrue(page.body().contains("id=\"setup-form\""));
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertEquals(200, t.get("/app.js").statusCode());
    }

    @Test
    void eventStreamDeliversAStateChange() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> open = t.http.sendAsync(
                t.request("/api/events").header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> r = open.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> r.body().forEach(lines::add), "test-sse-reader");
        reader.setDaemon(true);
        reader.start();

        String first = nextData(lines);
        assertEquals("neutral", TestServer.JSON.readTree(first).at("/mood/mood").asText(), "current state at once");

        t.state.update(s -> TestStates.withMood(s, Emotion.HAPPY, 3));
        JsonNode changed = null;
        for (int i = 0; i < 5 && (changed == null || !"happy".equals(changed.at("/mood/mood").asText())); i++)
            changed = TestServer.JSON.readTree(nextData(lines));
        assertEquals("happy", changed.at("/mood/mood").asText());
        assertEquals(3, changed.at("/mood/faces").asInt());

        JsonNode history = TestServer.json(t.get("/api/history")).get("points");
        assertEquals("happy", history.get(history.size() - 1).get("mood").asText());
    }

    @Test
    void eventStreamNeedsLogin() throws Exception {
        t = new TestServer(dir, false);
        assertEquals(401, t.get("/api/events").statusCode());
    }

    @Test
    void previewIsOffByDefaultAndOwnerOnly() throws Exception {
        WebConfig base = new WebConfig("127.0.0.1", 0, true, false, false, 60, dir.resolve("owner.properties"), 4096);
        t = new TestServer(dir, base);
        t.frame.set(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
        t.setUp();
        assertEquals(404, t.get("/api/preview.jpg").statusCode(), "off by default");

        t.server.apply(new WebConfig("127.0.0.1", 0, true, true, false, 60, dir.resolve("owner.properties"), 4096));
        HttpResponse<byte[]> jpeg = t.http.send(t.request("/api/preview.jpg").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, jpeg.statusCode());
        assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-store", jpeg.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(4, jpeg.body().length);

        String owner = t.cookie;
        t.cookie = null;
        assertEquals(401, t.get("/api/preview.jpg").statusCode(), "anonymous status readers never see the camera");
        t.cookie = owner;
        t.frame.set(null);
        assertEquals(503, t.get("/api/preview.jpg").statusCode());
    }

    @Test
    void playerLibraryAndHistoryForTheOwner() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        JsonNode player = TestServer.json(t.get("/api/player"));
        assertEquals("Sunny Road", player.at("/player/track/title").asText());
        assertEquals("Lift Off", player.at("/queue/0/title").asText());
        t.library.progress(new LibraryView.ScanProgress(true, 12, 40, null, "scanning"));
        JsonNode lib = TestServer.json(t.get("/api/library"));
        assertEquals(12, lib.at("/scan/done").asInt());
        assertEquals("calm", lib.at("/moods/0/mood").asText());
        assertEquals(2, lib.at("/moods/1/count").asInt());
        assertEquals("Slow Rain", TestServer.json(t.get("/api/library/calm")).at("/tracks/0/title").asText());
        assertEquals(404, t.get("/api/library/furious").statusCode());
        assertEquals(3600, TestServer.json(t.get("/api/history")).get("spanSeconds").asInt());
    }

    @Test
    void aDamagedOwnerFileIsReportedNotOverwritten() throws Exception {
        Files.writeString(dir.resolve("owner.properties"), "algorithm=rot13\n");
        t = new TestServer(dir, false);
        JsonNode s = TestServer.json(t.get("/api/session"));
        assertEquals("damaged", s.get("state").asText());
        assertTrue(s.get("message").asText().contains("owner.properties"));
        var login = t.login(TestServer.PASSWORD);
        assertEquals(503, login.statusCode());
        assertTrue(t.server.setupCode().isEmpty(), "no setup over a damaged file");
        assertEquals("algorithm=rot13\n", Files.readString(dir.resolve("owner.properties")));
    }

    @Test
    void aTakenPortFailsWithAClearMessage() throws Exception {
        t = new TestServer(dir, false);
        WebConfig same = new WebConfig("127.0.0.1", t.server.port(), false, false, false, 60, dir.resolve("o2"), 4096);
        var second = new WebServer(same, t.state, t.controls, t.settings, t.library, java.util.Optional::empty,
                new io.moodbox.testing.NoDevice());
        var e = assertThrows(MoodboxException.class, second::start);
        assertTrue(e.getMessage().contains("web.port " + t.server.port()), e.getMessage());
        second.close();
    }

    @Test
    void changingThePasswordEndsOtherSessions() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        String firstCookie = t.cookie;
        t.cookie = null; // a second device
        t.login(TestServer.PASSWORD);
        String secondCookie = t.cookie;
        assertNotEquals(firstCookie, secondCookie);
        var wrong = t.post("/api/password", "{\"current\":\"nope nope nope\",\"password\":\"a brand new password\"}");
        assertEquals("current", TestServer.json(wrong).get("field").asText());
        assertEquals(200, t.post("/api/password", "{\"current\":\"" + TestServer.PASSWORD + "\",\"password\":\"a brand new password\"}").statusCode());
        t.cookie = firstCookie;
        assertEquals(401, t.get("/api/settings").statusCode());
        t.cookie = secondCookie;
        assertEquals(200, t.get("/api/settings").statusCode());
        t.cookie = null;
        assertEquals(200, t.login("a brand new password").statusCode());
    }

    @Test
    void theDeviceViewIsForStatusReadersAndPressesAreTheOwners() throws Exception {
        t = new TestServer(dir, false, DeviceConfig.Provider.MOCK);
        assertEquals(401, t.get("/api/device").statusCode());
        assertEquals(401, t.post("/api/device/buttons/next", "{\"gesture\":\"short\"}").statusCode());
        t.setUp();
        JsonNode d = TestServer.json(t.get("/api/device"));
        assertEquals("mock", d.get("gpio").asText());
        assertTrue(d.get("pressable").asBoolean());
        assertEquals("face_seen", d.at("/led/signal").asText(), "live, someone present");
        assertEquals("teal, steady", d.at("/led/look").asText());
        assertEquals("play", d.at("/buttons/0/name").asText());
        assertEquals("short", d.at("/buttons/0/gestures/0/gesture").asText());
        assertEquals("play or pause", d.at("/buttons/0/gestures/0/words").asText());
        assertEquals(4.0, d.at("/buttons/3/gestures/1/holdSeconds").asDouble(), "privacy's long press is the shutdown hold");

        JsonNode status = TestServer.json(t.get("/api/status"));
        assertEquals("watching, someone is here (neutral)", status.at("/led/meaning").asText(), "the LED rides along with the state");
        t.close();

        t = new TestServer(dir, true, DeviceConfig.Provider.MOCK);
        assertEquals(200, t.get("/api/device").statusCode(), "anonymous status readers see the LED and buttons");
        assertEquals(401, t.post("/api/device/buttons/next", "{\"gesture\":\"short\"}").statusCode(), "but only the owner presses");
        assertTrue(t.controls.calls().isEmpty());
    }

    @Test
    void aButtonPressNeedsCsrfAGestureAndAButton() throws Exception {
        t = new TestServer(dir, false, DeviceConfig.Provider.MOCK);
        t.setUp();
        assertEquals(403, t.post("/api/device/buttons/next", "{\"gesture\":\"short\"}", false).statusCode());
        var crossSite = t.http.send(t.request("/api/device/buttons/next").header(WebServer.CSRF_HEADER, t.csrf)
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"gesture\":\"short\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, crossSite.statusCode());

        var bad = t.post("/api/device/buttons/next", "{\"gesture\":\"triple\"}");
        assertEquals(400, bad.statusCode());
        assertEquals("gesture", TestServer.json(bad).get("field").asText());
        assertEquals(400, t.post("/api/device/buttons/next", "{}").statusCode());
        var unknown = t.post("/api/device/buttons/volume", "{\"gesture\":\"short\"}");
        assertEquals(404, unknown.statusCode());
        assertTrue(TestServer.json(unknown).get("error").asText().contains("play, next, mood, privacy"), unknown.body());
        assertTrue(t.controls.calls().isEmpty(), "nothing was pressed");

        var ok = t.post("/api/device/buttons/next", "{\"gesture\":\"short\"}");
        assertEquals(202, ok.statusCode(), ok.body());
        assertTrue(TestServer.json(ok).get("ok").asBoolean());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.controls.calls().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(java.util.List.of("next"), t.controls.calls(), "the button thread took the press from the mock pin");
    }

    @Test
    void withoutTheMockGpioAPressIsRefusedWith409() throws Exception {
        t = new TestServer(dir, false, DeviceConfig.Provider.NONE);
        t.setUp();
        JsonNode d = TestServer.json(t.get("/api/device"));
        assertFalse(d.get("pressable").asBoolean());
        assertEquals(4, d.get("buttons").size(), "what the buttons would do is still shown");
        var refused = t.post("/api/device/buttons/play", "{\"gesture\":\"short\"}");
        assertEquals(409, refused.statusCode());
        JsonNode r = TestServer.json(refused);
        assertFalse(r.get("ok").asBoolean());
        assertEquals(d.get("pressNote").asText(), r.get("message").asText());
        assertTrue(r.get("message").asText().startsWith("No GPIO is open"), r.toString());
        assertTrue(t.controls.calls().isEmpty());
    }

    @Test
    void theMoodSaysWhatLeadsAndTheHysteresisSettings() throws Exception {
        t = new TestServer(dir, true);
        JsonNode m = TestServer.json(t.get("/api/mood"));
        assertEquals("neutral", m.get("leaning").asText());
        assertEquals(0.1, m.get("switchMargin").asDouble(), 1e-9);
        assertEquals(0.4, m.get("holdSeconds").asDouble(), 1e-9);
        t.state.update(s -> new io.moodbox.box.BoxState(s.phase(), s.camera(), s.privacy(),
                TestStates.leaning(Emotion.SURPRISE, Emotion.SAD), s.player(), s.fps(), s.problems(), s.startedAt(), s.at()));
        t.settings.update(java.util.Map.of("mood.switch-margin", "0.15"));
        JsonNode s = TestServer.json(t.get("/api/status"));
        assertEquals("surprise", s.at("/mood/mood").asText());
        assertEquals("sad", s.at("/mood/leaning").asText());
        assertEquals(0.15, s.at("/mood/switchMargin").asDouble(), 1e-9, "the live setting");
    }

    private static String nextData(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(line, "no event within 10 s");
            if (line.startsWith("data:")) return line.substring(5).trim();
        }
    }
}
