package io.moodbox.device;

import io.moodbox.config.Reader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hardware/pins.md}, {@code hardware/wiring.svg} and the shipped defaults must agree, and
 * both documents must use the real 40-pin header layout: a wrong pin number there means a box
 * wired wrong.
 */
class HardwareDocsTest {
    /** The Raspberry Pi 40-pin header (all models since the B+): position -> function. */
    static final Map<Integer, String> HEADER = header();

    private static Map<Integer, String> header() {
        String[] names = {"3V3", "5V", "GPIO2", "5V", "GPIO3", "GND", "GPIO4", "GPIO14", "GND", "GPIO15",
                "GPIO17", "GPIO18", "GPIO27", "GND", "GPIO22", "GPIO23", "3V3", "GPIO24", "GPIO10", "GND",
                "GPIO9", "GPIO25", "GPIO11", "GPIO8", "GND", "GPIO7", "GPIO0", "GPIO1", "GPIO5", "GND",
                "GPIO6", "GPIO12", "GPIO13", "GND", "GPIO19", "GPIO16", "GPIO26", "GPIO20", "GND", "GPIO21"};
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < names.length; i++) m.put(i + 1, names[i]);
        return Map.copyOf(m);
    }

    private static Path repo(String p) {
        return Path.of(p);
    }

    /** The device keys' defaults, as DeviceConfig.from defines them. */
    private static Properties defaults() {
        Properties p = new Properties();
        for (Reader.Definition d : Reader.definitions(DeviceConfig::from)) p.setProperty(d.key(), d.defaultValue());
        return p;
    }

    @Test
    void thePinTableMatchesTheDefaultsAndTheHeader() throws Exception {
        Properties d = defaults();
        Pattern row = Pattern.compile("^\\| ([^|]+) \\| (`([a-z._-]+)`|-) \\| (\\d+|GND|5V|3V3) \\| (\\d+) \\|.*$");
        int rows = 0, keyed = 0;
        for (String line : Files.readAllLines(repo("hardware/pins.md"))) {
            Matcher m = row.matcher(line);
            if (!m.matches()) continue;
            rows++;
            String gpio = m.group(4), name = gpio.matches("\\d+") ? "GPIO" + gpio : gpio;
            int pin = Integer.parseInt(m.group(5));
            assertEquals(HEADER.get(pin), name, m.group(1) + ": header pin " + pin + " is " + HEADER.get(pin));
            if (m.group(3) != null) {
                keyed++;
                assertEquals(d.getProperty(m.group(3)), gpio, m.group(1) + ": " + m.group(3) + " in the defaults");
            }
        }
        assertEquals(15, rows, "rows parsed from pins.md");
        DeviceConfig c = DeviceConfig.defaults();
        assertEquals(3 + 1 + c.buttons().size(), keyed, "every pin key of the defaults is in the table");
    }

    @Test
    void theDiagramDrawsTheRealHeaderAndTheDefaultPins() throws Exception {
        String svg = Files.readString(repo("hardware/wiring.svg"));
        // Pin numbers are drawn in the pads; names beside them on the same line (y).
        Map<Integer, int[]> pad = new HashMap<>();
        Matcher n = Pattern.compile("<text x=\"(\\d+)\" y=\"(\\d+)\" text-anchor=\"middle\" font-size=\"8\" fill=\"#fff\">(\\d+)</text>")
                .matcher(svg);
        while (n.find()) pad.put(Integer.parseInt(n.group(3)), new int[] {Integer.parseInt(n.group(1)), Integer.parseInt(n.group(2))});
        assertEquals(40, pad.size(), "all 40 pads drawn");
        Map<String, String> labelAt = new HashMap<>();
        Matcher l = Pattern.compile("<text x=\"(\\d+)\" y=\"(\\d+)\"( text-anchor=\"end\")? font-size=\"10\" fill=\"#[0-9a-f]+\"( font-weight=\"bold\")?>((GPIO\\d+|GND|3V3|5V)[^<]*)</text>")
                .matcher(svg);
        while (l.find()) labelAt.put((l.group(3) != null ? "L" : "R") + l.group(2), l.group(6));
        for (Map.Entry<Integer, int[]> e : pad.entrySet()) {
            int pin = e.getKey();
            String side = pin % 2 == 1 ? "L" : "R";
            assertEquals(HEADER.get(pin), labelAt.get(side + (e.getValue()[1] + 1)), "label beside pad " + pin);
        }
        // The used pins are the highlighted (bold) ones, and they are the defaults' pins.
        Properties d = defaults();
        for (String key : List.of("device.led.red-pin", "device.led.green-pin", "device.led.blue-pin",
                "device.button.play.pin", "device.button.next.pin", "device.button.mood.pin", "device.button.privacy.pin")) {
            String gpio = "GPIO" + d.getProperty(key);
            assertTrue(svg.contains("font-weight=\"bold\">" + gpio + "</text>"), key + " = " + gpio + " is highlighted in the diagram");
        }
        assertTrue(svg.contains("pin 16 (GPIO" + d.getProperty("device.led.pin") + ")"), "the single-LED inset names device.led.pin");
    }
}
