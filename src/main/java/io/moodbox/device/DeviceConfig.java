package io.moodbox.device;

import io.moodbox.config.ConfigException;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the box's status LED and buttons are wired and behave. Pins are BCM GPIO numbers (the
 * "GPIO17" names, not header pin positions). Built once at startup by {@code config.Settings};
 * validates itself and names the offending key.
 *
 * @param provider        {@code device.provider}: which Pi4J GPIO provider to use
 * @param gpioChip        {@code device.gpio_chip}: the {@code /dev/gpiochipN} number, or -1 ({@code auto})
 *                        to let Pi4J pick the chip labelled {@code pinctrl-*} (right for Pi 4 and Pi 5)
 * @param led             the status LED
 * @param timing          button timings
 * @param buttons         the fitted buttons, in config order; may be empty
 * @param shutdownEnabled {@code device.shutdown.enabled}: whether a button may shut the box down
 */
public record DeviceConfig(Provider provider, int gpioChip, Led led, Timing timing, List<Button> buttons,
                           boolean shutdownEnabled) {

    /** Which GPIO implementation to use. */
    public enum Provider {
        /** gpiod on a Raspberry Pi (detected from the device tree), mock elsewhere. */
        AUTO,
        /** Linux GPIO character device through libgpiod (Pi 4, Pi 5, Zero 2 W). */
        GPIOD,
        /** Pi4J's in-memory mock: nothing is wired, for development machines and tests. */
        MOCK,
        /** No GPIO at all: no LED, no buttons. */
        NONE
    }

    /** The kind of status LED fitted. */
    public enum LedKind {
        /** One LED on one pin: blink patterns. */
        SINGLE,
        /** A common-cathode (or, with active_low, common-anode) RGB LED on three pins: colours by software PWM. */
        RGB,
        /** No LED. */
        NONE
    }

    /** What a button gesture does. Every action is also reachable through {@code app.Controls}. */
    public enum Action {
        NONE, TOGGLE_PLAY, PLAY, PAUSE, NEXT, TOGGLE_MOOD_LOCK, TOGGLE_PRIVACY, PRIVACY_ON, VOLUME_UP, VOLUME_DOWN,
        /** Clean shutdown; only allowed on a long press, and only with {@code device.shutdown.enabled=true}. */
        SHUTDOWN;

        /** As written in config: {@code toggle-play}. */
        public String label() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static Action parse(String key, String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (Action a : values()) if (a.label().equals(v)) return a;
            throw new ConfigException(key + " must be one of "
                    + Arrays.stream(values()).map(Action::label).collect(Collectors.joining(", ")) + "; was '" + value + "'");
        }
    }

    /**
     * The status LED.
     *
     * @param kind       {@code device.led.type}: single, rgb or none
     * @param pin        {@code device.led.pin}: the single LED's GPIO
     * @param redPin     {@code device.led.red_pin}
     * @param greenPin   {@code device.led.green_pin}
     * @param bluePin    {@code device.led.blue_pin}
     * @param activeLow  {@code device.led.active_low}: true when the pin sinks the LED's current
     *                   (common-anode RGB LED wired to 3V3)
     * @param pwmHz      {@code device.led.pwm_hz}: software PWM frequency for the RGB LED's colours
     * @param brightness {@code device.led.brightness}: 0..1, scales every colour (a dark bedroom wants 0.3)
     */
    public record Led(LedKind kind, int pin, int redPin, int greenPin, int bluePin, boolean activeLow, int pwmHz,
                      double brightness) {
        public Led {
            if (kind == null) throw new ConfigException("device.led.type must be one of single, rgb, none");
            if (kind == LedKind.SINGLE) requirePin("device.led.pin", pin);
            if (kind == LedKind.RGB) {
                requirePin("device.led.red_pin", redPin);
                requirePin("device.led.green_pin", greenPin);
                requirePin("device.led.blue_pin", bluePin);
            }
            if (pwmHz < 50 || pwmHz > 500)
                throw new ConfigException("device.led.pwm_hz must be 50..500 (below 50 flickers, above 500 costs CPU), was " + pwmHz);
            if (!(brightness > 0 && brightness <= 1))
                throw new ConfigException("device.led.brightness must be more than 0 and at most 1, was " + brightness);
        }

        /** The pins this LED uses, by role. */
        Map<String, Integer> pins() {
            return switch (kind) {
                case SINGLE -> Map.of("device.led.pin", pin);
                case RGB -> Map.of("device.led.red_pin", redPin, "device.led.green_pin", greenPin,
                        "device.led.blue_pin", bluePin);
                case NONE -> Map.of();
            };
        }
    }

    /**
     * Button timings, shared by all buttons.
     *
     * @param activeLow    {@code device.buttons.active_low}: true (the default) for a switch to GND with
     *                     the Pi's internal pull-up; false for a switch to 3V3 with the pull-down
     * @param poll         {@code device.buttons.poll_s}: how often the inputs are sampled
     * @param debounce     {@code device.buttons.debounce_s}: a level must hold this long to count
     * @param longPress    {@code device.buttons.long_press_s}: held this long is a long press
     * @param doublePress  {@code device.buttons.double_press_s}: a second press within this long after
     *                     a release is a double press
     * @param shutdownHold {@code device.shutdown.hold_s}: a long press mapped to shutdown needs this long
     */
    public record Timing(boolean activeLow, Duration poll, Duration debounce, Duration longPress, Duration doublePress,
                         Duration shutdownHold) {
        public Timing {
            requireMs("device.buttons.poll_s", poll, 1, 50);
            requireMs("device.buttons.debounce_s", debounce, 5, 200);
            requireMs("device.buttons.long_press_s", longPress, 300, 10_000);
            requireMs("device.buttons.double_press_s", doublePress, 0, 1_000);
            requireMs("device.shutdown.hold_s", shutdownHold, 1_000, 30_000);
            if (debounce.compareTo(poll.multipliedBy(2)) < 0)
                throw new ConfigException("device.buttons.debounce_s must be at least twice device.buttons.poll_s ("
                        + seconds(poll.multipliedBy(2)) + " s), was " + seconds(debounce) + " s");
            if (longPress.compareTo(debounce.multipliedBy(3)) < 0)
                throw new ConfigException("device.buttons.long_press_s must be at least three times device.buttons.debounce_s, was "
                        + seconds(longPress) + " s");
        }
    }

    /**
     * One fitted button: what its press, double press and long press do.
     *
     * @param name        the button's name in config ({@code device.button.<name>.*}), e.g. {@code play}
     * @param pin         {@code device.button.<name>.pin}
     * @param press       {@code device.button.<name>.press}
     * @param doublePress {@code device.button.<name>.double}; {@code none} makes a single press act at
     *                    once instead of waiting out the double-press window
     * @param longPress   {@code device.button.<name>.long}
     */
    public record Button(String name, int pin, Action press, Action doublePress, Action longPress) {
        public Button {
            if (name == null || !name.matches("[a-z][a-z0-9_-]{0,23}"))
                throw new ConfigException("device.buttons must list names of lower-case letters, digits, '-' or '_', was '" + name + "'");
            requirePin(key(name, "pin"), pin);
            if (press == null || doublePress == null || longPress == null)
                throw new ConfigException(key(name, "press/double/long") + " must each name an action");
            if (press == Action.SHUTDOWN || doublePress == Action.SHUTDOWN)
                throw new ConfigException(key(name, press == Action.SHUTDOWN ? "press" : "double")
                        + "=shutdown is not allowed: shutdown is only offered on a long press (" + key(name, "long") + ")");
        }

        static String key(String name, String what) { return "device.button." + name + "." + what; }
    }

    public DeviceConfig {
        if (provider == null) throw new ConfigException("device.provider must be one of auto, gpiod, mock, none");
        if (gpioChip < -1 || gpioChip > 63)
            throw new ConfigException("device.gpio_chip must be auto or a number 0..63 (/dev/gpiochipN), was " + gpioChip);
        if (led == null || timing == null) throw new ConfigException("device.led and device.buttons settings are required");
        buttons = List.copyOf(buttons);
        Map<Integer, String> used = new HashMap<>();
        led.pins().forEach((key, p) -> claim(used, p, key));
        Map<String, Boolean> names = new HashMap<>();
        for (Button b : buttons) {
            if (names.put(b.name(), true) != null)
                throw new ConfigException("device.buttons lists '" + b.name() + "' twice");
            claim(used, b.pin(), Button.key(b.name(), "pin"));
        }
    }

    /** The shipped defaults (they match {@code hardware/pins.md} and {@code moodbox-defaults.properties}). */
    public static DeviceConfig defaults() {
        return new DeviceConfig(Provider.AUTO, -1,
                new Led(LedKind.RGB, 23, 17, 27, 22, false, 150, 1.0),
                new Timing(true, Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(1000),
                        Duration.ofMillis(350), Duration.ofMillis(4000)),
                List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NONE, Action.NONE),
                        new Button("next", 6, Action.NEXT, Action.NONE, Action.NONE),
                        new Button("mood", 13, Action.TOGGLE_MOOD_LOCK, Action.NONE, Action.NONE),
                        new Button("privacy", 26, Action.TOGGLE_PRIVACY, Action.NONE, Action.SHUTDOWN)),
                false);
    }

    /**
     * Reads every {@code device.*} key through {@code value} (raw strings by key; null when the key
     * is missing), so {@code config.Settings} builds this record with one call and only it needs
     * Commons Configuration. Button keys depend on {@code device.buttons}, hence a lookup, not a map.
     */
    public static DeviceConfig parse(Function<String, String> value) {
        Raw r = new Raw(value);
        Provider provider = r.choice("device.provider", Provider.class);
        String chip = r.string("device.gpio_chip");
        int gpioChip = chip.equalsIgnoreCase("auto") ? -1 : r.integer("device.gpio_chip", "auto or a number 0..63");
        Led led = new Led(r.choice("device.led.type", LedKind.class), r.integer("device.led.pin"),
                r.integer("device.led.red_pin"), r.integer("device.led.green_pin"), r.integer("device.led.blue_pin"),
                r.bool("device.led.active_low"), r.integer("device.led.pwm_hz"), r.decimal("device.led.brightness"));
        Timing timing = new Timing(r.bool("device.buttons.active_low"), r.seconds("device.buttons.poll_s"),
                r.seconds("device.buttons.debounce_s"), r.seconds("device.buttons.long_press_s"),
                r.seconds("device.buttons.double_press_s"), r.seconds("device.shutdown.hold_s"));
        List<Button> buttons = new java.util.ArrayList<>();
        for (String name : r.string("device.buttons").split(",")) {
            name = name.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.equals("none")) continue;
            if (!name.matches("[a-z][a-z0-9_-]{0,23}"))
                throw new ConfigException("device.buttons must list names of lower-case letters, digits, '-' or '_', was '" + name + "'");
            if (value.apply(Button.key(name, "pin")) == null)
                throw new ConfigException("device.buttons lists '" + name + "', but there is no " + Button.key(name, "pin")
                        + "; the box has settings for the buttons " + defaults().buttons().stream().map(Button::name)
                        .collect(Collectors.joining(", ")) + " (change their pins and actions instead)");
            buttons.add(new Button(name, r.integer(Button.key(name, "pin")),
                    Action.parse(Button.key(name, "press"), r.orNone(Button.key(name, "press"))),
                    Action.parse(Button.key(name, "double"), r.orNone(Button.key(name, "double"))),
                    Action.parse(Button.key(name, "long"), r.orNone(Button.key(name, "long")))));
        }
        return new DeviceConfig(provider, gpioChip, led, timing, buttons, r.bool("device.shutdown.enabled"));
    }

    /** Typed reads whose errors name the key. */
    private record Raw(Function<String, String> value) {
        String string(String key) {
            String v = value.apply(key);
            if (v == null) throw new ConfigException(key + " has no value; it belongs in moodbox-defaults.properties");
            return v.trim();
        }

        String orNone(String key) {
            String v = value.apply(key);
            return v == null || v.isBlank() ? "none" : v.trim();
        }

        int integer(String key) { return integer(key, "a whole number"); }

        int integer(String key, String allowed) {
            String v = string(key);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be " + allowed + ", was '" + v + "'");
            }
        }

        double decimal(String key) {
            String v = string(key);
            try {
                double d = Double.parseDouble(v);
                if (Double.isFinite(d)) return d;
            } catch (NumberFormatException e) {
                // the message below says what is allowed
            }
            throw new ConfigException(key + " must be a number like 0.5, was '" + v + "'");
        }

        Duration seconds(String key) {
            double s = decimal(key);
            if (s < 0) throw new ConfigException(key + " must be zero or more seconds, was " + s);
            return Duration.ofNanos(Math.round(s * 1e9));
        }

        boolean bool(String key) {
            String v = string(key).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new ConfigException(key + " must be one of true, false; was '" + v + "'");
            };
        }

        <E extends Enum<E>> E choice(String key, Class<E> type) {
            String v = string(key);
            for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
            throw new ConfigException(key + " must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + "; was '" + v + "'");
        }
    }

    /** BCM GPIO 2..27 are on the 40-pin header; 0 and 1 are reserved for the HAT ID EEPROM. */
    static void requirePin(String key, int pin) {
        if (pin < 2 || pin > 27)
            throw new ConfigException(key + " must be a BCM GPIO number 2..27 (0 and 1 are the HAT EEPROM's), was " + pin);
    }

    private static void claim(Map<Integer, String> used, int pin, String key) {
        String other = used.putIfAbsent(pin, key);
        if (other != null)
            throw new ConfigException(key + " uses GPIO" + pin + ", which " + other + " already uses; every pin may have one job");
    }

    private static void requireMs(String key, Duration d, long minMs, long maxMs) {
        if (d == null || d.toMillis() < minMs || d.toMillis() > maxMs || d.isNegative())
            throw new ConfigException(key + " must be " + seconds(Duration.ofMillis(minMs)) + ".."
                    + seconds(Duration.ofMillis(maxMs)) + " seconds, was " + (d == null ? "empty" : seconds(d)));
    }

    private static String seconds(Duration d) {
        return String.valueOf(d.toNanos() / 1e9);
    }
}
