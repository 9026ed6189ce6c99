package io.moodbox.device;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

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
 * @param gpioChip        {@code device.gpio-chip}: the {@code /dev/gpiochipN} number, or -1 ({@code auto})
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
     * @param redPin     {@code device.led.red-pin}
     * @param greenPin   {@code device.led.green-pin}
     * @param bluePin    {@code device.led.blue-pin}
     * @param activeLow  {@code device.led.active-low}: true when the pin sinks the LED's current
     *                   (common-anode RGB LED wired to 3V3)
     * @param pwmHz      {@code device.led.pwm-hz}: software PWM frequency for the RGB LED's colours
     * @param brightness {@code device.led.brightness}: 0..1, scales every colour (a dark bedroom wants 0.3)
     */
    public record Led(LedKind kind, int pin, int redPin, int greenPin, int bluePin, boolean activeLow, int pwmHz,
                      double brightness) {
        public Led {
            if (kind == null) throw new ConfigException("device.led.type must be one of single, rgb, none");
            if (kind == LedKind.SINGLE) requirePin("device.led.pin", pin);
            if (kind == LedKind.RGB) {
                requirePin("device.led.red-pin", redPin);
                requirePin("device.led.green-pin", greenPin);
                requirePin("device.led.blue-pin", bluePin);
            }
            if (pwmHz < 50 || pwmHz > 500)
                throw new ConfigException("device.led.pwm-hz must be 50..500 (below 50 flickers, above 500 costs CPU), was " + pwmHz);
            if (!(brightness > 0 && brightness <= 1))
                throw new ConfigException("device.led.brightness must be more than 0 and at most 1, was " + brightness);
        }

        /** The pins this LED uses, by role. */
        Map<String, Integer> pins() {
            return switch (kind) {
                case SINGLE -> Map.of("device.led.pin", pin);
                case RGB -> Map.of("device.led.red-pin", redPin, "device.led.green-pin", greenPin,
                        "device.led.blue-pin", bluePin);
                case NONE -> Map.of();
            };
        }
    }

    /**
     * Button timings, shared by all buttons.
     *
     * @param activeLow    {@code device.buttons.active-low}: true (the default) for a switch to GND with
     *                     the Pi's internal pull-up; false for a switch to 3V3 with the pull-down
     * @param poll         {@code device.buttons.poll-s}: how often the inputs are sampled
     * @param debounce     {@code device.buttons.debounce-s}: a level must hold this long to count
     * @param longPress    {@code device.buttons.long-press-s}: held this long is a long press
     * @param doublePress  {@code device.buttons.double-press-s}: a second press within this long after
     *                     a release is a double press
     * @param shutdownHold {@code device.shutdown.hold-s}: a long press mapped to shutdown needs this long
     */
    public record Timing(boolean activeLow, Duration poll, Duration debounce, Duration longPress, Duration doublePress,
                         Duration shutdownHold) {
        public Timing {
            requireMs("device.buttons.poll-s", poll, 1, 50);
            requireMs("device.buttons.debounce-s", debounce, 5, 200);
            requireMs("device.buttons.long-press-s", longPress, 300, 10_000);
            requireMs("device.buttons.double-press-s", doublePress, 0, 1_000);
            requireMs("device.shutdown.hold-s", shutdownHold, 1_000, 30_000);
            if (debounce.compareTo(poll.multipliedBy(2)) < 0)
                throw new ConfigException("device.buttons.debounce-s must be at least twice device.buttons.poll-s ("
                        + seconds(poll.multipliedBy(2)) + " s), was " + seconds(debounce) + " s");
            if (longPress.compareTo(debounce.multipliedBy(3)) < 0)
                throw new ConfigException("device.buttons.long-press-s must be at least three times device.buttons.debounce-s, was "
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
            throw new ConfigException("device.gpio-chip must be auto or a number 0..63 (/dev/gpiochipN), was " + gpioChip);
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

    /** The shipped defaults; they match {@code hardware/pins.md} (HardwareDocsTest checks). */
    public static DeviceConfig defaults() {
        return from(Reader.defaults());
    }

    /** The same as {@link #from}: raw strings by key, null when the key is missing. */
    public static DeviceConfig parse(Function<String, String> value) {
        return from(Reader.of(value));
    }

    /** The fitted buttons' defaults: name, pin, press, double press, long press, and what the button is. */
    private record Fitted(String name, int pin, Action press, Action doublePress, Action longPress, String what, String pressHelp) {}

    private static final List<Fitted> FITTED = List.of(
            new Fitted("play", 5, Action.TOGGLE_PLAY, Action.NONE, Action.NONE, "play button",
                    "none, toggle-play, play, pause, next, toggle-mood-lock, toggle-privacy, privacy-on, volume-up or volume-down."),
            new Fitted("next", 6, Action.NEXT, Action.NONE, Action.NONE, "next button", "the actions of device.button.play.press."),
            new Fitted("mood", 13, Action.TOGGLE_MOOD_LOCK, Action.NONE, Action.NONE, "mood-lock button",
                    "toggle-mood-lock holds the current mood or lets it follow the room again."),
            new Fitted("privacy", 26, Action.TOGGLE_PRIVACY, Action.NONE, Action.SHUTDOWN, "privacy button",
                    "toggle-privacy turns the camera off or on."));

    /**
     * The {@code device.*} keys. Button keys depend on {@code device.buttons}: a button the list
     * names needs its own {@code device.button.<name>.pin}.
     */
    public static DeviceConfig from(Reader reader) {
        Reader r = reader.group("device", "LED and buttons");
        Provider provider = r.choice("provider", Provider.AUTO, "GPIO provider", "auto (gpiod on a Raspberry Pi, Pi4J's mock elsewhere), gpiod, mock, or none (no LED, no buttons).");
        String chip = r.string("gpio-chip", "auto", "GPIO chip", "auto picks the chip labelled pinctrl-* (right for Pi 4 and Pi 5), or a number N for /dev/gpiochipN (0..63; Pi 5 on older kernels: 4).");
        int gpioChip;
        try {
            gpioChip = chip.equalsIgnoreCase("auto") ? -1 : Integer.parseInt(chip);
        } catch (NumberFormatException e) {
            throw new ConfigException(r.key("gpio-chip") + " must be auto or a number 0..63, was '" + chip + "'");
        }
        Led led = new Led(r.choice("led.type", LedKind.RGB, "Status LED", "rgb (colour per mood, software PWM), single (blink patterns), or none."),
                r.integer("led.pin", 23, "Single LED pin", "The single LED's BCM GPIO (2..27), used when device.led.type=single."),
                r.integer("led.red-pin", 17, "Red pin", "The RGB LED's red BCM GPIO (2..27)."),
                r.integer("led.green-pin", 27, "Green pin", "The RGB LED's green BCM GPIO (2..27)."),
                r.integer("led.blue-pin", 22, "Blue pin", "The RGB LED's blue BCM GPIO (2..27)."),
                r.bool("led.active-low", false, "LED active low", "On when the pin sinks the LED current (a common-anode RGB LED wired to 3V3)."),
                r.integer("led.pwm-hz", 150, "LED PWM frequency", "Software PWM frequency for colours and dimming (50..500 Hz)."),
                r.decimal("led.brightness", 1.0, "LED brightness", "Overall LED brightness, more than 0 and at most 1 (a dark bedroom wants 0.3)."));
        String fitted = r.string("buttons", String.join(",", FITTED.stream().map(Fitted::name).toList()), "Fitted buttons",
                "The fitted buttons, comma-separated, out of play, next, mood, privacy (empty: none).");
        List<Button> buttons = new java.util.ArrayList<>();
        for (String name : listed(fitted)) {
            Fitted f = FITTED.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (f == null && !r.has("button." + name + ".pin"))
                throw new ConfigException("device.buttons lists '" + name + "', but there is no " + Button.key(name, "pin")
                        + "; the box has settings for the buttons " + FITTED.stream().map(Fitted::name)
                        .collect(Collectors.joining(", ")) + " (change their pins and actions instead)");
            buttons.add(button(r, name, f));
        }
        // A shipped button that is not fitted still has its keys, so the page lists them; read as text, they cannot fail.
        for (Fitted f : FITTED) if (!listed(fitted).contains(f.name())) define(r, f);
        Timing timing = new Timing(r.bool("buttons.active-low", true, "Buttons active low", "On for buttons switching to GND with the internal pull-up (the wiring in hardware/); off for switches to 3V3 with the pull-down."),
                r.seconds("buttons.poll-s", 0.01, "Button sampling", "How often the buttons are sampled, in seconds (0.001..0.05)."),
                r.seconds("buttons.debounce-s", 0.03, "Debounce", "Seconds (0.005..0.2) a level must hold to count: moodbox's own debounce, contact bounce is ignored."),
                r.seconds("buttons.long-press-s", 1.0, "Long press", "Seconds (0.3..10) held that make a long press."),
                r.seconds("buttons.double-press-s", 0.35, "Double press window", "Seconds (0..1) within which a second press makes a double press; only buttons with a double action wait for it."),
                r.seconds("shutdown.hold-s", 4.0, "Shutdown hold", "Seconds (1..30) a long press mapped to shutdown must be held; letting go earlier cancels."));
        boolean shutdown = r.bool("shutdown.enabled", false, "Shutdown button", "Whether a long press mapped to shutdown may shut the box down cleanly.");
        return new DeviceConfig(provider, gpioChip, led, timing, buttons, shutdown);
    }

    private static List<String> listed(String fitted) {
        List<String> out = new java.util.ArrayList<>();
        for (String name : fitted.split(",")) {
            name = name.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.equals("none")) continue;
            if (!name.matches("[a-z][a-z0-9_-]{0,23}"))
                throw new ConfigException("device.buttons must list names of lower-case letters, digits, '-' or '_', was '" + name + "'");
            out.add(name);
        }
        return out;
    }

    /** A button's four keys; {@code f} is its shipped default, null for a button the owner added. */
    private static Button button(Reader r, String name, Fitted f) {
        String k = "button." + name + ".", what = f == null ? name + " button" : f.what();
        return new Button(name,
                r.integer(k + "pin", f == null ? 0 : f.pin(), PIN.formatted(what), PIN_HELP.formatted(what)),
                action(r, k + "press", f == null ? Action.NONE : f.press(), PRESS.formatted(what), PRESS_HELP + (f == null ? "see device.button.play.press." : f.pressHelp())),
                action(r, k + "double", f == null ? Action.NONE : f.doublePress(), DOUBLE.formatted(what), DOUBLE_HELP),
                action(r, k + "long", f == null ? Action.NONE : f.longPress(), LONG.formatted(what), LONG_HELP));
    }

    private static final String PIN = "The %s's pin", PIN_HELP = "The %s's BCM GPIO (2..27).",
            PRESS = "The %s: press", PRESS_HELP = "What a press does: ",
            DOUBLE = "The %s: double press", DOUBLE_HELP = "What a double press does (none: a press acts at once instead of waiting for a second).",
            LONG = "The %s: long press", LONG_HELP = "What a long press does: the press actions, or shutdown (held device.shutdown.hold-s, with device.shutdown.enabled).";

    private static void define(Reader r, Fitted f) {
        String k = "button." + f.name() + ".";
        r.string(k + "pin", Integer.toString(f.pin()), PIN.formatted(f.what()), PIN_HELP.formatted(f.what()));
        r.string(k + "press", f.press().label(), PRESS.formatted(f.what()), PRESS_HELP + f.pressHelp());
        r.string(k + "double", f.doublePress().label(), DOUBLE.formatted(f.what()), DOUBLE_HELP);
        r.string(k + "long", f.longPress().label(), LONG.formatted(f.what()), LONG_HELP);
    }

    /** An action as written ({@code toggle-play}); empty is none. */
    private static Action action(Reader r, String key, Action def, String label, String help) {
        String v = r.string(key, def.label(), label, help);
        return Action.parse(r.key(key), v.isEmpty() ? "none" : v);
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
