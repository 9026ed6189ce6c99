package io.moodbox.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One effective set of raw values (defaults overlaid by file, environment and command line) with
 * typed getters whose errors name the key. Immutable.
 */
final class Values {
    private final Map<String, String> raw;

    Values(Map<String, String> raw) {
        this.raw = Map.copyOf(raw);
    }

    Map<String, String> asMap() { return raw; }

    String string(String key) {
        String v = raw.get(key);
        if (v == null)
            throw new ConfigException(key + " has no value; it is missing from moodbox-defaults.properties (a build problem)");
        return v.trim();
    }

    int integer(String key) {
        String v = string(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, was '" + v + "'");
        }
    }

    double decimal(String key) {
        String v = string(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new ConfigException(key + " must be a number like 1.5, was '" + v + "'");
    }

    boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw ConfigException.oneOf(key, List.of("true", "false"), "'" + v + "'");
        };
    }

    /** A duration written in seconds, e.g. {@code 1.5}; the key should end in {@code _s}. */
    Duration seconds(String key) {
        double s = decimal(key);
        if (s < 0) throw new ConfigException(key + " must be zero or more seconds, was " + s);
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** One of the allowed words, lower-cased. */
    String choice(String key, List<String> allowed) {
        String v = string(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) throw ConfigException.oneOf(key, allowed, "'" + v + "'");
        return v;
    }

    /** A path; empty means none (returns null). */
    Path path(String key) {
        String v = string(key);
        return v.isEmpty() ? null : Path.of(v);
    }
}
