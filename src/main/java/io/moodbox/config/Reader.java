package io.moodbox.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a stage's config record reads its settings through, in {@code static XConfig from(Reader r)}:
 * one call per key, with the key, its default, a label and a one-line help text on one line,
 *
 * <pre>{@code
 * Reader v = r.group("vision", "Faces");
 * int minFacePx = v.integer("min-face-px", 48, "Smallest face", "Smallest face side worth reading, in frame pixels (24..1000).");
 * }</pre>
 *
 * The record's compact constructor still validates ranges and throws {@link ConfigException}
 * naming the key; the reader only turns text into the type, with errors that name the key.
 * Everything read is also kept as a {@link Definition}: read over the defaults, a record's
 * {@code from} lists its keys, and the settings page, the key list and the defaults all come from
 * those definitions, so each default stands once, here in the record.
 *
 * <p>Keys are kebab-case ({@code vision.min-face-px}). Not thread-safe: one reading, one thread.
 */
public final class Reader {

    /**
     * One key as the record that reads it defines it: full key, default as text, a short label,
     * a one-line help text, whether a change applies without a restart, and the group (a stage's
     * title on the settings page).
     */
    public record Definition(String key, String defaultValue, String label, String help, boolean live, String group) {}

    private final Function<String, String> values;
    private final Map<String, Definition> defined;
    private final String prefix;
    private final String group;
    private final boolean live;

    private Reader(Function<String, String> values, Map<String, Definition> defined, String prefix, String group, boolean live) {
        this.values = values;
        this.defined = defined;
        this.prefix = prefix;
        this.group = group;
        this.live = live;
    }

    /** Reads raw text by full key ({@code null}: not set, the default is taken). */
    public static Reader of(Function<String, String> values) {
        return new Reader(Objects.requireNonNull(values, "values"), new LinkedHashMap<>(), "", "", false);
    }

    public static Reader of(Map<String, String> values) {
        return of(Map.copyOf(values)::get);
    }

    /** Every key at its default. */
    public static Reader defaults() {
        return of(k -> null);
    }

    /** The keys {@code from} reads over the defaults, in the order it reads them. */
    public static List<Definition> definitions(Function<Reader, ?> from) {
        Reader r = defaults();
        from.apply(r);
        return r.definitions();
    }

    /** What this reading (and every group and live view of it) has read so far, in order. */
    public List<Definition> definitions() {
        return List.copyOf(defined.values());
    }

    /** A view whose keys are {@code prefix.key}, shown on the settings page under {@code title}. */
    public Reader group(String prefix, String title) {
        return new Reader(values, defined, prefix.isEmpty() ? "" : prefix + ".", title, live);
    }

    /** A view whose keys change without a restart: the stage applies them through a settings listener. */
    public Reader live() {
        return new Reader(values, defined, prefix, group, true);
    }

    /** The full key, as messages name it: {@code "min-face-px"} in the vision group is {@code "vision.min-face-px"}. */
    public String key(String key) {
        return prefix + key;
    }

    /** Whether the key has a value of its own (families of keys, such as a button's pin, by name). */
    public boolean has(String key) {
        return values.apply(key(key)) != null;
    }

    /** Text, stripped at the ends; empty is a value. */
    public String string(String key, String def, String label, String help) {
        return raw(key, def, label, help);
    }

    /** A path, normalised ("a/../b" is "b", as the file system reads it); empty means none (null). */
    public Path path(String key, String def, String label, String help) {
        String v = raw(key, def, label, help);
        return v.isEmpty() ? null : Path.of(v).normalize();
    }

    public int integer(String key, int def, String label, String help) {
        String v = raw(key, Integer.toString(def), label, help);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key(key) + " must be a whole number, was '" + v + "'");
        }
    }

    public double decimal(String key, double def, String label, String help) {
        return number(key(key), raw(key, plain(def), label, help));
    }

    /** A duration written in seconds ({@code 1.5}); keys of durations end in {@code -s}. */
    public Duration seconds(String key, double def, String label, String help) {
        double s = number(key(key), raw(key, plain(def), label, help));
        if (s < 0) throw new ConfigException(key(key) + " must be zero or more seconds, was " + plain(s));
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** true/yes/on or false/no/off. */
    public boolean bool(String key, boolean def, String label, String help) {
        String v = raw(key, Boolean.toString(def), label, help).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw ConfigException.oneOf(key(key), List.of("true", "false"), "'" + v + "'");
        };
    }

    /** One of an enum's constants, written as {@link #word}: {@code TRACK_END} is {@code track-end}. */
    public <E extends Enum<E>> E choice(String key, E def, String label, String help) {
        String v = raw(key, word(def), label, help);
        return parse(key(key), v, def.getDeclaringClass());
    }

    /** An enum constant as settings write it: lower case, {@code _} as {@code -}. */
    public static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code value} as one of {@code type}'s {@link #word}s (either case, {@code _} or {@code -}), else an error naming the key. */
    public static <E extends Enum<E>> E parse(String key, String value, Class<E> type) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E c : type.getEnumConstants()) if (word(c).equals(v)) return c;
        throw ConfigException.oneOf(key, Arrays.stream(type.getEnumConstants()).map(Reader::word).toList(),
                "'" + (value == null ? "" : value.strip()) + "'");
    }

    // ---- the machinery ----

    private String raw(String key, String def, String label, String help) {
        String full = key(key);
        defined.putIfAbsent(full, new Definition(full, def, label, help, live, group));
        String v = values.apply(full);
        return (v == null ? def : v).strip();
    }

    private static double number(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new ConfigException(key + " must be a number like 1.5, was '" + v + "'");
    }

    /** 30.0 as "30", 0.5 as "0.5". */
    static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** Definitions by key, for {@link Settings}. */
    static Map<String, Definition> byKey(List<Definition> definitions) {
        Map<String, Definition> m = new LinkedHashMap<>();
        for (Definition d : definitions) m.putIfAbsent(d.key(), d);
        return Collections.unmodifiableMap(m);
    }

    /** The names keys had before they were kebab-case: {@code vision.min_face_px} for {@code vision.min-face-px}. */
    static String oldName(String key) {
        return key.replace('-', '_');
    }
}
