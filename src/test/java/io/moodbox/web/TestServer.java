package io.moodbox.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodbox.box.StateModel;
import io.moodbox.device.Device;
import io.moodbox.device.DeviceConfig;
import io.moodbox.device.DeviceView;
import io.moodbox.emotion.Emotion;
import io.moodbox.testing.FixedLibrary;
import io.moodbox.testing.MemorySettingsStore;
import io.moodbox.testing.NoDevice;
import io.moodbox.testing.RecordingControls;
import io.moodbox.testing.TestStates;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real server on port 0 over fakes, plus a tiny HTTP client that keeps the cookie and CSRF token.
 * Behind the page's LED and buttons: nothing, or the real device on a GPIO provider the test names
 * (mock: Pi4J's in-memory pins, with the LED and button threads running).
 */
final class TestServer implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    static final ObjectMapper JSON = new ObjectMapper();

    final StateModel state = new StateModel(TestStates.running(Emotion.NEUTRAL, 1));
    final RecordingControls controls = new RecordingControls(state);
    final MemorySettingsStore settings = new MemorySettingsStore();
    final FixedLibrary library = new FixedLibrary();
    final AtomicReference<byte[]> frame = new AtomicReference<>();
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    final Path thermal;
    final Device device;
    final WebServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String cookie, csrf;

    TestServer(Path dir, boolean anonymousStatus) throws IOException {
        this(dir, anonymousStatus, null);
    }

    /** {@code provider}: the GPIO under a real device with the default buttons; null for no device at all. */
    TestServer(Path dir, boolean anonymousStatus, DeviceConfig.Provider provider) throws IOException {
        this(dir, new WebConfig("127.0.0.1", 0, anonymousStatus, false, false, 60, dir.resolve("owner.properties"), 4096),
                provider);
    }

    TestServer(Path dir, WebConfig config) throws IOException {
        this(dir, config, null);
    }

    TestServer(Path dir, WebConfig config, DeviceConfig.Provider provider) throws IOException {
        thermal = dir.resolve("temp");
        Files.writeString(thermal, "48312\n");
        DevicePanel panel = new NoDevice();
        if (provider == null) {
            device = null;
        } else {
            DeviceConfig d = DeviceConfig.defaults();
            device = Device.open(new DeviceConfig(provider, -1, d.led(), d.timing(), d.buttons(), false), controls,
                    state.current(), problems -> { });
            state.addListener(device);
            panel = over(device);
        }
        // Few PBKDF2 rounds keep tests fast; OwnerAccountTest covers the real count.
        server = new WebServer(config, state, controls, settings, library, () -> Optional.ofNullable(frame.get()),
                panel, new HostInfo(thermal, dir.resolve("no-uptime")), 1000, clock::get).start();
    }

    /** The page's view of a device, as the daemon's wiring gives it. */
    static DevicePanel over(Device d) {
        return new DevicePanel() {
            @Override public DeviceView view() { return d.view(); }

            @Override public void press(String button, DeviceView.Gesture gesture) { d.press(button, gesture); }
        };
    }

    String base() { return "http://127.0.0.1:" + server.port(); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return post(path, json, true);
    }

    HttpResponse<String> post(String path, String json, boolean withCsrf) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (withCsrf && csrf != null) b.header(WebServer.CSRF_HEADER, csrf);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (cookie != null) b.header("Cookie", cookie);
        return b;
    }

    /** Sets the owner password with the setup code and keeps the session. */
    HttpResponse<String> setUp() throws IOException, InterruptedException {
        String code = server.setupCode().orElseThrow();
        HttpResponse<String> r = post("/api/setup", "{\"setupCode\":\"" + code + "\",\"password\":\"" + PASSWORD + "\"}");
        remember(r);
        return r;
    }

    HttpResponse<String> login(String password) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/login", "{\"password\":\"" + password + "\"}");
        if (r.statusCode() == 200) remember(r);
        return r;
    }

    void remember(HttpResponse<String> r) throws IOException {
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = set.substring(0, set.indexOf(';'));
        csrf = json(r).get("csrf").asText();
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
        if (device != null) device.close();
        state.close();
    }
}
