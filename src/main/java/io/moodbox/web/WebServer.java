package io.moodbox.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import io.javalin.util.JavalinBindException;
import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateListener;
import io.moodbox.box.StateModel;
import io.moodbox.config.ConfigException;
import io.moodbox.config.MoodboxException;
import io.moodbox.device.DeviceView;
import io.moodbox.music.Track;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The LAN page and its JSON API on Javalin. Serves the page from the jar ({@code /web}), the API
 * under {@code /api}, and live state as server-sent events on {@code /api/events}.
 *
 * <p>Security (ETSI EN 303 645): there is no default password; the first visitor must enter the
 * one-time setup code from the log to choose one. Passwords are kept as PBKDF2 hashes; sessions
 * are HttpOnly SameSite=Strict cookies; every state change needs the session's CSRF token and a
 * same-origin JSON request; logins are rate limited per client and globally; every response
 * carries a strict CSP and framing/sniffing/referrer headers; bodies are bounded.
 *
 * <p>Threads: Jetty's pool ({@code moodbox-web-*}) runs requests; {@code moodbox-web-events}
 * writes the event streams; {@link #stateChanged} runs on the state model's events thread.
 * Start with {@link #start()}, stop with {@link #close()}.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    static final String COOKIE = "moodbox_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final int LIBRARY_PAGE = 500;
    private static final String SESSION_ATTR = "moodbox.session";
    private static final Set<HandlerType> CHANGES = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    /** Who may call a route: anyone, status readers (owner, or anyone if allowed), the owner. */
    enum Access implements RouteRole { PUBLIC, STATUS, OWNER }

    /** An API refusal with its HTTP status and, for bad input, the field at fault. */
    static final class ApiError extends RuntimeException {
        final int status;
        final String field;

        ApiError(int status, String message, String field) {
            super(message);
            this.status = status;
            this.field = field;
        }
    }

    private final StateModel state;
    private final Controls controls;
    private final SettingsStore settings;
    private final LibraryView library;
    private final PreviewSource preview;
    private final DevicePanel device;
    private final HostInfo host;
    private final LongSupplier clockMs;
    private final OwnerAccount owner;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final MoodHistory history = new MoodHistory();
    private final PageFiles pageFiles = new PageFiles("/web");
    // The last covers embedded in tracks (4 MB of pictures) and which tracks have none.
    private final io.moodbox.music.CoverArt covers = new io.moodbox.music.CoverArt(4L << 20, 4096);
    private final EventStream events;
    private final StateListener listener = (old, now) -> stateChanged(now);
    // PBKDF2 is slow on purpose; two at once is all a Pi should spend on it.
    private final Semaphore hashing = new Semaphore(2);
    private final Object setupLock = new Object();
    private final Object settingsLock = new Object();
    private final ObjectMapper json = new ObjectMapper();
    private volatile WebConfig config;
    private volatile UploadHandler uploads;
    private Javalin app;

    /** The daemon's constructor: real clock, system thermal/uptime files, full-strength hashing. */
    public WebServer(WebConfig config, StateModel state, Controls controls, SettingsStore settings,
                     LibraryView library, PreviewSource preview, DevicePanel device) {
        this(config, state, controls, settings, library, preview, device, HostInfo.system(),
                OwnerAccount.DEFAULT_ITERATIONS, System::currentTimeMillis);
    }

    WebServer(WebConfig config, StateModel state, Controls controls, SettingsStore settings, LibraryView library,
              PreviewSource preview, DevicePanel device, HostInfo host, int hashIterations, LongSupplier clockMs) {
        this.config = config;
        this.state = state;
        this.controls = controls;
        this.settings = settings;
        this.library = library;
        this.preview = preview;
        this.device = device;
        this.host = host;
        this.clockMs = clockMs;
        this.owner = new OwnerAccount(config.ownerFile(), hashIterations);
        this.sessions = new Sessions(Duration.ofMinutes(config.sessionIdleMinutes()), clockMs);
        this.limiter = new LoginLimiter(clockMs);
        this.events = new EventStream(this::statusJson, c -> c.sessionToken() != null
                ? sessions.alive(c.sessionToken()) : this.config.anonymousStatus());
        history.record(state.current());
    }

    /** Binds and starts serving; fails with a one-sentence fix if the port is taken. */
    public synchronized WebServer start() {
        if (app != null) throw new IllegalStateException("already started");
        WebConfig cfg = config;
        QueuedThreadPool pool = new QueuedThreadPool(24, 2, 60_000);
        pool.setName("moodbox-web");
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = cfg.bind();
            c.jetty.port = cfg.port();
            c.jetty.threadPool = pool;
            c.http.maxRequestSize = cfg.maxBodyBytes();
            c.jsonMapper(new JavalinJackson(json, false));
            routes(c.routes);
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            app = null;
            throw new MoodboxException("web.port " + cfg.port() + " on " + cfg.bind()
                    + " is already in use (or the address is not on this machine); stop the other program or set web.port to a free port", e);
        }
        state.addListener(listener);
        log.info("Page and API on http://{}:{}/", cfg.bind(), app.port());
        owner.setupCode().ifPresent(code -> log.warn(
                "No owner password yet. Open the page and enter the one-time setup code {} to choose one.", code));
        return this;
    }

    /** The port actually bound (differs from the config when it asked for 0). */
    public synchronized int port() {
        if (app == null) throw new IllegalStateException("not started");
        return app.port();
    }

    /** The one-time setup code while no owner password is set; for the daemon's console output. */
    public Optional<String> setupCode() { return owner.setupCode(); }

    /**
     * Takes the settings that can change while running: anonymous status, preview, secure
     * cookies, session idle time, body limit. Address, port and owner file wait for a restart.
     */
    public void apply(WebConfig changed) {
        WebConfig now = config.withLive(changed);
        config = now;
        sessions.idle(Duration.ofMinutes(now.sessionIdleMinutes()));
        if (!changed.bind().equals(now.bind()) || changed.port() != now.port() || !changed.ownerFile().equals(now.ownerFile()))
            log.info("web.bind, web.port and web.owner-file changes take effect after a restart");
    }

    /**
     * Takes music files from the page into {@code dir} (see {@link UploadHandler}), each up to
     * {@code maxBytes}; {@code added} runs after each file is in place (it starts a scan).
     */
    public WebServer acceptUploads(java.nio.file.Path dir, long maxBytes, Runnable added) {
        uploads = new UploadHandler(dir, maxBytes, added);
        return this;
    }

    /** For tests that need an hour of history without waiting an hour. */
    MoodHistory history() { return history; }

    private void stateChanged(BoxState now) {
        history.record(now);
        events.stateChanged();
    }

    // ---- routes ----

    private void routes(io.javalin.config.RoutesConfig r) {
        r.before(this::securityHeaders);
        r.beforeMatched(this::guard);
        r.exception(ApiError.class, (e, ctx) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            if (e.field != null) body.put("field", e.field);
            ctx.status(e.status).json(body);
        });
        r.exception(Exception.class, (e, ctx) -> {
            log.error("Request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(Map.of("error", "internal error; see the box's log"));
        });

        r.get("/api/session", this::session, Access.PUBLIC);
        r.post("/api/setup", this::setup, Access.PUBLIC);
        r.post("/api/login", this::login, Access.PUBLIC);
        r.post("/api/logout", this::logout, Access.OWNER);
        r.post("/api/password", this::changePassword, Access.OWNER);

        r.get("/api/status", ctx -> ctx.json(status()), Access.STATUS);
        r.get("/api/mood", ctx -> ctx.json(Views.mood(state.current().mood(), settle())), Access.STATUS);
        r.get("/api/history", this::history, Access.STATUS);
        r.sse("/api/events", this::openEvents, Access.STATUS);
        r.get("/api/device", ctx -> ctx.json(Views.device(device.view())), Access.STATUS);

        r.get("/api/player", this::player, Access.OWNER);
        r.get("/api/library", this::library, Access.OWNER);
        r.get("/api/library/{mood}", this::libraryMood, Access.OWNER);
        r.post(UploadHandler.PATH, this::upload, Access.OWNER);
        r.get("/api/tracks", this::tracks, Access.OWNER);
        r.get("/api/tracks/groups", ctx -> ctx.json(Map.of("groups", LibraryBrowse.groups(library.tracks(), groupBy(ctx)))), Access.OWNER);
        r.post("/api/tracks/{id}/mood", ctx -> reply(ctx, "mood", controls.correctMood(ctx.pathParam("id"), text(readJson(ctx), "mood"))), Access.OWNER);
        r.post("/api/tracks/{id}/queue", ctx -> reply(ctx, "queue", controls.queueTrack(ctx.pathParam("id"), boolField(readJson(ctx), "now"))), Access.OWNER);
        r.get("/api/tracks/{id}/cover", this::cover, Access.OWNER);
        r.get("/api/settings", ctx -> ctx.json(Map.of("settings", settingsList())), Access.OWNER);
        r.post("/api/settings", this::updateSettings, Access.OWNER);
        r.post("/api/controls/{action}", this::control, Access.OWNER);
        r.get("/api/preview.jpg", this::preview, Access.OWNER);
        r.post("/api/device/buttons/{name}", this::pressButton, Access.OWNER);

        // The page's own files: public, from memory (PageFiles says why not Javalin's static handler).
        r.get("/", ctx -> pageFiles.serve(ctx, "index.html"));
        r.get("/{file}", ctx -> pageFiles.serve(ctx, ctx.pathParam("file")));
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        if (ctx.path().startsWith("/api/")) ctx.header("Cache-Control", "no-store");
        // An upload is a file, not a JSON body: UploadHandler holds it to its own limit.
        if (ctx.contentLength() > config.maxBodyBytes() && !ctx.path().equals(UploadHandler.PATH))
            throw new ApiError(413, "request body too large: at most " + config.maxBodyBytes() + " bytes", null);
    }

    /** Access control for every matched route: login, anonymous status, origin, CSRF. */
    private void guard(Context ctx) {
        Optional<Access> role = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast).findFirst();
        // The page's own files carry no role and are public; an API route without one is the owner's.
        if (role.isEmpty() && !ctx.path().startsWith("/api/")) return;
        Access access = role.orElse(Access.OWNER);
        Optional<Sessions.Session> session = sessions.find(ctx.cookie(COOKIE));
        session.ifPresent(s -> ctx.attribute(SESSION_ATTR, s));
        boolean change = CHANGES.contains(ctx.method());
        if (change) {
            sameOrigin(ctx);
            if (ctx.contentLength() != 0 && !ctx.isJson() && !ctx.path().equals(UploadHandler.PATH))
                throw new ApiError(415, "send the body as application/json", null);
        }
        switch (access) {
            case PUBLIC -> { }
            case STATUS -> {
                if (session.isEmpty() && !config.anonymousStatus())
                    throw new ApiError(401, "log in to see the box's status", null);
            }
            case OWNER -> {
                if (session.isEmpty()) throw new ApiError(401, "log in first", null);
            }
        }
        if (change && access != Access.PUBLIC && !Sessions.csrfMatches(session.orElseThrow(), ctx.header(CSRF_HEADER)))
            throw new ApiError(403, "missing or wrong " + CSRF_HEADER + " header; reload the page", null);
    }

    /**
     * Browsers say where a request came from; refuse changes another site tries to make. Behind
     * a TLS proxy ({@code web.secure-cookies}) the proxy's X-Forwarded-Host counts as the host too.
     */
    private void sameOrigin(Context ctx) {
        if ("cross-site".equals(ctx.header("Sec-Fetch-Site")))
            throw new ApiError(403, "cross-site request refused", null);
        String origin = ctx.header("Origin");
        if (origin == null) return; // not a browser (console, curl): the CSRF token still applies
        String hostHeader = ctx.header("Host");
        try {
            URI o = URI.create(origin);
            String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
            String forwarded = config.secureCookies() ? ctx.header("X-Forwarded-Host") : null;
            boolean same = o.getHost() != null && (authority.equalsIgnoreCase(hostHeader) || authority.equalsIgnoreCase(forwarded));
            if (!same) throw new ApiError(403, "cross-site request refused", null);
        } catch (IllegalArgumentException e) {
            throw new ApiError(403, "cross-site request refused", null);
        }
    }

    // ---- auth ----

    private void session(Context ctx) {
        Optional<Sessions.Session> s = currentSession(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", switch (owner.state()) {
            case SETUP -> "setup";
            case READY -> "ready";
            case DAMAGED -> "damaged";
        });
        m.put("loggedIn", s.isPresent());
        m.put("csrf", s.map(Sessions.Session::csrf).orElse(null));
        m.put("anonymousStatus", config.anonymousStatus());
        m.put("preview", config.preview());
        m.put("message", owner.state() == OwnerAccount.State.DAMAGED ? owner.damage() : null);
        ctx.json(m);
    }

    private void setup(Context ctx) {
        JsonNode body = readJson(ctx);
        String code = text(body, "setupCode");
        String password = text(body, "password");
        String client = ctx.ip();
        synchronized (setupLock) {
            if (owner.state() != OwnerAccount.State.SETUP)
                throw new ApiError(409, "the owner password is already set; log in instead", null);
            guessAllowed(ctx, client);
            if (!owner.setupCodeMatches(code)) {
                limiter.failed(client);
                log.warn("Wrong setup code from {}", client);
                throw new ApiError(403, "wrong setup code: use the code printed in the box's log at startup", "setupCode");
            }
            limiter.succeeded(client);
            savePassword(password);
        }
        startSession(ctx);
    }

    /** Refuses a weak password (naming the field), else stores its hash atomically. */
    private void savePassword(String password) {
        Optional<String> weak = OwnerAccount.weakness(password);
        if (weak.isPresent()) throw new ApiError(400, weak.get(), "password");
        try {
            owner.setPassword(password);
        } catch (IOException e) {
            log.error("Could not save the owner password", e);
            throw new ApiError(500, "could not save the password: " + e.getMessage(), null);
        }
    }

    private void login(Context ctx) {
        JsonNode body = readJson(ctx);
        String password = text(body, "password");
        switch (owner.state()) {
            case SETUP -> throw new ApiError(409, "no password is set yet: choose one with the setup code", null);
            case DAMAGED -> throw new ApiError(503, owner.damage(), null);
            case READY -> { }
        }
        String client = ctx.ip();
        guessAllowed(ctx, client);
        if (!checkPassword(client, password)) {
            log.warn("Failed login from {}", client);
            throw new ApiError(401, "wrong password", "password");
        }
        log.info("Owner logged in from {}", client);
        startSession(ctx);
    }

    private void changePassword(Context ctx) {
        JsonNode body = readJson(ctx);
        String current = text(body, "current");
        String password = text(body, "password");
        String client = ctx.ip();
        guessAllowed(ctx, client);
        if (!checkPassword(client, current)) throw new ApiError(401, "wrong current password", "current");
        savePassword(password);
        Sessions.Session s = currentSession(ctx).orElseThrow();
        sessions.endAllBut(s.token());
        ctx.json(Map.of("ok", true));
    }

    private void guessAllowed(Context ctx, String client) {
        LoginLimiter.Verdict v = limiter.begin(client);
        if (!v.allowed()) {
            long seconds = Math.max(1, (v.waitMs() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiError(429, "too many attempts; try again in " + seconds + " s", null);
        }
    }

    /** Verifies under the hashing limit and records the outcome with the limiter. */
    private boolean checkPassword(String client, String password) {
        boolean ok;
        try {
            if (!hashing.tryAcquire(10, TimeUnit.SECONDS)) {
                limiter.abandoned(client);
                throw new ApiError(503, "busy checking other logins; try again", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            limiter.abandoned(client);
            throw new ApiError(503, "stopping", null);
        }
        try {
            ok = owner.verify(password);
        } finally {
            hashing.release();
        }
        if (ok) limiter.succeeded(client);
        else limiter.failed(client);
        return ok;
    }

    private void startSession(Context ctx) {
        currentSession(ctx).ifPresent(old -> sessions.end(old.token()));
        Sessions.Session s = sessions.create();
        boolean secure = config.secureCookies() || "https".equalsIgnoreCase(ctx.scheme());
        ctx.header("Set-Cookie", COOKIE + "=" + s.token() + "; Path=/; Max-Age=" + Sessions.MAX_AGE.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        ctx.json(Map.of("loggedIn", true, "csrf", s.csrf()));
    }

    private void logout(Context ctx) {
        currentSession(ctx).ifPresent(s -> sessions.end(s.token()));
        ctx.header("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ctx.json(Map.of("loggedIn", false));
    }

    private static Optional<Sessions.Session> currentSession(Context ctx) {
        return Optional.ofNullable(ctx.attribute(SESSION_ATTR));
    }

    // ---- state ----

    private Map<String, Object> status() {
        return Views.status(state.current(), host, Instant.ofEpochMilli(clockMs.getAsLong()), settle(), device.view().led());
    }

    /** The hysteresis settings, for the page's "why is it not the top score" line; null if not known. */
    private Views.Settle settle() {
        Optional<String> margin = settings.value("mood.switch-margin"), hold = settings.value("mood.hold-s");
        if (margin.isEmpty() || hold.isEmpty()) return null;
        try {
            return new Views.Settle(Double.parseDouble(margin.get().trim()), Double.parseDouble(hold.get().trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String statusJson() {
        try {
            return json.writeValueAsString(status());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is plain maps and numbers", e);
        }
    }

    private void history(Context ctx) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (MoodHistory.Point p : history.lastHour(clockMs.getAsLong())) points.add(Views.point(p));
        ctx.json(Map.of("spanSeconds", MoodHistory.SPAN_MS / 1000, "bucketSeconds", MoodHistory.BUCKET_MS / 1000,
                "now", clockMs.getAsLong(), "points", points));
    }

    private void openEvents(SseClient client) {
        Sessions.Session s = client.ctx().attribute(SESSION_ATTR);
        if (!events.add(client, s == null ? null : s.token())) {
            client.sendEvent("busy", "{\"error\":\"too many pages are open\"}");
            client.close();
        }
    }

    private void player(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("player", Views.player(state.current().player()));
        m.put("queue", Views.tracks(library.queue()));
        ctx.json(m);
    }

    private void library(Context ctx) {
        List<Map<String, Object>> moods = new ArrayList<>();
        library.tracksByMood().forEach((mood, tracks) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mood", mood);
            m.put("count", tracks.size());
            moods.add(m);
        });
        moods.sort(Comparator.comparing(m -> (String) m.get("mood")));
        List<Map<String, Object>> sources = new ArrayList<>();
        for (LibraryView.Source s : library.sources()) sources.add(Map.of("name", s.name(), "kind", s.kind(), "tracks", s.tracks()));
        ctx.json(Map.of("scan", Views.scan(library.scanProgress()), "moods", moods, "sources", sources,
                "uploads", uploads != null));
    }

    private void upload(Context ctx) throws IOException {
        UploadHandler u = uploads;
        if (u == null) throw new ApiError(409, "uploads are off on this box (music.upload-dir = off)", null);
        u.handle(ctx);
    }

    private void libraryMood(Context ctx) {
        String mood = ctx.pathParam("mood");
        List<Track> tracks = library.tracksByMood().get(mood);
        if (tracks == null) throw new ApiError(404, "no tracks for mood '" + mood + "'", null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mood", mood);
        m.put("count", tracks.size());
        m.put("tracks", Views.tracks(tracks.subList(0, Math.min(tracks.size(), LIBRARY_PAGE))));
        ctx.json(m);
    }

    private static String groupBy(Context ctx) {
        String by = ctx.queryParam("by");
        if (by == null || !LibraryBrowse.GROUPS.contains(by))
            throw new ApiError(400, "by must be one of " + String.join(", ", LibraryBrowse.GROUPS), "by");
        return by;
    }

    /** Search and browse: {@code q} words, optionally within one group ({@code by} and {@code value}). */
    private void tracks(Context ctx) {
        String by = ctx.queryParam("by");
        if (by != null && !by.isBlank()) by = groupBy(ctx);
        List<Track> found = LibraryBrowse.filter(library.tracks(), ctx.queryParam("q"), by, ctx.queryParam("value"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", found.size());
        m.put("tracks", Views.tracks(found.subList(0, Math.min(found.size(), LIBRARY_PAGE))));
        ctx.json(m);
    }

    /**
     * A track's cover: the picture embedded in its tags, else the folder picture beside it
     * (cover.jpg, folder.jpg, ...), typed by its bytes; 304 when the browser's copy is current;
     * 404 saying why when there is none.
     */
    private void cover(Context ctx) {
        String id = ctx.pathParam("id");
        Track t = library.tracks().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new ApiError(404, "no track " + id, null));
        StringBuilder why = new StringBuilder();
        LibraryBrowse.Cover c = LibraryBrowse.cover(t, covers, why)
                .orElseThrow(() -> new ApiError(404, "no cover picture for " + t.title() + ": " + why, null));
        ctx.header("Cache-Control", "private, max-age=300");
        ctx.header("ETag", c.etag());
        // HTTP's date form (two-digit day, always GMT), which RFC_1123_DATE_TIME is not quite.
        String lastModified = java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ENGLISH)
                .format(Instant.ofEpochMilli(c.modifiedMs()).atZone(java.time.ZoneOffset.UTC));
        ctx.header("Last-Modified", lastModified);
        String match = ctx.header("If-None-Match");
        String since = ctx.header("If-Modified-Since");
        if (match != null ? match.contains(c.etag()) : lastModified.equals(since)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(c.contentType());
        ctx.result(c.bytes());
    }

    private static void reply(Context ctx, String what, Controls.Reply reply) {
        if (!reply.done()) log.info("Library {} not done: {}", what, reply.message());
        ctx.status(reply.done() ? 200 : 409).json(Map.of("ok", reply.done(), "message", reply.message()));
    }

    private List<Map<String, Object>> settingsList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SettingsStore.Setting s : settings.list()) out.add(Views.setting(s));
        return out;
    }

    private void updateSettings(Context ctx) {
        JsonNode body = readJson(ctx);
        Map<String, String> changes = new LinkedHashMap<>();
        for (var it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull())
                throw new ApiError(400, e.getKey() + ": the value must be text, a number or true/false", e.getKey());
            changes.put(e.getKey(), v.asText());
        }
        if (changes.isEmpty()) throw new ApiError(400, "no settings to change", null);
        SettingsStore.Result result;
        synchronized (settingsLock) {
            try {
                result = settings.update(changes);
            } catch (ConfigException.NotSaved e) {
                // Valid input, but the box could not write it (a full disk): its failure, not the request's.
                throw new ApiError(503, e.getMessage(), null);
            } catch (ConfigException e) {
                throw new ApiError(400, e.getMessage(), fieldNamedIn(e.getMessage(), changes.keySet()));
            } catch (IllegalArgumentException e) {
                // A value a stage's own parser refused before any check named it (a path the OS cannot hold, say).
                log.warn("Settings update {} refused by a parser", changes.keySet(), e);
                throw new ApiError(400, "a value cannot be used: " + e.getMessage(), changes.size() == 1 ? changes.keySet().iterator().next() : null);
            }
        }
        log.info("Settings changed from the page: {} (restart needed for {})", result.applied(), result.restartNeeded());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", result.applied());
        m.put("restartNeeded", result.restartNeeded());
        m.put("settings", settingsList());
        ctx.json(m);
    }

    /** The key a validation message is about: the longest submitted (else known) key it names. */
    private String fieldNamedIn(String message, Set<String> submitted) {
        if (message == null) return null;
        Optional<String> hit = submitted.stream().filter(message::contains).max(Comparator.comparingInt(String::length));
        if (hit.isPresent()) return hit.get();
        return settings.list().stream().map(SettingsStore.Setting::key).filter(message::contains)
                .max(Comparator.comparingInt(String::length)).orElse(null);
    }

    /** 200 when the command did what was asked, 409 when it did not; either way the reply says what happened. */
    private void control(Context ctx) {
        String action = ctx.pathParam("action");
        Controls.Reply reply = switch (action) {
            case "play" -> controls.play();
            case "pause" -> controls.pause();
            case "toggle" -> controls.togglePlay();
            case "next" -> controls.next();
            case "rescan" -> controls.rescan();
            case "volume" -> controls.setVolume(intField(readJson(ctx), "percent", 0, 100));
            case "lock" -> controls.lockMood(boolField(readJson(ctx), "locked"));
            case "privacy" -> controls.setPrivacy(boolField(readJson(ctx), "on"));
            default -> throw new ApiError(404, "unknown control '" + action
                    + "'; one of play, pause, toggle, next, rescan, volume, lock, privacy", null);
        };
        if (!reply.done()) log.info("Control {} not done: {}", action, reply.message());
        ctx.status(reply.done() ? 200 : 409).json(Map.of("ok", reply.done(), "message", reply.message()));
    }

    /**
     * A button pressed on the page: through the mock GPIO pin, so the box takes it as a finger's
     * press. 202 once the press has begun, 409 where the GPIO is not the mock.
     */
    private void pressButton(Context ctx) {
        String name = ctx.pathParam("name");
        String label = text(readJson(ctx), "gesture");
        DeviceView.Gesture gesture = DeviceView.Gesture.parse(label);
        if (gesture == null) throw new ApiError(400, "gesture must be short, long or double, was '" + label + "'", "gesture");
        try {
            device.press(name, gesture);
        } catch (NoSuchElementException e) {
            throw new ApiError(404, e.getMessage(), null);
        } catch (IllegalStateException e) {
            ctx.status(409).json(Map.of("ok", false, "message", e.getMessage()));
            return;
        }
        ctx.status(202).json(Map.of("ok", true, "message", "Pressing '" + name + "' (" + gesture.label() + ")"));
    }

    private void preview(Context ctx) {
        if (!config.preview())
            throw new ApiError(404, "the camera preview is off; turn on web.preview in the settings to see it", null);
        byte[] jpeg = preview.latestJpeg()
                .orElseThrow(() -> new ApiError(503, "no current camera frame (camera off, privacy on or starting)", null));
        ctx.contentType("image/jpeg").result(jpeg);
    }

    // ---- request bodies ----

    /** The body as a JSON object, read up to the size limit (chunked bodies too). */
    private JsonNode readJson(Context ctx) {
        int max = config.maxBodyBytes();
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(max + 1);
        } catch (IOException e) {
            throw new ApiError(400, "could not read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > max) throw new ApiError(413, "request body too large: at most " + max + " bytes", null);
        if (bytes.length == 0) throw new ApiError(400, "the request needs a JSON object body", null);
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (IOException e) {
            throw new ApiError(400, "the body is not valid JSON: " + firstLine(e.getMessage()), null);
        }
        if (node == null || !node.isObject()) throw new ApiError(400, "the body must be a JSON object", null);
        return node;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) throw new ApiError(400, field + " is required (text)", field);
        return v.asText();
    }

    private static int intField(JsonNode body, String field, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max)
            throw new ApiError(400, field + " must be a whole number " + min + ".." + max, field);
        return v.asInt();
    }

    private static boolean boolField(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isBoolean()) throw new ApiError(400, field + " must be true or false", field);
        return v.asBoolean();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public synchronized void close() {
        state.removeListener(listener);
        events.close();
        if (app != null) {
            app.stop();
            app = null;
            log.info("Web server stopped");
        }
    }
}
