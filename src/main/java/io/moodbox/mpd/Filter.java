package io.moodbox.mpd;

import io.moodbox.music.Track;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * MPD's song filters: the old pairs ({@code find artist "X" album "Y"}) and the expressions of
 * MPD 0.21 ({@code find "((artist == 'X') AND (album contains 'Y'))"}) with {@code ==},
 * {@code !=}, {@code contains}, {@code starts_with}, {@code =~}, {@code !~}, {@code base},
 * {@code !} and {@code AND}. {@code find} compares exactly; {@code search} ignores case and, for
 * the old pairs, matches substrings. Parse errors are {@link MpdError}s with MPD's ARG code.
 */
final class Filter {
    /** The tags moodbox knows; {@code comment} is the track's mood. */
    static final List<String> TAGS = List.of("artist", "albumartist", "album", "title", "genre", "comment", "file", "any");

    private Filter() {}

    /** A track's value for a tag (lower-case name), "" when it has none. */
    static String value(Catalog c, Track t, String tag) {
        String v = switch (tag) {
            case "artist", "albumartist" -> t.artist();
            case "album" -> t.album();
            case "title" -> t.title();
            case "genre" -> t.genre();
            case "comment" -> t.mood();
            case "file" -> c.uri(t);
            default -> "";
        };
        return v == null ? "" : v;
    }

    /** Parses {@code args} (after the command, before any sort/window) into a predicate. */
    static Predicate<Track> parse(Catalog c, List<String> args, boolean ignoreCase) {
        if (args.isEmpty()) throw new MpdError(MpdError.ARG, "too few arguments");
        if (args.size() == 1 && args.getFirst().trim().startsWith("(")) {
            Parser p = new Parser(c, args.getFirst(), ignoreCase);
            Predicate<Track> f = p.expression();
            p.skipSpace();
            if (!p.atEnd()) throw new MpdError(MpdError.ARG, "unparsed garbage after expression");
            return f;
        }
        if (args.size() % 2 != 0) throw new MpdError(MpdError.ARG, "incorrect number of filter arguments");
        Predicate<Track> all = t -> true;
        for (int i = 0; i < args.size(); i += 2) {
            String tag = tag(args.get(i));
            String want = args.get(i + 1);
            all = all.and(ignoreCase ? t -> matches(c, t, tag, v -> fold(v).contains(fold(want)))
                    : t -> matches(c, t, tag, v -> v.equals(want)));
        }
        return all;
    }

    static String tag(String name) {
        String t = name.toLowerCase(Locale.ROOT);
        if (!TAGS.contains(t)) throw new MpdError(MpdError.ARG, "Unknown filter type: " + name);
        return t;
    }

    private static boolean matches(Catalog c, Track t, String tag, Predicate<String> test) {
        if (!tag.equals("any")) return test.test(value(c, t, tag));
        for (String k : List.of("artist", "album", "title", "genre", "comment", "file"))
            if (test.test(value(c, t, k))) return true;
        return false;
    }

    private static String fold(String s) { return s.toLowerCase(Locale.ROOT); }

    /** A hand-written recursive descent over one expression string. */
    private static final class Parser {
        final Catalog c;
        final String s;
        final boolean ignoreCase;
        int i;

        Parser(Catalog c, String s, boolean ignoreCase) {
            this.c = c;
            this.s = s;
            this.ignoreCase = ignoreCase;
        }

        boolean atEnd() { return i >= s.length(); }

        void skipSpace() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

        void expect(char ch) {
            skipSpace();
            if (atEnd() || s.charAt(i) != ch) throw new MpdError(MpdError.ARG, "'" + ch + "' expected");
            i++;
        }

        Predicate<Track> expression() {
            expect('(');
            skipSpace();
            if (!atEnd() && s.charAt(i) == '!') {
                i++;
                Predicate<Track> inner = expression();
                expect(')');
                return inner.negate();
            }
            if (!atEnd() && s.charAt(i) == '(') {
                List<Predicate<Track>> parts = new ArrayList<>();
                parts.add(expression());
                while (true) {
                    skipSpace();
                    if (s.startsWith("AND", i)) {
                        i += 3;
                        parts.add(expression());
                    } else break;
                }
                expect(')');
                return t -> parts.stream().allMatch(p -> p.test(t));
            }
            String word = word();
            if (word.equals("base")) {
                String dir = quoted();
                expect(')');
                String prefix = dir.endsWith("/") ? dir : dir + "/";
                return t -> c.uri(t).startsWith(prefix);
            }
            String tag = tag(word);
            skipSpace();
            String op = operator();
            String want = quoted();
            expect(')');
            Predicate<String> test = switch (op) {
                case "==" -> ignoreCase ? v -> fold(v).equals(fold(want)) : v -> v.equals(want);
                case "!=" -> ignoreCase ? v -> !fold(v).equals(fold(want)) : v -> !v.equals(want);
                case "contains" -> ignoreCase ? v -> fold(v).contains(fold(want)) : v -> v.contains(want);
                case "starts_with" -> ignoreCase ? v -> fold(v).startsWith(fold(want)) : v -> v.startsWith(want);
                default -> {
                    Pattern p;
                    try {
                        p = Pattern.compile(want, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
                    } catch (PatternSyntaxException e) {
                        throw new MpdError(MpdError.ARG, "Invalid regular expression: " + e.getDescription());
                    }
                    yield op.equals("=~") ? v -> p.matcher(v).find() : v -> !p.matcher(v).find();
                }
            };
            if (op.equals("!=") || op.equals("!~")) {
                // "not equal" holds only when no value of the tag matches
                Predicate<String> positive = test.negate();
                return t -> !matches(c, t, tag, positive);
            }
            return t -> matches(c, t, tag, test);
        }

        String word() {
            skipSpace();
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '-')) i++;
            if (start == i) throw new MpdError(MpdError.ARG, "tag name expected");
            return s.substring(start, i).toLowerCase(Locale.ROOT);
        }

        String operator() {
            for (String op : List.of("==", "!=", "=~", "!~", "contains", "starts_with")) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return op;
                }
            }
            throw new MpdError(MpdError.ARG, "Unknown filter operator");
        }

        String quoted() {
            skipSpace();
            if (atEnd() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) throw new MpdError(MpdError.ARG, "quoted string expected");
            char q = s.charAt(i++);
            StringBuilder b = new StringBuilder();
            while (i < s.length() && s.charAt(i) != q) {
                char ch = s.charAt(i++);
                if (ch == '\\' && i < s.length()) ch = s.charAt(i++);
                b.append(ch);
            }
            if (atEnd()) throw new MpdError(MpdError.ARG, "closing quote expected");
            i++;
            return b.toString();
        }
    }
}
