package io.moodbox.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodbox.config.MoodboxException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * The daemon's HTTP API as the console uses it: keeps the session cookie and CSRF token of one
 * login. Failures come back as {@link ApiException} with the server's own message. Not
 * thread-safe: the console's one thread uses it.
 */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The API said no, or could not be reached; the message is for the person at the console. */
    static final class ApiException extends MoodboxException {
        final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String cookie, csrf;

    ApiClient(URI base) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
    }

    URI base() { return base; }

    boolean loggedIn() { return cookie != null; }

    JsonNode session() { return get("api/session"); }

    void login(String password) {
        HttpResponse<String> r = send(request("api/login").POST(body(Map.of("password", password)))
                .header("Content-Type", "application/json").build());
        JsonNode j = check(r);
        String set = r.headers().firstValue("Set-Cookie")
                .orElseThrow(() -> new ApiException(r.statusCode(), "the box answered the login without a session"));
        cookie = set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
        csrf = j.path("csrf").asText(null);
    }

    JsonNode get(String path) {
        return check(send(request(path).GET().build()));
    }

    JsonNode post(String path, Map<String, ?> body) {
        HttpRequest.Builder b = request(path);
        if (body == null) b.POST(HttpRequest.BodyPublishers.noBody());
        else b.POST(body(body)).header("Content-Type", "application/json");
        if (csrf != null) b.header("X-CSRF-Token", csrf);
        return check(send(b.build()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) b.header("Cookie", cookie);
        return b;
    }

    private static HttpRequest.BodyPublisher body(Map<String, ?> body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON-able: " + body, e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ApiException(0, "cannot reach moodbox at " + base + ": is it running? (systemctl status moodbox)");
        } catch (HttpTimeoutException e) {
            throw new ApiException(0, "moodbox at " + base + " did not answer in time");
        } catch (IOException e) {
            throw new ApiException(0, "talking to moodbox at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    private JsonNode check(HttpResponse<String> r) {
        JsonNode j;
        try {
            j = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ApiException(r.statusCode(), "the box answered HTTP " + r.statusCode() + " with something that is not JSON");
        }
        if (r.statusCode() == 401) cookie = null;
        if (r.statusCode() >= 400)
            throw new ApiException(r.statusCode(), j.path("error").asText(j.path("message").asText("HTTP " + r.statusCode())));
        return j;
    }
}
