package io.moodbox.web;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The LAN page's settings ({@code web.*} keys). {@code bind} is the address to listen on
 * ({@code 0.0.0.0}: every interface, {@code 127.0.0.1}: this box only), {@code port} 0 picks a
 * free one (tests). {@code anonymousStatus}: anyone on the LAN may read the mood without logging
 * in. {@code preview}: logged-in users may see the current camera frame (off by default; never
 * stored). {@code secureCookies}: mark the session cookie Secure, for when a TLS proxy fronts the
 * box. {@code ownerFile} holds the owner's password hash. {@code maxBodyBytes} bounds every
 * request body.
 */
public record WebConfig(String bind, int port, boolean anonymousStatus, boolean preview, boolean secureCookies,
                        int sessionIdleMinutes, Path ownerFile, int maxBodyBytes) {

    // An IPv4/IPv6 literal or a DNS name; resolving is left to bind time.
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]{1,253}");

    public WebConfig {
        if (bind == null || !HOST.matcher(bind.trim()).matches())
            throw new ConfigException("web.bind must be an IP address or host name (0.0.0.0 = every interface, "
                    + "127.0.0.1 = this box only), was '" + bind + "'");
        bind = bind.trim();
        if (port < 0 || port > 65535)
            throw new ConfigException("web.port must be 0..65535 (0 picks a free port), was " + port);
        if (sessionIdleMinutes < 5 || sessionIdleMinutes > 129_600)
            throw new ConfigException("web.session-idle-minutes must be 5..129600 (90 days), was " + sessionIdleMinutes);
        if (ownerFile == null || ownerFile.toString().isBlank())
            throw new ConfigException("web.owner-file must be a file path for the owner's password hash, was empty");
        if (maxBodyBytes < 1024 || maxBodyBytes > 1_048_576)
            throw new ConfigException("web.max-body-bytes must be 1024..1048576, was " + maxBodyBytes);
    }

    /** The {@code web.*} keys. */
    public static WebConfig from(Reader reader) {
        Reader r = reader.group("web", "Page"), live = r.live();
        return new WebConfig(
                r.string("bind", "0.0.0.0", "Listen address", "Address the page listens on: 0.0.0.0 = every network interface (phones on the LAN), 127.0.0.1 = this box only."),
                r.integer("port", 8080, "Port", "Port of the page and API (1..65535; 0 picks a free one)."),
                live.bool("anonymous-status", false, "Status without login", "Anyone on the network may see the mood and now playing without logging in; controls and settings always need the owner."),
                live.bool("preview", false, "Camera preview", "The logged-in owner may see the camera's current frame; never stored, never sent anywhere else."),
                live.bool("secure-cookies", false, "Secure cookies", "Turn on when a TLS proxy (https) fronts the box: the session cookie is then sent over https only."),
                live.integer("session-idle-minutes", 10080, "Login lasts (minutes idle)", "A login ends after this many idle minutes (5..129600)."),
                r.path("owner-file", "state/web-owner.properties", "Owner file", "The owner's password hash (not the password); delete the file and restart to set a new password."),
                live.integer("max-body-bytes", 16384, "Largest request", "Largest request body accepted, in bytes (1024..1048576)."));
    }

    /**
     * Checks, before a save, what the next start will need of the machine: that {@code ownerFile}
     * (when it differs from {@code running}'s) is an owner password file, and that the page can
     * listen on {@code bind}:{@code port} (when they differ from {@code running}'s, which the box
     * holds now). Throws {@link ConfigException} naming the key.
     */
    public void check(WebConfig running) {
        if (!ownerFile.normalize().equals(running.ownerFile.normalize()))
            OwnerAccount.problem(ownerFile, running.ownerFile).ifPresent(p -> {
                throw new ConfigException("web.owner-file " + ownerFile + " " + p);
            });
        if (port != 0 && (port != running.port || !bind.equals(running.bind))) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(bind, port));
            } catch (java.io.IOException | IllegalArgumentException | SecurityException e) {
                String key = port != running.port ? "web.port" : "web.bind";
                throw new ConfigException(key + ": the page cannot listen on " + bind + " port " + port + " (" + e.getMessage()
                        + "); choose a free port 1024..65535 and an address of this machine (0.0.0.0 = every interface)", e);
            }
        }
    }

    /** Same settings with the parts that can change while the server runs replaced. */
    WebConfig withLive(WebConfig other) {
        return new WebConfig(bind, port, other.anonymousStatus, other.preview, other.secureCookies,
                other.sessionIdleMinutes, ownerFile, other.maxBodyBytes);
    }
}
