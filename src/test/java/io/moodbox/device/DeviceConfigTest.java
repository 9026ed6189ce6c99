package io.moodbox.device;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;
import io.moodbox.device.DeviceConfig.Action;
import io.moodbox.device.DeviceConfig.Button;
import io.moodbox.device.DeviceConfig.Led;
import io.moodbox.device.DeviceConfig.LedKind;
import io.moodbox.device.DeviceConfig.Timing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad value is refused with a message naming the key and what is allowed. */
class DeviceConfigTest {
    private static final DeviceConfig D = DeviceConfig.defaults();

    private static String message(Runnable r) {
        return assertThrows(ConfigException.class, r::run).getMessage();
    }

    @Test
    void defaultsAreValid() {
        assertEquals(4, D.buttons().size());
        assertEquals(LedKind.RGB, D.led().kind());
    }

    @Test
    void pinsMustBeHeaderGpios() {
        String m = message(() -> new Button("play", 40, Action.NEXT, Action.NONE, Action.NONE));
        assertEquals("device.button.play.pin must be a BCM GPIO number 2..27 (0 and 1 are the HAT EEPROM's), was 40", m);
        m = message(() -> new Led(LedKind.RGB, 23, 17, 1, 22, false, 200, 1));
        assertTrue(m.startsWith("device.led.green-pin must be a BCM GPIO number 2..27"), m);
    }

    @Test
    void aPinHasOneJob() {
        String m = message(() -> new DeviceConfig(D.provider(), -1, D.led(), D.timing(),
                List.of(new Button("play", 17, Action.TOGGLE_PLAY, Action.NONE, Action.NONE)), false));
        assertTrue(m.contains("device.button.play.pin uses GPIO17, which device.led.red-pin already uses"), m);
        m = message(() -> new DeviceConfig(D.provider(), -1, D.led(), D.timing(),
                List.of(new Button("a", 5, Action.NEXT, Action.NONE, Action.NONE), new Button("b", 5, Action.NEXT, Action.NONE, Action.NONE)), false));
        assertTrue(m.contains("device.button.b.pin uses GPIO5"), m);
    }

    @Test
    void shutdownOnlyOnALongPress() {
        String m = message(() -> new Button("play", 5, Action.SHUTDOWN, Action.NONE, Action.NONE));
        assertTrue(m.startsWith("device.button.play.press=shutdown is not allowed"), m);
        m = message(() -> new Button("play", 5, Action.NEXT, Action.SHUTDOWN, Action.NONE));
        assertTrue(m.startsWith("device.button.play.double=shutdown is not allowed"), m);
    }

    @Test
    void actionsParseAndNameTheChoicesWhenWrong() {
        assertEquals(Action.TOGGLE_MOOD_LOCK, Action.parse("k", " Toggle-Mood-Lock "));
        String m = message(() -> Action.parse("device.button.next.press", "skip"));
        assertTrue(m.startsWith("device.button.next.press must be one of none, toggle-play, play, pause, next,"), m);
        assertTrue(m.endsWith("; was 'skip'"), m);
    }

    @Test
    void timingsAreChecked() {
        Duration ms = Duration.ofMillis(1);
        String m = message(() -> new Timing(true, ms.multipliedBy(5), ms.multipliedBy(2), ms.multipliedBy(1000),
                ms.multipliedBy(350), ms.multipliedBy(4000)));
        assertEquals("device.buttons.debounce-s must be 0.005..0.2 seconds, was 0.002", m);
        m = message(() -> new Timing(true, ms.multipliedBy(20), ms.multipliedBy(30), ms.multipliedBy(1000),
                ms.multipliedBy(350), ms.multipliedBy(4000)));
        assertTrue(m.startsWith("device.buttons.debounce-s must be at least twice device.buttons.poll-s"), m);
        m = message(() -> new Led(LedKind.RGB, 23, 17, 27, 22, false, 20, 1));
        assertTrue(m.startsWith("device.led.pwm-hz must be 50..500"), m);
        m = message(() -> new Led(LedKind.SINGLE, 23, 17, 27, 22, false, 200, 0));
        assertTrue(m.startsWith("device.led.brightness must be more than 0 and at most 1"), m);
        m = message(() -> new DeviceConfig(D.provider(), 64, D.led(), D.timing(), D.buttons(), false));
        assertTrue(m.startsWith("device.gpio-chip must be auto or a number 0..63"), m);
    }

    /** Every device key at its default, as text, the way the owner's file writes them. */
    private static java.util.Properties shipped() {
        java.util.Properties p = new java.util.Properties();
        for (Reader.Definition d : Reader.definitions(DeviceConfig::from)) p.setProperty(d.key(), d.defaultValue());
        return p;
    }

    @Test
    void theDefaultsAreTheShippedWiringAndReadBackFromTheirText() {
        // The values the defaults file held before the records defined them (hardware/pins.md matches).
        DeviceConfig shipped = new DeviceConfig(DeviceConfig.Provider.AUTO, -1,
                new Led(LedKind.RGB, 23, 17, 27, 22, false, 150, 1.0),
                new Timing(true, Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(1000),
                        Duration.ofMillis(350), Duration.ofMillis(4000)),
                List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NONE, Action.NONE),
                        new Button("next", 6, Action.NEXT, Action.NONE, Action.NONE),
                        new Button("mood", 13, Action.TOGGLE_MOOD_LOCK, Action.NONE, Action.NONE),
                        new Button("privacy", 26, Action.TOGGLE_PRIVACY, Action.NONE, Action.SHUTDOWN)),
                false);
        assertEquals(shipped, D);
        java.util.Properties p = shipped();
        assertEquals(D, DeviceConfig.parse(p::getProperty));
        assertEquals(34, p.size(), "every device key is defined, the four shipped buttons' too");
    }

    @Test
    void parsingNamesTheKey() {
        java.util.Properties p = shipped();
        p.setProperty("device.provider", "gpio");
        assertEquals("device.provider must be one of auto, gpiod, mock, none; was 'gpio'", message(() -> DeviceConfig.parse(p::getProperty)));
        p.setProperty("device.provider", "GPIOD");
        p.setProperty("device.gpio-chip", "four");
        assertEquals("device.gpio-chip must be auto or a number 0..63, was 'four'", message(() -> DeviceConfig.parse(p::getProperty)));
        p.setProperty("device.gpio-chip", "4");
        p.setProperty("device.buttons", "play, vol");
        assertEquals("device.buttons lists 'vol', but there is no device.button.vol.pin; the box has settings for the buttons"
                + " play, next, mood, privacy (change their pins and actions instead)", message(() -> DeviceConfig.parse(p::getProperty)));
        p.setProperty("device.button.vol.pin", "16");
        p.setProperty("device.button.vol.press", "volume-up");
        p.setProperty("device.button.vol.long", "volume-down");
        DeviceConfig c = DeviceConfig.parse(p::getProperty);
        assertEquals(DeviceConfig.Provider.GPIOD, c.provider());
        assertEquals(4, c.gpioChip());
        assertEquals(List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NONE, Action.NONE),
                new Button("vol", 16, Action.VOLUME_UP, Action.NONE, Action.VOLUME_DOWN)), c.buttons());
        p.setProperty("device.buttons.debounce-s", "30ms");
        assertEquals("device.buttons.debounce-s must be a number like 1.5, was '30ms'", message(() -> DeviceConfig.parse(p::getProperty)));
        p.setProperty("device.buttons", "");
        p.setProperty("device.buttons.debounce-s", "0.03");
        assertEquals(List.of(), DeviceConfig.parse(p::getProperty).buttons(), "no buttons fitted");
    }

    @Test
    void unusedLedPinsAreNotChecked() {
        Led none = new Led(LedKind.NONE, 0, 0, 0, 0, false, 200, 1);
        assertEquals(List.of(), List.copyOf(none.pins().keySet()));
        new DeviceConfig(D.provider(), -1, none, D.timing(), List.of(), false);
    }
}
