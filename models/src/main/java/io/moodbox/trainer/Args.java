package io.moodbox.trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The kit's {@code --name value} arguments, read the one way Train, Swa and Qat all use: a word
 * without {@code --} where a name belongs, a name without a value, a name not in {@code known}
 * or a value that is not of its kind is an error naming the option.
 */
final class Args {
    private final Map<String, String> values;

    private Args(Map<String, String> values) { this.values = values; }

    static Args parse(String[] args, String... known) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
            a.put(args[i].substring(2), args[i + 1]);
        }
        var unknown = new LinkedHashSet<>(a.keySet());
        unknown.removeAll(List.of(known));
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown options " + unknown + "; known: " + List.of(known));
        return new Args(a);
    }

    boolean has(String name) { return values.containsKey(name); }

    String text(String name, String fallback) { return values.getOrDefault(name, fallback); }

    Path path(String name, String fallback) { return Path.of(text(name, fallback)); }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try { return Integer.parseInt(v); }
        catch (NumberFormatException e) { throw new IllegalArgumentException("--" + name + " must be a whole number, got " + v); }
    }

    long whole(String name, long fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try { return Long.parseLong(v); }
        catch (NumberFormatException e) { throw new IllegalArgumentException("--" + name + " must be a whole number, got " + v); }
    }

    /** A number kept in double precision, for parts whose arithmetic was always double. */
    double real(String name, double fallback) {
        return number(name, fallback, Double::parseDouble, Double::isFinite);
    }

    float decimal(String name, float fallback) {
        return number(name, fallback, Float::parseFloat, Float::isFinite);
    }

    private <T> T number(String name, T fallback, java.util.function.Function<String, T> parse,
                         java.util.function.Predicate<T> finite) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            T n = parse.apply(v);
            if (!finite.test(n)) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) { throw new IllegalArgumentException("--" + name + " must be a number, got " + v); }
    }

    boolean flag(String name, boolean fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, got " + v);
        };
    }

    /** One of {@code choices}; returns its index. */
    int choice(String name, String fallback, String... choices) {
        String v = text(name, fallback);
        for (int i = 0; i < choices.length; i++) if (choices[i].equals(v)) return i;
        throw new IllegalArgumentException("--" + name + " must be one of " + List.of(choices) + ", got " + v);
    }
}
