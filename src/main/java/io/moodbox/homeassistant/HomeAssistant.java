package io.moodbox.homeassistant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateListener;
import io.moodbox.box.StateModel;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;
import io.moodbox.config.AtomicFile;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The box in Home Assistant through MQTT discovery: a mood sensor (the seven scores, valence,
 * arousal, presence as attributes), a now-playing sensor, privacy and mood-lock switches, a
 * volume number and play/pause/next buttons, all on one device. Discovery configs and states are
 * retained; availability is {@code online}, with a last will of {@code offline}. A broker that
 * goes away is retried (1 s doubling to 30 s) and, once back, gets discovery and states again, as
 * does a Home Assistant that restarts ({@code <prefix>/status online}). Turned off, it removes
 * every retained config and state (empty retained payloads) before it disconnects.
 *
 * <p>Only room-level facts are published: the room's mood and scores, whether anyone is there,
 * what plays. Never a picture, a face, a face count or anything per person.
 *
 * <p>Commands go only through {@link Controls}; each reply is published to {@code <base>/reply}.
 * All MQTT work runs on one thread, {@code moodbox-mqtt}; state changes arrive on {@code moodbox-events}.
 */
public final class HomeAssistant implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HomeAssistant.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long RETRY_MIN_MS = 1000, RETRY_MAX_MS = 30_000;
    /** Scores move with every frame; their attributes go out at most this often unless the mood changes. */
    static final long ATTRIBUTES_EVERY_MS = 5000;

    private final StateModel state;
    private final Controls controls;
    private final Consumer<List<String>> problems;
    private final String version;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "moodbox-mqtt");
        t.setDaemon(true);
        return t;
    });
    private final StateListener listener = (old, now) -> {
        try {
            worker.execute(this::publishState);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("Home Assistant closed; state change not published");
        }
    };

    // moodbox-mqtt only.
    private MqttConfig config;
    private MqttClient client;
    private Topics topics;
    private final Map<String, String> sent = new HashMap<>();
    private long attributesAt;
    private long retryMs = RETRY_MIN_MS;
    private ScheduledFuture<?> retry;
    private volatile boolean connected;
    private final Path publishedFile;

    /**
     * {@code publishedFile} remembers, across restarts, where the box's entities were published, so
     * a box started with the feature turned off (while it was stopped) still removes them.
     */
    public HomeAssistant(MqttConfig config, StateModel state, Controls controls, Consumer<List<String>> problems, String version,
                         Path publishedFile) {
        this.publishedFile = publishedFile;
        this.config = Objects.requireNonNull(config);
        this.state = state;
        this.controls = controls;
        this.problems = problems;
        this.version = version == null ? "dev" : version;
    }

    public HomeAssistant start() {
        state.addListener(listener);
        worker.execute(() -> {
            if (config.enabled()) connect();
            else removeLeftovers();
        });
        return this;
    }

    /** Turned off while the box was stopped: remove what an earlier run published (one try per start). */
    private void removeLeftovers() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(publishedFile, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Home Assistant: {} is unreadable ({}); ignoring it", publishedFile, e.getMessage());
            return;
        }
        MqttConfig off = config;
        try {
            config = new MqttConfig(true, p.getProperty("broker", ""), off.user(), off.password(), p.getProperty("node", ""),
                    p.getProperty("prefix", "homeassistant"), off.caFile());
        } catch (RuntimeException e) {
            log.warn("Home Assistant: {} does not name a broker ({}); ignoring it", publishedFile, e.getMessage());
            return;
        }
        log.info("Home Assistant is turned off; removing the entities an earlier run published on {}", config.broker());
        if (open(false)) disconnect(true);
        else log.warn("Home Assistant: could not reach {} to remove the box's entities; trying again at the next start", config.broker());
        config = off;
    }

    private void remember() {
        Properties p = new Properties();
        p.setProperty("broker", config.broker());
        p.setProperty("node", topics.node);
        p.setProperty("prefix", topics.prefix);
        try {
            AtomicFile.write(publishedFile, w -> p.store(w, "Where moodbox published its Home Assistant entities, so turning MQTT off removes them"));
        } catch (IOException e) {
            log.warn("Home Assistant: could not write {} ({}); a restart with MQTT off would leave the entities", publishedFile, e.getMessage());
        }
    }

    private void forget() {
        try {
            Files.deleteIfExists(publishedFile);
        } catch (IOException e) {
            log.warn("Home Assistant: could not delete {} ({})", publishedFile, e.getMessage());
        }
    }

    /** New settings, live: off removes the entities and disconnects; a changed broker or login reconnects. */
    public void apply(MqttConfig next) {
        worker.execute(() -> {
            MqttConfig old = config;
            if (old.equals(next)) return;
            if (old.enabled()) disconnect(!next.enabled() || !old.nodeId().equals(next.nodeId())
                    || !old.discoveryPrefix().equals(next.discoveryPrefix()));
            config = next;
            retryMs = RETRY_MIN_MS;
            if (next.enabled()) connect();
            else problems.accept(List.of());
        });
    }

    /** Whether the broker is connected now (for tests and the log). */
    public boolean connected() { return connected; }

    /** The topics this box uses, from the node id (the host name when none is set). */
    Topics topics() { return topics; }

    // ---- connection, on moodbox-mqtt ----

    private void connect() {
        if (retry != null) retry.cancel(false);
        retry = null;
        if (!open(true)) scheduleRetry();
    }

    /**
     * Connects and, if {@code announce}, subscribes and publishes everything; false (with the
     * problem shown) when it cannot.
     */
    private boolean open(boolean announce) {
        MqttConfig c = config;
        topics = new Topics(c.discoveryPrefix(), c.nodeId().isEmpty() ? hostNode() : c.nodeId());
        try {
            if (client == null || !client.getServerURI().equals(c.broker())) {
                closeClient();
                client = new MqttClient(c.broker(), "moodbox-" + topics.node, new MemoryPersistence());
                client.setCallback(new Callback(client));
            }
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setAutomaticReconnect(false);   // reconnects are ours, so each one re-publishes everything
            o.setConnectionTimeout(10);
            o.setKeepAliveInterval(30);
            // Paho allows 10 unacknowledged QoS 1 messages by default; a (re)connect sends about 20
            // (configs, availability, states), and a slow broker would see the rest refused.
            o.setMaxInflight(64);
            o.setWill(topics.availability, "offline".getBytes(StandardCharsets.UTF_8), 1, true);
            if (!c.user().isEmpty()) o.setUserName(c.user());
            if (!c.password().isEmpty()) o.setPassword(c.password().toCharArray());
            if (c.tls()) o.setSocketFactory(socketFactory(c));
            client.connect(o);
            connected = true;
            retryMs = RETRY_MIN_MS;
            if (!announce) return true;
            client.subscribe(topics.commands(), new int[]{1, 1});
            client.subscribe(topics.haStatus, 1);
            publish(topics.availability, "online");
            publishDiscovery();
            sent.clear();
            attributesAt = 0;
            publishState();
            problems.accept(List.of());
            remember();
            log.info("Home Assistant: connected to {} as {}; {} entities published", c.broker(), topics.node, Topics.ENTITIES.size());
            return true;
        } catch (MqttException | RuntimeException e) {
            connected = false;
            String why = reason(e);
            log.warn("Home Assistant: cannot connect to {} ({}); trying again in {} s", c.broker(), why, retryMs / 1000);
            problems.accept(List.of("Home Assistant: the box cannot reach the MQTT broker " + c.broker() + " (" + why
                    + "); it keeps trying. Check mqtt.broker, mqtt.user and mqtt.password in Settings."));
            return false;
        }
    }

    private void scheduleRetry() {
        long wait = retryMs;
        retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
        retry = worker.schedule(() -> { if (config.enabled() && !connected) connect(); }, wait, TimeUnit.MILLISECONDS);
    }

    /** {@code remove}: clear the retained configs and states first, so Home Assistant drops the entities. */
    private void disconnect(boolean remove) {
        if (retry != null) retry.cancel(false);
        retry = null;
        if (client != null && connected) {
            try {
                if (remove) {
                    for (Topics.Entity e : Topics.ENTITIES) publish(topics.config(e), "");
                    for (String t : topics.retainedStates()) publish(t, "");
                    publish(topics.availability, "");
                    log.info("Home Assistant: removed the box's {} entities from {}", Topics.ENTITIES.size(), config.broker());
                    forget();
                } else publish(topics.availability, "offline");
                client.disconnect(2000);
            } catch (MqttException e) {
                log.warn("Home Assistant: disconnecting from {} failed ({})", config.broker(), reason(e));
            }
        }
        connected = false;
        closeClient();
    }

    private void closeClient() {
        if (client == null) return;
        try {
            if (client.isConnected()) client.disconnectForcibly(500, 500);
            client.close();
        } catch (MqttException e) {
            log.debug("Home Assistant: closing the client: {}", reason(e));
        }
        client = null;
    }

    private final class Callback implements MqttCallback {
        private final MqttClient mine;

        Callback(MqttClient mine) { this.mine = mine; }

        @Override
        public void connectionLost(Throwable cause) {
            worker.execute(() -> {
                if (client != mine) return;
                connected = false;
                log.warn("Home Assistant: lost the broker {} ({}); reconnecting", config.broker(), reason(cause));
                problems.accept(List.of("Home Assistant: the connection to the MQTT broker " + config.broker()
                        + " was lost; the box keeps trying to reconnect."));
                scheduleRetry();
            });
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8).trim();
            // Paho's thread must not wait on a publish: the command runs on moodbox-mqtt.
            worker.execute(() -> command(topic, payload));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) { }
    }

    // ---- commands ----

    private void command(String topic, String payload) {
        if (topics == null || !connected) return;
        if (topic.equals(topics.haStatus)) {
            if (payload.equals("online")) {
                log.info("Home Assistant came online; publishing the box's entities again");
                publishDiscovery();
                sent.clear();
                publishState();
            }
            return;
        }
        String what = topics.commandOf(topic);
        if (what == null) return;
        Controls.Reply r;
        try {
            r = switch (what) {
                case "privacy" -> controls.setPrivacy(onOff(payload));
                case "mood_lock" -> controls.lockMood(onOff(payload));
                case "volume" -> controls.setVolume(volume(payload));
                case "play" -> controls.play();
                case "pause" -> controls.pause();
                case "next" -> controls.next();
                default -> Controls.Reply.refused("Unknown command " + what);
            };
        } catch (IllegalArgumentException e) {
            r = Controls.Reply.refused(e.getMessage());
        }
        log.info("Home Assistant: {} {} -> {}", what, payload, r.message());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("command", what);
        reply.put("done", r.done());
        reply.put("message", r.message());
        publish(topics.reply, json(reply), false);
        sent.clear();   // republish: a refused switch must snap back in Home Assistant
        publishState();
    }

    private static boolean onOff(String p) {
        return switch (p.toUpperCase(Locale.ROOT)) {
            case "ON" -> true;
            case "OFF" -> false;
            default -> throw new IllegalArgumentException("expected ON or OFF, got '" + p + "'");
        };
    }

    private static int volume(String p) {
        try {
            double v = Double.parseDouble(p);
            if (v < 0 || v > 100 || Double.isNaN(v)) throw new IllegalArgumentException("volume must be 0..100, got '" + p + "'");
            return (int) Math.round(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("volume must be a number 0..100, got '" + p + "'");
        }
    }

    // ---- publishing, on moodbox-mqtt ----

    private void publishDiscovery() {
        for (Topics.Entity e : Topics.ENTITIES) publish(topics.config(e), json(topics.discovery(e, version)));
    }

    /** Publishes each retained state whose payload changed since it was last sent. */
    private void publishState() {
        if (!connected || topics == null) return;
        Map<String, String> now = states(state.current(), topics);
        long t = System.currentTimeMillis();
        boolean moodChanged = !Objects.equals(sent.get(topics.state("mood")), now.get(topics.state("mood")));
        boolean attributesDue = moodChanged || t - attributesAt >= ATTRIBUTES_EVERY_MS;
        for (var e : now.entrySet()) {
            if (e.getKey().equals(topics.attributes("mood")) && !attributesDue) continue;
            if (e.getValue().equals(sent.get(e.getKey()))) continue;
            // Only what the client took counts as sent, so a refused one goes again on the next state.
            if (!publish(e.getKey(), e.getValue(), true)) continue;
            sent.put(e.getKey(), e.getValue());
            if (e.getKey().equals(topics.attributes("mood"))) attributesAt = t;
        }
    }

    /** Every retained state payload for a box state: room-level facts only. */
    static Map<String, String> states(BoxState s, Topics topics) {
        Map<String, String> out = new LinkedHashMap<>();
        MoodState m = s.mood();
        String mood = s.privacy() ? "privacy" : switch (m.presence()) {
            case PRESENT -> m.mood().label();
            case NOBODY -> "nobody";
            case UNKNOWN -> "unknown";
        };
        out.put(topics.state("mood"), mood);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("presence", s.privacy() ? "unknown" : m.presence().name().toLowerCase(Locale.ROOT));
        a.put("locked", m.locked());
        a.put("valence", round(m.valence()));
        a.put("arousal", round(m.arousal()));
        a.put("confidence", round(m.confidence()));
        float[] p = m.emotions();
        for (Emotion e : Emotion.values()) a.put(e.label(), round(p[e.ordinal()]));
        out.put(topics.attributes("mood"), json(a));
        PlayerStatus ps = s.player();
        Track t = ps.track();
        out.put(topics.state("now_playing"), t == null ? "nothing" : cut(t.displayName()));
        Map<String, Object> np = new LinkedHashMap<>();
        np.put("state", ps.state().name().toLowerCase(Locale.ROOT));
        np.put("title", t == null ? "" : cut(t.title()));
        np.put("artist", t == null ? "" : cut(t.artist()));
        np.put("album", t == null ? "" : cut(t.album()));
        np.put("track_mood", t == null ? "" : t.mood());
        np.put("reason", cut(ps.reason()));
        np.put("output", cut(ps.output()));
        out.put(topics.attributes("now_playing"), json(np));
        out.put(topics.state("privacy"), s.privacy() ? "ON" : "OFF");
        out.put(topics.state("mood_lock"), m.locked() ? "ON" : "OFF");
        out.put(topics.state("volume"), Integer.toString(ps.volumePercent()));
        return out;
    }

    private static double round(double v) { return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0; }

    /** Home Assistant keeps states to 255 characters. */
    private static String cut(String s) {
        if (s == null) return "";
        return s.length() <= 255 ? s : s.substring(0, 254) + "…";
    }

    private void publish(String topic, String payload) { publish(topic, payload, true); }

    /** False when the client did not take it (not connected, or refused). */
    private boolean publish(String topic, String payload, boolean retained) {
        if (client == null || !connected) return false;
        try {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, retained);
            return true;
        } catch (MqttException e) {
            log.warn("Home Assistant: publishing {} failed ({})", topic, reason(e));
            return false;
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always writes", e);
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return t == e || t.getMessage() == null ? m : m + ": " + t.getMessage();
    }

    private static String hostNode() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "moodbox";
        }
        String n = h.split("\\.")[0].replaceAll("[^A-Za-z0-9_-]", "_");
        return n.isEmpty() ? "moodbox" : n.length() > 64 ? n.substring(0, 64) : n;
    }

    /** TLS: the system's CAs, or only the one in {@code mqtt.ca-file}. */
    private static SSLSocketFactory socketFactory(MqttConfig c) {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            if (c.caFile() == null) {
                ssl.init(null, null, null);
                return ssl.getSocketFactory();
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(c.caFile())) {
                int i = 0;
                for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl.getSocketFactory();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("mqtt.ca-file " + c.caFile() + " is not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        state.removeListener(listener);
        var done = worker.submit(() -> disconnect(false));
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Home Assistant: closing took too long ({})", e.getMessage());
        }
        worker.shutdownNow();
    }
}
