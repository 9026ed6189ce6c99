package io.moodbox.homeassistant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The box's MQTT topics under {@code moodbox/<node>} and its Home Assistant discovery configs
 * under {@code <prefix>/<component>/<node>/<object>/config}. Immutable.
 */
final class Topics {
    /** One Home Assistant entity: its component, object id, name and how it is driven. */
    record Entity(String component, String object, String name, String icon) {}

    static final List<Entity> ENTITIES = List.of(
            new Entity("sensor", "mood", "Room mood", "mdi:emoticon-outline"),
            new Entity("sensor", "now_playing", "Now playing", "mdi:music"),
            new Entity("switch", "privacy", "Camera privacy", "mdi:cctv-off"),
            new Entity("switch", "mood_lock", "Mood lock", "mdi:lock-outline"),
            new Entity("number", "volume", "Volume", "mdi:volume-high"),
            new Entity("button", "play", "Play", "mdi:play"),
            new Entity("button", "pause", "Pause", "mdi:pause"),
            new Entity("button", "next", "Next", "mdi:skip-next"));

    final String prefix, node, base, availability, reply, haStatus;

    Topics(String prefix, String node) {
        this.prefix = prefix;
        this.node = node;
        base = "moodbox/" + node;
        availability = base + "/availability";
        reply = base + "/reply";
        haStatus = prefix + "/status";
    }

    String config(Entity e) { return prefix + "/" + e.component() + "/" + node + "/" + e.object() + "/config"; }

    String state(String object) { return base + "/" + object + "/state"; }

    String attributes(String object) { return base + "/" + object + "/attributes"; }

    String command(Entity e) { return base + "/" + e.object() + (e.component().equals("button") ? "/press" : "/set"); }

    /** The command topics, one wildcard: {@code moodbox/<node>/+/set} and {@code .../press}. */
    String[] commands() { return new String[]{base + "/+/set", base + "/+/press"}; }

    /** The entity a command topic is for, or null. */
    String commandOf(String topic) {
        for (Entity e : ENTITIES) if (!e.component().equals("sensor") && command(e).equals(topic)) return e.object();
        return null;
    }

    /** Every retained state and attributes topic, to clear when the box leaves Home Assistant. */
    List<String> retainedStates() {
        List<String> out = new ArrayList<>();
        for (Entity e : ENTITIES) {
            if (e.component().equals("button")) continue;
            out.add(state(e.object()));
            if (e.component().equals("sensor")) out.add(attributes(e.object()));
        }
        return out;
    }

    /** The discovery config of one entity, as Home Assistant's MQTT integration reads it. */
    Map<String, Object> discovery(Entity e, String version) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", e.name());
        c.put("unique_id", "moodbox_" + node + "_" + e.object());
        c.put("object_id", "moodbox_" + node + "_" + e.object());
        c.put("icon", e.icon());
        c.put("availability_topic", availability);
        switch (e.component()) {
            case "sensor" -> {
                c.put("state_topic", state(e.object()));
                c.put("json_attributes_topic", attributes(e.object()));
            }
            case "switch" -> {
                c.put("state_topic", state(e.object()));
                c.put("command_topic", command(e));
                c.put("payload_on", "ON");
                c.put("payload_off", "OFF");
            }
            case "number" -> {
                c.put("state_topic", state(e.object()));
                c.put("command_topic", command(e));
                c.put("min", 0);
                c.put("max", 100);
                c.put("step", 1);
                c.put("unit_of_measurement", "%");
                c.put("mode", "slider");
            }
            case "button" -> {
                c.put("command_topic", command(e));
                c.put("payload_press", "PRESS");
            }
            default -> throw new IllegalStateException(e.component());
        }
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("identifiers", List.of("moodbox_" + node));
        device.put("name", "moodbox " + node);
        device.put("manufacturer", "moodbox");
        device.put("model", "moodbox room mood music player");
        device.put("sw_version", version);
        c.put("device", device);
        return c;
    }
}
