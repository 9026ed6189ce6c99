package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real daemon for tests: {@code moodbox --config FILE run} ({@link Main}) in a child JVM, as
 * systemd starts it (priority-prefixed log lines, here into a file), talked to over HTTP. Its
 * page must allow anonymous status; {@link #login()} uses an owner file written by
 * {@link #ownerFile}, hashed with few iterations so a login is quick.
 */
final class Daemon implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PORT = Pattern.compile("moodbox running: .* page on port (\\d+),");

    final Path log;
    final Process process;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie, csrf;

    private Daemon(Path log, Process process, int port) {
        this.log = log;
        this.process = process;
        this.port = port;
    }

    /**
     * Settings for a quiet box under {@code dir}: the page on a free local port with anonymous
     * status, no camera, no GPIO, one folder of music, state in {@code dir/state}.
     */
    static String baseConfig(Path dir) {
        return "web.bind = 127.0.0.1\nweb.port = 0\nweb.anonymous-status = true\n"
                + "web.owner-file = " + dir.resolve("owner.properties") + "\n"
                + "music.roots = " + dir.resolve("music") + "\nmusic.state-dir = " + dir.resolve("state") + "\n"
                + "music.sample-library = false\ncamera.source = none\ndevice.provider = none\n";
    }

    /** Starts the daemon on {@code config} and waits until it says it is running. */
    static Daemon start(Path config, Path log, String... runArgs) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString(), "run"));
        cmd.addAll(List.of(runArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JOURNAL_STREAM", "8:12345");   // as under systemd: <3>ERROR, <4>WARN, <6>INFO
        pb.environment().keySet().removeIf(k -> k.startsWith("MOODBOX_") && !k.equals("MOODBOX_FER2013"));
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String out = read(log);
            Matcher m = PORT.matcher(out);
            if (m.find()) return new Daemon(log, p, Integer.parseInt(m.group(1)));
            if (!p.isAlive()) fail("the daemon exited (" + p.exitValue() + ") instead of starting:\n" + out);
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("the daemon did not start within 2 minutes:\n" + out);
            }
            Thread.sleep(50);
        }
    }

    String log() { return read(log); }

    /** The log lines at {@code level} (ERROR, WARN, INFO) that contain {@code text}. */
    List<String> logLines(String level, String text) {
        String prefix = switch (level) { case "ERROR" -> "<3>"; case "WARN" -> "<4>"; default -> "<6>"; };
        return log().lines().filter(l -> l.startsWith(prefix) && l.contains(text)).toList();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with this daemon's session cookie and CSRF token (after {@link #login()}). */
    HttpRequest.Builder requestFor(String path) { return request(path); }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) b.header("Cookie", cookie);
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return b;
    }

    JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/status");
        assertTrue(r.statusCode() == 200, "status: " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    List<String> problems() throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        status().get("problems").forEach(p -> out.add(p.asText()));
        return out;
    }

    /** Logs in with {@link #PASSWORD}; the page must say so. */
    void login() throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/login", "{\"password\":\"" + PASSWORD + "\"}");
        assertTrue(r.statusCode() == 200, "login: " + r.statusCode() + " " + r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = set.substring(0, set.indexOf(';'));
        csrf = JSON.readTree(r.body()).get("csrf").asText();
    }

    void await(String what, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode s = status();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; status " + s + "\nlog:\n" + tail());
            Thread.sleep(100);
            s = status();
        }
    }

    void awaitLog(String text, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) fail("the daemon died waiting for '" + text + "':\n" + tail());
            if (System.nanoTime() > deadline) fail("no '" + text + "' in the log within " + within + ":\n" + tail());
            Thread.sleep(20);
        }
    }

    String tail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** SIGKILL: no shutdown hook, no flush, as a power cut or the OOM killer would stop it. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as systemctl stop; SIGKILL after 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** An owner password file for {@link #PASSWORD}, in the page's format, hashed with 1,000 rounds. */
    static void ownerFile(Path file) throws Exception {
        byte[] salt = "moodbox-test-salt".getBytes(StandardCharsets.US_ASCII);
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, 1000, 256)).getEncoded();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "algorithm=PBKDF2WithHmacSHA256\niterations=1000\nsalt=" + Base64.getEncoder().encodeToString(salt)
                + "\nhash=" + Base64.getEncoder().encodeToString(hash) + "\n");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
