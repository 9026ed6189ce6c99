package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moodbox.box.BoxState;
import io.moodbox.config.Settings;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState.Presence;
import io.moodbox.music.PlayerStatus.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Home Assistant's side of the real wiring against a real Mosquitto broker: what a subscriber
 * sees (retained discovery configs, states, availability), commands from Home Assistant acting
 * through Controls, the broker going away and coming back, the entities removed when the owner
 * turns the feature off, the last will when the daemon dies, and that nothing but room-level
 * facts is ever published.
 */
class HomeAssistantTest {
    static final String NODE = "test-box";
    static final String BASE = "moodbox/" + NODE;
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CONFIGS = List.of("sensor/" + NODE + "/mood", "sensor/" + NODE + "/now_playing",
            "switch/" + NODE + "/privacy", "switch/" + NODE + "/mood_lock", "number/" + NODE + "/volume",
            "button/" + NODE + "/play", "button/" + NODE + "/pause", "button/" + NODE + "/next");

    @TempDir Path dir;
    Broker broker;
    Moodbox box;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        if (box != null) box.close();
        if (broker != null) broker.close();
    }

    Map<String, String> mqttEnv() {
        return Map.of("MOODBOX_MQTT_ENABLED", "true", "MOODBOX_MQTT_BROKER", broker.url(), "MOODBOX_MQTT_USER", Broker.USER,
                "MOODBOX_MQTT_PASSWORD", Broker.PASSWORD, "MOODBOX_MQTT_NODE_ID", NODE);
    }

    Broker.Subscriber subscriber() throws Exception {
        Broker.Subscriber s = broker.new Subscriber();
        open.add(s);
        return s;
    }

    void await(String what, Predicate<BoxState> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.test(box.state().current())) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; state " + box.state().current());
            Thread.sleep(20);
        }
    }

    static String config(String entity) { return "homeassistant/" + entity + "/config"; }

    static boolean allConfigs(Map<String, String> seen) {
        return CONFIGS.stream().allMatch(c -> seen.getOrDefault(config(c), "").startsWith("{"));
    }

    @Test
    void homeAssistantSeesTheBoxAndSteersItThroughControls() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        box = Moodbox.start(TestSettings.load(dir, mqttEnv()), new Moodbox.Parts(null, null));
        await("playing", b -> b.player().state() == State.PLAYING && b.player().track() != null);

        Broker.Subscriber ha = subscriber();
        ha.await("the discovery configs, retained", HomeAssistantTest::allConfigs);
        ha.await("online", m -> "online".equals(m.get(BASE + "/availability")));
        Broker.Subscriber late = subscriber();
        late.await("the configs for a subscriber that comes later", HomeAssistantTest::allConfigs);
        assertTrue(late.all.stream().filter(m -> m.topic().endsWith("/config")).allMatch(Broker.Message::retained),
                "a subscriber that comes later gets the configs: they are retained");

        JsonNode mood = JSON.readTree(ha.last.get(config("sensor/" + NODE + "/mood")));
        assertEquals("moodbox_" + NODE + "_mood", mood.get("unique_id").asText());
        assertEquals(BASE + "/mood/state", mood.get("state_topic").asText());
        assertEquals(BASE + "/mood/attributes", mood.get("json_attributes_topic").asText());
        assertEquals(BASE + "/availability", mood.get("availability_topic").asText());
        assertEquals("moodbox_" + NODE, mood.get("device").get("identifiers").get(0).asText());
        JsonNode volume = JSON.readTree(ha.last.get(config("number/" + NODE + "/volume")));
        assertEquals(BASE + "/volume/set", volume.get("command_topic").asText());
        assertEquals(100, volume.get("max").asInt());
        assertEquals(BASE + "/next/press", JSON.readTree(ha.last.get(config("button/" + NODE + "/next"))).get("command_topic").asText());

        ha.await("the states", m -> "unknown".equals(m.get(BASE + "/mood/state")) && "OFF".equals(m.get(BASE + "/privacy/state"))
                && "30".equals(m.get(BASE + "/volume/state")) && m.getOrDefault(BASE + "/now_playing/state", "").equals("tone"));
        assertEquals("playing", JSON.readTree(ha.last.get(BASE + "/now_playing/attributes")).get("state").asText());

        // Commands, as Home Assistant sends them.
        ha.publish(BASE + "/volume/set", "42.0");
        await("the volume from Home Assistant", b -> b.player().volumePercent() == 42);
        ha.await("the volume state", m -> "42".equals(m.get(BASE + "/volume/state")));
        ha.publish(BASE + "/privacy/set", "ON");
        await("privacy from Home Assistant", BoxState::privacy);
        ha.await("the privacy switch on", m -> "ON".equals(m.get(BASE + "/privacy/state")) && "privacy".equals(m.get(BASE + "/mood/state")));
        assertEquals("true", box.settings().get("privacy.enabled"), "saved like the page's privacy button");
        ha.publish(BASE + "/privacy/set", "OFF");
        await("privacy off", b -> !b.privacy());
        ha.publish(BASE + "/mood_lock/set", "ON");
        await("the mood held", b -> b.mood().locked());
        ha.await("the lock switch on", m -> "ON".equals(m.get(BASE + "/mood_lock/state")));
        ha.publish(BASE + "/pause/press", "PRESS");
        await("paused", b -> b.player().state() == State.PAUSED);
        ha.await("paused shown", m -> m.getOrDefault(BASE + "/now_playing/attributes", "").contains("\"state\":\"paused\""));
        ha.publish(BASE + "/play/press", "PRESS");
        await("playing again", b -> b.player().state() == State.PLAYING);
        ha.publish(BASE + "/next/press", "PRESS");
        ha.await("a reply for next", m -> m.getOrDefault(BASE + "/reply", "").contains("\"command\":\"next\""));
        // A bad value changes nothing and says why.
        ha.publish(BASE + "/volume/set", "loud");
        ha.await("a refusal", m -> m.getOrDefault(BASE + "/reply", "").contains("volume must be a number 0..100"));
        assertEquals(42, box.state().current().player().volumePercent());
    }

    @Test
    void theBrokerGoingAwayAndComingBackIsSurvived() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        box = Moodbox.start(TestSettings.load(dir, mqttEnv()), new Moodbox.Parts(null, null));
        Broker.Subscriber first = subscriber();
        first.await("the configs", HomeAssistantTest::allConfigs);

        broker.stop();
        await("the lost broker shown", b -> b.problems().stream().anyMatch(p -> p.startsWith("Home Assistant:")));
        box.controls().setVolume(55);   // changes while the broker is away are published once it is back
        Thread.sleep(1500);
        broker.start();   // no persistence: it has forgotten every retained message
        Broker.Subscriber again = subscriber();
        again.await("the configs published again after the broker came back", HomeAssistantTest::allConfigs);
        again.await("online and the volume set while away", m -> "online".equals(m.get(BASE + "/availability"))
                && "55".equals(m.get(BASE + "/volume/state")));
        await("the problem cleared", b -> b.problems().stream().noneMatch(p -> p.startsWith("Home Assistant:")));
        // Home Assistant restarting asks for the configs again.
        Broker.Subscriber watch = subscriber();
        watch.await("retained configs", HomeAssistantTest::allConfigs);
        int before = watch.all.size();
        watch.publish("homeassistant/status", "online");
        watch.await("configs sent again for Home Assistant's birth message",
                m -> watch.all.subList(before, watch.all.size()).stream().filter(x -> x.topic().endsWith("/config")).count() >= CONFIGS.size());
    }

    @Test
    void turningItOffRemovesTheEntitiesAndItIsOffByDefault() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        assertFalse(Settings.defaults().mqtt().enabled(), "off by default");
        // Enabled through the owner's file (not the environment), so the page can turn it off.
        Map<String, String> env = new HashMap<>(mqttEnv());
        env.remove("MOODBOX_MQTT_ENABLED");
        Settings s = TestSettings.load(dir, env);
        box = Moodbox.start(s, new Moodbox.Parts(null, null));
        Broker.Subscriber ha = subscriber();
        Thread.sleep(1000);
        assertTrue(ha.last.keySet().stream().noneMatch(t -> t.startsWith("homeassistant/")), "nothing while off: " + ha.last);
        box.settings().update(Map.of("mqtt.enabled", "true"));
        ha.await("the configs once turned on", HomeAssistantTest::allConfigs);

        box.settings().update(Map.of("mqtt.enabled", "false"));
        ha.await("every config removed with an empty retained payload",
                m -> CONFIGS.stream().allMatch(c -> "".equals(m.get(config(c)))));
        Broker.Subscriber later = subscriber();
        Thread.sleep(1000);
        assertEquals(Set.of(), new TreeSet<>(later.last.keySet()), "the broker keeps nothing of the box");
    }

    @Test
    void turnedOffWhileTheBoxWasStoppedItsEntitiesGoAtTheNextStart() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        box = Moodbox.start(TestSettings.load(dir, mqttEnv()), new Moodbox.Parts(null, null));
        Broker.Subscriber ha = subscriber();
        ha.await("the configs", HomeAssistantTest::allConfigs);
        box.close();
        ha.await("offline on a clean stop", m -> "offline".equals(m.get(BASE + "/availability")));
        assertTrue(allConfigs(ha.last), "a stopped box keeps its entities (shown unavailable)");
        assertTrue(Files.readString(dir.resolve("mqtt-published.properties")).contains("node=" + NODE), "it remembers where it published");

        Map<String, String> off = new HashMap<>(mqttEnv());
        off.put("MOODBOX_MQTT_ENABLED", "false");
        box = Moodbox.start(TestSettings.load(dir, off), new Moodbox.Parts(null, null));
        ha.await("the configs removed by a box started with MQTT off", m -> CONFIGS.stream().allMatch(c -> "".equals(m.get(config(c)))));
        Broker.Subscriber later = subscriber();
        Thread.sleep(1000);
        assertEquals(Set.of(), new TreeSet<>(later.last.keySet()), "the broker keeps nothing of the box");
        assertFalse(Files.exists(dir.resolve("mqtt-published.properties")), "and the box forgets it published");
    }

    @Test
    void theLastWillSaysOfflineWhenTheDaemonDies() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        Files.createDirectories(dir.resolve("music"));
        TestSettings.tone(dir.resolve("music"));
        Path config = dir.resolve("moodbox.properties");
        Files.writeString(config, Daemon.baseConfig(dir) + "music.output = null\nmqtt.enabled = true\nmqtt.broker = " + broker.url()
                + "\nmqtt.user = " + Broker.USER + "\nmqtt.password = " + Broker.PASSWORD + "\nmqtt.node-id = " + NODE + "\n");
        Broker.Subscriber ha = subscriber();
        try (Daemon daemon = Daemon.start(config, dir.resolve("daemon.log"))) {
            ha.await("online", m -> "online".equals(m.get(BASE + "/availability")));
            daemon.kill9();
            ha.await("the broker's last will for the dead daemon", m -> "offline".equals(m.get(BASE + "/availability")));
        }
    }

    @Test
    void overTlsTheBrokersCaFromTheSettingsIsTrusted() throws Exception {
        broker = new Broker(dir.resolve("broker"), true);
        Map<String, String> env = new HashMap<>(mqttEnv());
        env.put("MOODBOX_MQTT_BROKER", broker.tlsUrl());
        // First without the CA: the system does not trust the test CA, so the box says it cannot connect.
        box = Moodbox.start(TestSettings.load(dir, env), new Moodbox.Parts(null, null));
        await("the untrusted certificate shown", b -> b.problems().stream().anyMatch(p -> p.startsWith("Home Assistant: the box cannot reach")));
        // Then the owner names the CA on the settings page: applied live, the box connects over TLS.
        box.settings().update(Map.of("mqtt.ca-file", broker.dir.resolve("ca.pem").toString()));
        Broker.Subscriber ha = subscriber();   // on the plain listener of the same broker
        ha.await("the configs over TLS", HomeAssistantTest::allConfigs);
        await("no problem", b -> b.problems().stream().noneMatch(p -> p.startsWith("Home Assistant:")));
    }

    /** Every key of every JSON object in a payload, dotted. */
    static void keys(JsonNode n, String prefix, Set<String> out) {
        if (!n.isObject()) return;
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.add(prefix + k);
            keys(n.get(k), prefix + k + ".", out);
        }
    }

    @Test
    void onlyRoomLevelFactsArePublished() throws Exception {
        broker = new Broker(dir.resolve("broker"));
        Broker.Subscriber ha = subscriber();
        MoodboxTest.ScriptedSource camera = new MoodboxTest.ScriptedSource();
        camera.showing = Emotion.HAPPY;
        box = Moodbox.start(TestSettings.load(dir, mqttEnv()), new Moodbox.Parts(camera, new MoodboxTest.FakeAnalyzer()));
        await("a face seen", b -> b.mood().presence() == Presence.PRESENT && b.mood().faces() == 1 && b.mood().mood() == Emotion.HAPPY);
        ha.await("the room's mood", m -> "happy".equals(m.get(BASE + "/mood/state")));
        Thread.sleep(6000);   // past the attributes' interval, so scores have been published more than once
        box.controls().next();
        box.controls().setPrivacy(true);
        ha.await("privacy", m -> "ON".equals(m.get(BASE + "/privacy/state")));

        Set<String> moodKeys = new TreeSet<>(List.of("presence", "locked", "valence", "arousal", "confidence"));
        for (Emotion e : Emotion.values()) moodKeys.add(e.label());
        Set<String> playingKeys = Set.of("state", "title", "artist", "album", "track_mood", "reason", "output");
        int checked = 0;
        for (Broker.Message m : ha.all) {
            String t = m.topic();
            assertTrue(t.matches("homeassistant/(sensor|switch|number|button)/" + NODE + "/[a-z_]+/config")
                    || t.matches(BASE + "/(availability|reply|[a-z_]+/(state|attributes))"), "an unexpected topic: " + t);
            assertTrue(m.payload().length() < 2048, "a payload of " + m.payload().length() + " characters on " + t);
            assertFalse(m.payload().toLowerCase().matches("(?s).*(face|frame|image|jpeg|png|base64|pixel|person|people).*"),
                    "no picture or per-person words: " + t + " " + m.payload());
            if (t.equals(BASE + "/mood/attributes")) {
                Set<String> k = new TreeSet<>();
                keys(JSON.readTree(m.payload()), "", k);
                assertEquals(moodKeys, k, "the mood's attributes are the room's scores and nothing else");
                checked++;
            }
            if (t.equals(BASE + "/now_playing/attributes")) {
                Set<String> k = new TreeSet<>();
                keys(JSON.readTree(m.payload()), "", k);
                assertEquals(playingKeys, k);
            }
            if (t.endsWith("/state"))
                assertTrue(m.payload().length() <= 255 && !m.payload().contains("{"), "a plain state: " + t + " " + m.payload());
        }
        assertTrue(checked >= 2, "mood attributes were published (" + checked + " times)");
    }
}
