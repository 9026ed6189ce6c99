package io.moodbox.homeassistant;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The MQTT settings validate themselves and read broker URLs as paho needs them. */
class MqttConfigTest {
    static MqttConfig broker(String url) { return new MqttConfig(true, url, "", "", "", "homeassistant", null); }

    @Test
    void offByDefault() {
        MqttConfig d = Settings.defaults().mqtt();
        assertFalse(d.enabled());
        assertEquals("homeassistant", d.discoveryPrefix());
        assertEquals("tcp://homeassistant.local:1883", d.broker());
    }

    @Test
    void brokerUrlsAreNormalised() {
        assertEquals("tcp://ha.lan:1883", broker("tcp://ha.lan").broker());
        assertEquals("tcp://ha.lan:1884", broker("mqtt://ha.lan:1884").broker());
        assertEquals("ssl://ha.lan:8883", broker("mqtts://ha.lan").broker());
        assertTrue(broker("ssl://ha.lan").tls());
        assertFalse(broker("tcp://ha.lan").tls());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(assertThrows(ConfigException.class, () -> broker("")).getMessage().startsWith("mqtt.enabled is true but mqtt.broker is empty"));
        assertTrue(assertThrows(ConfigException.class, () -> broker("http://ha.lan")).getMessage().startsWith("mqtt.broker must start with tcp://"));
        assertTrue(assertThrows(ConfigException.class, () -> broker("tcp://user:pw@ha.lan")).getMessage().startsWith("mqtt.broker must be tcp://HOST"));
        assertTrue(assertThrows(ConfigException.class, () -> new MqttConfig(false, "", "", "", "a/b", "homeassistant", null))
                .getMessage().startsWith("mqtt.node-id"));
        assertTrue(assertThrows(ConfigException.class, () -> new MqttConfig(false, "", "", "", "", "home/#", null))
                .getMessage().startsWith("mqtt.discovery-prefix"));
    }

    @Test
    void discoveryConfigsPointAtTheBoxsTopics() {
        Topics t = new Topics("homeassistant", "kitchen");
        assertEquals("homeassistant/switch/kitchen/privacy/config", t.config(Topics.ENTITIES.get(2)));
        assertEquals("privacy", t.commandOf("moodbox/kitchen/privacy/set"));
        assertEquals("next", t.commandOf("moodbox/kitchen/next/press"));
        assertNull(t.commandOf("moodbox/kitchen/mood/set"), "sensors take no commands");
        assertEquals(7, t.retainedStates().size(), "4 sensor topics, 2 switches, the volume");
    }
}
