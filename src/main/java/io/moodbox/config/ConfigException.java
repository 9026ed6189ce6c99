package io.moodbox.config;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A setting is missing or out of range; the message names the key and the allowed values, in one
 * sentence the owner can act on. Config records throw it from their compact constructors; the
 * helpers below keep those messages uniform.
 */
public class ConfigException extends MoodboxException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }

    /**
     * The settings were valid but could not be written (a full disk, no permission): nothing was
     * changed. Not the owner's input at fault, so the page answers it as the box's failure.
     */
    public static final class NotSaved extends ConfigException {
        public NotSaved(String message, Throwable cause) { super(message, cause); }
    }

    /** "{key} must be {min}..{max}, was {value}". */
    public static ConfigException range(String key, Number min, Number max, Number value) {
        return new ConfigException(key + " must be " + plain(min) + ".." + plain(max) + ", was " + plain(value));
    }

    /** 30.0 as "30", 0.5 as "0.5". */
    private static String plain(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : n.toString();
    }

    /** "{key} must be one of a, b, c; was {value}". */
    public static ConfigException oneOf(String key, Collection<?> allowed, Object value) {
        return new ConfigException(key + " must be one of "
                + allowed.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "; was " + value);
    }

    /** Throws {@link #range} unless {@code min <= value <= max}; returns the value. */
    public static int requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) throw range(key, min, max, value);
        return value;
    }

    /** Throws {@link #range} unless {@code min <= value <= max} (NaN fails); returns the value. */
    public static double requireRange(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) throw range(key, min, max, value);
        return value;
    }
}
