package io.moodbox.device;

import java.util.List;
import java.util.Locale;

/**
 * The status LED and the buttons as the page shows them, at one moment. Immutable; built by
 * {@link Device#view()} on any thread.
 *
 * @param gpio      the GPIO in words ({@code "mock"}, {@code "gpiod gpiochip0"}, {@code "no GPIO"})
 * @param pressable whether the page may press the buttons: only on the mock GPIO, where nobody
 *                  can press a real one
 * @param pressNote when not pressable, why not, in a sentence for the owner; empty otherwise
 * @param led       what the LED shows now
 * @param buttons   the fitted buttons that work, in config order
 */
public record DeviceView(String gpio, boolean pressable, String pressNote, Led led, List<ButtonView> buttons) {

    public DeviceView {
        buttons = List.copyOf(buttons);
    }

    /** How a finger presses a button, as the page and {@link Device#press} name it. */
    public enum Gesture {
        SHORT, LONG, DOUBLE;

        /** As the page sends it: {@code short}. */
        public String label() { return name().toLowerCase(Locale.ROOT); }

        /** The gesture for a label, or null when there is none by that name. */
        public static Gesture parse(String label) {
            for (Gesture g : values()) if (g.label().equals(label)) return g;
            return null;
        }
    }

    /**
     * The LED now: {@code look} how it looks ({@code "teal, steady"}), {@code meaning} what it says
     * ({@code "watching, someone is here (neutral)"}), and the pattern it loops as {@code steps} so
     * the page can play the same light; {@code kind} is {@code rgb}, {@code single} or {@code none}
     * (then {@code steps} is empty and {@code meaning} says why there is no LED).
     */
    public record Led(String kind, String signal, String look, String meaning, List<Step> steps) {
        public Led {
            steps = List.copyOf(steps);
        }
    }

    /** One step of the LED's loop: from one CSS colour ({@code #rrggbb}) to another over {@code ms}. */
    public record Step(String from, String to, int ms) {}

    /** A button: its name in config, its BCM pin, and what each gesture does. */
    public record ButtonView(String name, int pin, List<Does> gestures) {
        public ButtonView {
            gestures = List.copyOf(gestures);
        }
    }

    /**
     * What one gesture does: {@code action} as written in config ({@code toggle-play}), {@code words}
     * for people ({@code "play or pause"}), and how long the finger holds for it, in seconds.
     */
    public record Does(Gesture gesture, String action, String words, double holdSeconds) {}
}
