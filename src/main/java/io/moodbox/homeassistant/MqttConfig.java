package io.moodbox.homeassistant;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Home Assistant over MQTT ({@code mqtt.*} keys), off by default. {@code broker} is
 * {@code tcp://HOST[:PORT]} or, for TLS, {@code ssl://HOST[:PORT]} ({@code mqtt://} and
 * {@code mqtts://} are read as those); {@code user}/{@code password} empty for none;
 * {@code nodeId} names this box in topics and in Home Assistant (empty: from the host name);
 * {@code discoveryPrefix} is Home Assistant's; {@code caFile} a PEM CA certificate for a broker
 * whose certificate the system does not trust (null: the system's CAs). Validates itself.
 */
public record MqttConfig(boolean enabled, String broker, String user, String password, String nodeId,
                         String discoveryPrefix, Path caFile) {
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");

    /** The {@code mqtt.*} keys; every one applies without a restart. */
    public static MqttConfig from(Reader reader) {
        Reader r = reader.group("mqtt", "Home Assistant").live();
        return new MqttConfig(
                r.bool("enabled", false, "Home Assistant", "Publish the box to Home Assistant over MQTT; turning it off removes the box's entities."),
                r.string("broker", "tcp://homeassistant.local:1883", "MQTT broker", "tcp://HOST:1883, or ssl://HOST:8883 for TLS."),
                r.string("user", "", "Broker user", "Broker user name (empty: none)."),
                r.string("password", "", "Broker password", "Broker password (empty: none); kept as text in the settings file."),
                r.string("node-id", "", "Node id", "This box's id in topics and in Home Assistant (letters, digits, - and _; empty: from the host name)."),
                r.string("discovery-prefix", "homeassistant", "Discovery prefix", "Home Assistant's discovery prefix (its MQTT integration's setting)."),
                r.path("ca-file", "", "Broker CA file", "PEM file of the CA that signed the broker's TLS certificate, for ssl:// (empty: the system's trusted CAs)."));
    }

    public MqttConfig {
        broker = broker == null ? "" : broker.trim();
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        nodeId = nodeId == null ? "" : nodeId.trim();
        discoveryPrefix = discoveryPrefix == null ? "" : discoveryPrefix.trim();
        if (!broker.isEmpty()) broker = normalise(broker);
        if (enabled && broker.isEmpty())
            throw new ConfigException("mqtt.enabled is true but mqtt.broker is empty; give the broker as tcp://HOST:1883 or ssl://HOST:8883");
        if (!nodeId.isEmpty() && !NODE.matcher(nodeId).matches())
            throw new ConfigException("mqtt.node-id must be 1..64 letters, digits, '-' or '_', was '" + nodeId + "'");
        if (!PREFIX.matcher(discoveryPrefix).matches())
            throw new ConfigException("mqtt.discovery-prefix must be words of letters, digits, '-' or '_' joined by '/' "
                    + "(Home Assistant's default is homeassistant), was '" + discoveryPrefix + "'");
        if (user.length() > 256 || password.length() > 256)
            throw new ConfigException("mqtt.user and mqtt.password must be at most 256 characters");
    }

    /** Whether the connection uses TLS. */
    public boolean tls() { return broker.startsWith("ssl://"); }

    /** Off: what a box starts with. */
    public static MqttConfig off() { return new MqttConfig(false, "", "", "", "", "homeassistant", null); }

    private static String normalise(String b) {
        URI u;
        try {
            u = new URI(b);
        } catch (URISyntaxException e) {
            throw new ConfigException("mqtt.broker must be tcp://HOST:1883 or ssl://HOST:8883, was '" + b + "'");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String s = switch (scheme) {
            case "tcp", "mqtt" -> "tcp";
            case "ssl", "mqtts", "tls" -> "ssl";
            default -> throw new ConfigException("mqtt.broker must start with tcp:// (or ssl:// for TLS), was '" + b + "'");
        };
        if (u.getHost() == null || u.getHost().isBlank() || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))
                || u.getUserInfo() != null || u.getQuery() != null)
            throw new ConfigException("mqtt.broker must be " + s + "://HOST[:PORT] without a path or user (mqtt.user sets that), was '" + b + "'");
        int port = u.getPort() > 0 ? u.getPort() : s.equals("ssl") ? 8883 : 1883;
        return s + "://" + (u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost()) + ":" + port;
    }
}
