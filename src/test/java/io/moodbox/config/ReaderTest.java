package io.moodbox.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReaderTest {
    enum Shape { ROUND, FLAT_TOP }

    /** A record as a stage writes one. */
    record Lamp(int watts, double dim, boolean on, Duration fade, Shape shape, Path bulb, String name) {
        static Lamp from(Reader reader) {
            Reader r = reader.group("lamp", "The lamp");
            return new Lamp(
                    r.integer("watts", 40, "Power", "Bulb power in watts."),
                    r.live().decimal("dim", 0.5, "Dimming", "How far it is dimmed (0..1)."),
                    r.bool("on", true, "On", "Whether it is on."),
                    r.seconds("fade-s", 1.5, "Fade", "Seconds a change takes."),
                    r.choice("shape", Shape.FLAT_TOP, "Shape", "round or flat-top."),
                    r.path("bulb", "", "Bulb file", "A bulb profile; empty for none."),
                    r.string("name", "desk", "Name", "What the page calls it."));
        }
    }

    @Test
    void aRecordReadsItsKeysWithTheirDefaultsAndDefinesThem() {
        Lamp d = Lamp.from(Reader.defaults());
        assertEquals(new Lamp(40, 0.5, true, Duration.ofMillis(1500), Shape.FLAT_TOP, null, "desk"), d);
        List<Reader.Definition> defs = Reader.definitions(Lamp::from);
        assertEquals(List.of("lamp.watts", "lamp.dim", "lamp.on", "lamp.fade-s", "lamp.shape", "lamp.bulb", "lamp.name"),
                defs.stream().map(Reader.Definition::key).toList());
        assertEquals(new Reader.Definition("lamp.dim", "0.5", "Dimming", "How far it is dimmed (0..1).", true, "The lamp"), defs.get(1));
        assertEquals("flat-top", defs.get(4).defaultValue());
        assertEquals("40", defs.get(0).defaultValue());
        // The definitions' texts read back as the defaults: what the page shows is what the box runs on.
        Map<String, String> text = new HashMap<>();
        defs.forEach(x -> text.put(x.key(), x.defaultValue()));
        assertEquals(d, Lamp.from(Reader.of(text)));
    }

    @Test
    void valuesAreParsedAndErrorsNameTheFullKey() {
        Map<String, String> v = new HashMap<>(Map.of("lamp.watts", " 60 ", "lamp.shape", "ROUND", "lamp.on", "off",
                "lamp.fade-s", "0.25", "lamp.bulb", "a/../b.txt"));
        Lamp l = Lamp.from(Reader.of(v));
        assertEquals(60, l.watts());
        assertEquals(Shape.ROUND, l.shape());
        assertEquals(false, l.on());
        assertEquals(Duration.ofMillis(250), l.fade());
        assertEquals(Path.of("b.txt"), l.bulb());
        v.put("lamp.watts", "lots");
        assertEquals("lamp.watts must be a whole number, was 'lots'", assertThrows(ConfigException.class, () -> Lamp.from(Reader.of(v))).getMessage());
        v.put("lamp.watts", "60");
        v.put("lamp.shape", "square");
        assertEquals("lamp.shape must be one of round, flat-top; was 'square'",
                assertThrows(ConfigException.class, () -> Lamp.from(Reader.of(v))).getMessage());
        v.put("lamp.shape", "flat_top");
        assertEquals(Shape.FLAT_TOP, Lamp.from(Reader.of(v)).shape(), "an underscore reads as the hyphen");
        v.put("lamp.fade-s", "-1");
        assertEquals("lamp.fade-s must be zero or more seconds, was -1", assertThrows(ConfigException.class, () -> Lamp.from(Reader.of(v))).getMessage());
        v.put("lamp.fade-s", "NaN");
        assertTrue(assertThrows(ConfigException.class, () -> Lamp.from(Reader.of(v))).getMessage().startsWith("lamp.fade-s must be a number"));
        v.put("lamp.fade-s", "1");
        v.put("lamp.on", "maybe");
        assertEquals("lamp.on must be one of true, false; was 'maybe'", assertThrows(ConfigException.class, () -> Lamp.from(Reader.of(v))).getMessage());
        assertNull(Lamp.from(Reader.defaults()).bulb());
    }

    /** What every stage's record defines: the page's labels, help and groups, and one key style. */
    @Test
    void everyKeyOfTheBoxIsKebabCaseWithALabelAOneLineHelpAndAGroup() {
        List<Setting> all = Settings.defaults().view();
        assertEquals(84, all.size(), "the keys the defaults file listed");
        Set<String> keys = new HashSet<>(), groups = new HashSet<>();
        for (Setting s : all) {
            assertTrue(s.key().matches("[a-z]+(\\.[a-z0-9]+(-[a-z0-9]+)*)+"), "kebab-case: " + s.key());
            assertTrue(keys.add(s.key()), "defined once: " + s.key());
            assertTrue(!s.label().isBlank() && s.label().length() <= 40, "a short label: " + s.key() + " '" + s.label() + "'");
            assertTrue(!s.description().isBlank() && !s.description().contains("\n") && s.description().length() <= 240,
                    "a one-line help: " + s.key() + " (" + s.description().length() + " characters)");
            assertTrue(!s.group().isBlank(), "a group: " + s.key());
            groups.add(s.group());
        }
        assertEquals(Set.of("Camera", "The box", "Faces", "Emotions", "Room mood", "Music", "LED and buttons", "Page"), groups);
    }
}
