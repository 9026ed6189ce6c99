package io.moodbox.app;

import io.moodbox.box.BoxState;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the page's API over real HTTP on the daemon's own wiring (real settings file, player
 * and privacy; a scripted camera): malformed JSON, oversized and endless bodies, wrong types for
 * every field, unknown routes and methods, missing or wrong CSRF and origin, broken HTTP on a raw
 * socket, all at once from many threads. Every request must be refused (4xx, or the connection
 * closed on an oversized body), never answered 5xx or 2xx; afterwards the box still serves, and
 * the settings file's bytes, the volume, privacy and the mood lock are what they were.
 */
class ApiFuzzTest {
    @TempDir Path dir;
    Moodbox box;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    /** One request the box must refuse; {@code mayClose}: an oversized body the server may cut off mid-send. */
    record Fuzz(String method, String path, String contentType, byte[] body, boolean chunked, boolean csrf, boolean cookie,
                Map<String, String> headers, boolean mayClose) {
        String describe() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 60), StandardCharsets.ISO_8859_1);
            return method + " " + (path.length() > 80 ? path.substring(0, 80) + "..." : path) + " [" + (body == null ? 0 : body.length)
                    + " bytes: " + b.replaceAll("\\p{Cntrl}", "?") + "]" + (csrf ? "" : " no-csrf") + (cookie ? "" : " no-cookie") + headers.keySet();
        }
    }

    private String cookie, csrf;
    private int port;

    @Test
    void refusedRequestsChangeNothingAndTheBoxKeepsServing() throws Exception {
        Daemon.ownerFile(dir.resolve("web-owner.properties"));
        box = Moodbox.start(TestSettings.load(dir, Map.of()), new Moodbox.Parts(new MoodboxTest.ScriptedSource(), new MoodboxTest.FakeAnalyzer()));
        port = box.webPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        login(http);
        // A settings file to guard, a volume and a lock that differ from their defaults.
        assertEquals(200, send(http, "POST", "/api/settings", "{\"mood.hold-s\":\"1.5\",\"music.mixer\":\"USB\"}").statusCode());
        assertEquals(200, send(http, "POST", "/api/controls/volume", "{\"percent\":17}").statusCode());
        assertEquals(200, send(http, "POST", "/api/controls/lock", "{\"locked\":true}").statusCode());
        Path settingsFile = dir.resolve("moodbox.properties");
        byte[] settingsBefore = Files.readAllBytes(settingsFile);
        long deadline = System.nanoTime() + 10_000_000_000L;   // the player applies the volume on its own thread
        while (box.state().current().player().volumePercent() != 17 || !box.state().current().mood().locked()) {
            assertTrue(System.nanoTime() < deadline, "volume and lock never applied: " + box.state().current());
            Thread.sleep(20);
        }
        BoxState before = box.state().current();
        assertEquals(17, before.player().volumePercent());
        int threadsBefore = Thread.activeCount();

        long seed = Long.getLong("moodbox.fuzz.seed", System.nanoTime());
        System.out.println("ApiFuzzTest seed " + seed + " (rerun with -Dmoodbox.fuzz.seed=" + seed + ")");
        List<Fuzz> corpus = corpus(new Random(seed));
        Map<Integer, AtomicInteger> statuses = new TreeMap<>();
        ConcurrentHashMap<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger closed = new AtomicInteger(), retried = new AtomicInteger();
        int threads = 16, rounds = 2;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            List<Fuzz> mine = new ArrayList<>(corpus);
            Collections.shuffle(mine, new Random(seed + t));
            running.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    for (Fuzz f : mine) {
                        try {
                            int code;
                            try {
                                code = send(http, f);
                            } catch (IOException e) {
                                if (f.mayClose()) throw e;
                                // A kept-alive connection the server closed after refusing an oversized body
                                // on it: the client's pool may hand it out once more. A new one must work.
                                retried.incrementAndGet();
                                code = send(http, f);
                            }
                            seen.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
                            if (!REFUSALS.contains(code)) wrong.add(code + " for " + f.describe());
                        } catch (IOException e) {
                            if (f.mayClose()) closed.incrementAndGet();
                            else wrong.add("connection failed (" + e + ") for " + f.describe());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return null;
                        }
                    }
                }
                return null;
            }));
        }
        for (int i = 0; i < 4; i++) running.add(pool.submit(() -> { rawGarbage(); return null; }));
        for (Future<?> f : running) f.get();
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        statuses.putAll(Map.copyOf(seen));
        int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum() + closed.get();
        System.out.printf("ApiFuzzTest: %d requests from %d threads in %.1f s; statuses %s; %d cut off mid-body; "
                + "%d sent again on a fresh connection%n", total, threads, seconds, statuses, closed.get(), retried.get());

        assertTrue(wrong.isEmpty(), wrong.size() + " requests not refused cleanly, e.g.:\n"
                + String.join("\n", wrong.stream().limit(20).toList()));
        // Still serving, the session still good, and nothing changed.
        assertEquals(200, send(http, "GET", "/api/status", null).statusCode());
        assertEquals(200, send(http, "GET", "/api/settings", null).statusCode());
        assertEquals(200, send(http, "GET", "/", null).statusCode());
        assertArrayEquals(settingsBefore, Files.readAllBytes(settingsFile), "the settings file's bytes");
        BoxState after = box.state().current();
        assertEquals(before.player().volumePercent(), after.player().volumePercent(), "volume");
        assertEquals(before.privacy(), after.privacy(), "privacy");
        assertEquals(before.mood().locked(), after.mood().locked(), "mood lock");
        assertEquals(BoxState.Phase.RUNNING, after.phase());
        assertTrue(after.problems().stream().noneMatch(p -> p.contains("setting")), after.problems().toString());
        assertEquals("1.5", box.settings().get("mood.hold-s"));
        System.out.println("ApiFuzzTest: threads " + threadsBefore + " before, " + Thread.activeCount() + " after");
    }

    private void login(HttpClient http) throws Exception {
        HttpResponse<String> r = send(http, "POST", "/api/login", "{\"password\":\"" + Daemon.PASSWORD + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = set.substring(0, set.indexOf(';'));
        JsonNode j = Daemon.JSON.readTree(r.body());
        csrf = j.get("csrf").asText();
    }

    private HttpResponse<String> send(HttpClient http, String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (cookie != null) b.header("Cookie", cookie);
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int send(HttpClient http, Fuzz f) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = f.body() == null ? HttpRequest.BodyPublishers.noBody()
                : f.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(f.body()))
                : HttpRequest.BodyPublishers.ofByteArray(f.body());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + f.path()))
                .timeout(Duration.ofSeconds(30)).method(f.method(), body);
        if (f.contentType() != null) b.header("Content-Type", f.contentType());
        if (f.cookie()) b.header("Cookie", cookie);
        if (f.csrf()) b.header("X-CSRF-Token", csrf);
        f.headers().forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static final String JSON = "application/json";

    /** Requests that must each be refused. */
    static List<Fuzz> corpus(Random rnd) {
        List<Fuzz> c = new ArrayList<>();
        List<String> posts = List.of("/api/settings", "/api/controls/volume", "/api/controls/lock", "/api/controls/privacy",
                "/api/login", "/api/setup", "/api/password");
        // Malformed JSON, to every route that reads a body.
        List<String> malformed = new ArrayList<>(List.of("", "{", "}", "[]", "[1,2]", "null", "\"text\"", "42", "{\"a\":", "{'a':1}",
                "{\"a\":1,}", "{\"a\":1}}", "{\"a\" 1}", "{/* c */\"a\":1}", "\ufeff{\"a\":1}", "{\"a\":\"\\ud800\\u0000\"",
                "{\"a\":NaN}", "{\"a\":[" + "[".repeat(3000) + "]}", "{\"" + "k".repeat(8000) + "\":1"));
        for (int i = 0; i < 12; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(400)];
            rnd.nextBytes(junk);
            malformed.add(new String(junk, StandardCharsets.ISO_8859_1));
        }
        for (String p : posts) for (String m : malformed) c.add(post(p, m.getBytes(StandardCharsets.ISO_8859_1)));
        for (String p : posts) c.add(post(p, new byte[]{(byte) 0xC3, (byte) 0x28, '{', '}'}));   // invalid UTF-8

        // Huge bodies: over web.max-body-bytes (16 KB here) with a length, endless without one (chunked).
        byte[] big = ("{\"music.mixer\":\"" + "x".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] huge = new byte[2 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        for (String p : posts) {
            c.add(new Fuzz("POST", p, JSON, big, false, true, true, Map.of(), true));
            c.add(new Fuzz("POST", p, JSON, big, true, true, true, Map.of(), true));
            c.add(new Fuzz("POST", p, JSON, huge, true, true, true, Map.of(), true));
        }
        c.add(new Fuzz("POST", "/api/settings", JSON, huge, false, true, true, Map.of(), true));

        // Wrong types and bad values for settings; all of a body is refused if one value is bad.
        for (String s : List.of("{\"camera.fps\":{}}", "{\"camera.fps\":[15]}", "{\"camera.fps\":null}", "{\"camera.fps\":15.5}",
                "{\"camera.fps\":\"15\\u0000\"}", "{\"camera.fps\":1e999}", "{\"camera.fps\":99999999999999999999}",
                "{\"camera.fps\":-0.0}", "{\"mood.hold-s\":true}", "{\"mood.hold-s\":\"-1\"}", "{\"mood.hold-s\":\"NaN\"}",
                "{\"mood.hold-s\":\"2\",\"camera.fps\":\"0\"}", "{\"privacy.enabled\":1}", "{\"privacy.enabled\":\"TRUE\\u0000\"}",
                "{\"web.port\":\"99999\"}", "{\"web.port\":\"-1\"}", "{\"music.mixer\":\"\\u202eUSB\"}", "{\"music.mixer\":\"a\\nb\"}",
                "{\"music.mixer\":\"\\ud800\"}", "{\"vision.detector\":\"owl\"}", "{\"camera.source\":\"/dev/../../etc/shadow\"}",
                "{\"emotion.model\":\"/etc/passwd\"}", "{\"web.owner-file\":\"/tmp\"}", "{\"music.roots\":\"/no/such/folder\"}",
                "{\"\":\"x\"}", "{\"nope\":\"1\"}", "{\"mood.\\u0000\":\"1\"}", "{\"device.button.x\\ny.pin\":\"5\"}",
                "{\"mood.hold-s\":\"" + "9".repeat(5000) + "\"}", "{}"))
            c.add(post("/api/settings", s.getBytes(StandardCharsets.UTF_8)));
        // Wrong types for the controls, and for the account routes.
        for (String[] pc : new String[][]{{"volume", "{\"percent\":\"50\"}"}, {"volume", "{\"percent\":50.5}"}, {"volume", "{\"percent\":-1}"},
                {"volume", "{\"percent\":101}"}, {"volume", "{\"percent\":null}"}, {"volume", "{\"percent\":1e10}"}, {"volume", "{}"},
                {"volume", "{\"percent\":[17]}"}, {"lock", "{\"locked\":\"yes\"}"}, {"lock", "{\"locked\":0}"}, {"lock", "{}"},
                {"privacy", "{\"on\":1}"}, {"privacy", "{\"on\":\"true\"}"}, {"privacy", "{\"on\":null}"}, {"privacy", "{\"on\":{}}"}})
            c.add(post("/api/controls/" + pc[0], pc[1].getBytes(StandardCharsets.UTF_8)));
        for (String s : List.of("{\"password\":123}", "{\"password\":null}", "{\"password\":[\"a\"]}", "{}"))
            c.add(post("/api/login", s.getBytes(StandardCharsets.UTF_8)));
        c.add(post("/api/setup", "{\"setupCode\":\"AAAAA-AAAAA\",\"password\":\"another long password\"}".getBytes()));
        c.add(post("/api/password", "{\"current\":1,\"password\":2}".getBytes()));

        // Unknown routes and methods, traversal, odd paths.
        for (String p : List.of("/api/nope", "/api/controls/explode", "/api/controls/", "/api/library/nomood", "/api/settings/x",
                "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/web/../moodbox-defaults.properties", "/moodbox-defaults.properties",
                "/%00", "/index.html%00.js", "/api/library/%2e%2e", "/" + "a".repeat(9000), "/api//settings/..%2f..%2f",
                "/.git/config", "/WEB-INF/web.xml", "/api/preview.jpg"))
            c.add(new Fuzz("GET", p, null, null, false, true, true, Map.of(), false));
        for (String m : List.of("PUT", "DELETE", "PATCH"))
            for (String p : List.of("/api/settings", "/api/controls/volume", "/api/status", "/"))
                c.add(new Fuzz(m, p, JSON, "{\"camera.fps\":\"20\"}".getBytes(), false, true, true, Map.of(), false));
        c.add(new Fuzz("POST", "/api/controls/next?percent=1", JSON, null, false, true, true, Map.of("Origin", "http://evil.example"), false));

        // The guards: a valid change without the CSRF token, without the cookie, from another site, as a form, as text.
        byte[] valid = "{\"mood.hold-s\":\"3\"}".getBytes(StandardCharsets.UTF_8);
        c.add(new Fuzz("POST", "/api/settings", JSON, valid, false, false, true, Map.of(), false));
        c.add(new Fuzz("POST", "/api/settings", JSON, valid, false, true, false, Map.of(), false));
        c.add(new Fuzz("POST", "/api/settings", JSON, valid, false, true, true, Map.of("Origin", "http://evil.example"), false));
        c.add(new Fuzz("POST", "/api/settings", JSON, valid, false, true, true, Map.of("Sec-Fetch-Site", "cross-site"), false));
        c.add(new Fuzz("POST", "/api/settings", JSON, valid, false, true, true, Map.of("Origin", "null"), false));
        c.add(new Fuzz("POST", "/api/settings", "application/x-www-form-urlencoded", "mood.hold-s=3".getBytes(), false, true, true, Map.of(), false));
        c.add(new Fuzz("POST", "/api/settings", "text/plain", valid, false, true, true, Map.of(), false));
        c.add(new Fuzz("POST", "/api/controls/volume", JSON, "{\"percent\":50}".getBytes(), false, false, true, Map.of(), false));
        c.add(new Fuzz("POST", "/api/controls/privacy", JSON, "{\"on\":true}".getBytes(), false, true, false, Map.of(), false));
        c.add(new Fuzz("POST", "/api/controls/privacy", JSON, "{\"on\":true}".getBytes(), false, true, true,
                Map.of("X-CSRF-Token-Extra", "x", "Origin", "http://127.0.0.1.evil.example"), false));
        c.add(new Fuzz("GET", "/api/settings", null, null, false, true, false, Map.of(), false));
        c.add(new Fuzz("GET", "/api/status", null, null, false, true, true, Map.of("Cookie", "moodbox_session=" + "z".repeat(20_000)), true));
        return c;
    }

    private static Fuzz post(String path, byte[] body) {
        return new Fuzz("POST", path, JSON, body, false, true, true, Map.of(), false);
    }

    /** Broken HTTP on a raw socket: the server answers 4xx or closes, and carries on. */
    private void rawGarbage() throws IOException {
        List<byte[]> junk = List.of("GARBAGE\r\n\r\n".getBytes(), "GET / HTTP/9.9\r\n\r\n".getBytes(),
                "GET /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".getBytes(),
                "POST /api/settings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\n".getBytes(),
                "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                ("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "h".repeat(70_000) + "\r\n\r\n").getBytes(),
                new byte[]{0x16, 0x03, 0x01, 0x00, (byte) 0xA5, 0x01, 0x00});   // a TLS hello on the plain port
        for (byte[] j : junk) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(j);
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
                // Either nothing (closed) or a refusal: 4xx, or Jetty's own 505 for an HTTP version it does not speak.
                if (!head.isEmpty() && !head.matches("HTTP/1\\.1 (4\\d\\d|505)")) fail("raw garbage answered '" + head + "'");
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // closed on us: a refusal
            }
        }
    }

    static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 405, 409, 413, 414, 415, 429, 431);
}
