package io.moodbox.config;

import java.util.Locale;
import java.util.Map;

/**
 * One effective set of raw values (defaults overlaid by file, environment and command line), and
 * the checks on a value as text. The records read them, typed, through {@link Reader}. Immutable.
 */
final class Values {
    private final Map<String, String> raw;

    Values(Map<String, String> raw) {
        this.raw = Map.copyOf(raw);
    }

    Map<String, String> asMap() { return raw; }

    /** The value, stripped; null for a key no record reads and no file sets. */
    String string(String key) {
        String v = raw.get(key);
        return v == null ? null : v.strip();
    }

    // ---- text as text ----

    /** Longest value taken: paths and lists are far shorter, so a longer one is a paste gone wrong. */
    static final int MAX_CHARS = 4096;

    /**
     * Why a raw value cannot be a setting, or null when it can: a control character anywhere
     * (NUL, escape, a line break inside it; {@code String.trim()} would silently drop them at the
     * ends, so "15" and a NUL read as 15), a bidirectional override that makes text read other than
     * it is, a broken UTF-16 surrogate, or more than {@link #MAX_CHARS} characters. Callers strip
     * plain whitespace at the ends first.
     */
    static String textProblem(String key, String v) {
        if (v.length() > MAX_CHARS)
            return key + " is " + v.length() + " characters long, was " + shown(v) + "; at most " + MAX_CHARS + " are allowed";
        for (int i = 0; i < v.length(); ) {
            char c = v.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))))
                return key + " holds a broken character (a lone UTF-16 surrogate at position " + i + "), was " + shown(v)
                        + "; send it as proper UTF-8 text";
            int cp = v.codePointAt(i);
            if (hidden(cp))
                return key + " must not contain control characters (" + escape(cp) + " at position " + i + "), was " + shown(v);
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Characters that are not text: C0/C1 controls, line and paragraph separators, bidi overrides and isolates, the BOM. */
    private static boolean hidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
    }

    /** A value as messages show it: in quotes, control characters escaped as backslash-u and four hex digits, a long one cut short. */
    static String shown(String v) {
        if (v == null) return "(none)";
        StringBuilder b = new StringBuilder("'");
        int limit = 100;
        for (int i = 0; i < v.length() && i < limit; ) {
            int cp = v.codePointAt(i);
            boolean lone = Character.charCount(cp) == 1 && Character.isSurrogate((char) cp);
            b.append(hidden(cp) || lone ? escape(cp) : new String(Character.toChars(cp)));
            i += Character.charCount(cp);
        }
        b.append('\'');
        if (v.length() > limit) b.append("... (").append(v.length()).append(" characters)");
        return b.toString();
    }

    private static String escape(int cp) {
        return cp <= 0xFFFF ? String.format(Locale.ROOT, "\\u%04X", cp) : String.format(Locale.ROOT, "\\U%08X", cp);
    }
}
