package io.moodbox.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodbox.web.WebConfig;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code moodbox console}: a JLine shell against a running box's HTTP API, with completion and
 * history on a terminal. Without one (commands piped on stdin, a dumb terminal) it runs each
 * line as a script command, prints only results, and exits non-zero if any command failed.
 * Runs on the caller's thread; the daemon's {@code Main} dispatches {@code console} here.
 */
public final class Console {
    static final String DEFAULT_URL = "http://127.0.0.1:8080/";
    static final List<String> COMMANDS = List.of("status", "mood", "play", "pause", "next", "volume", "lock", "unlock",
            "privacy", "scan", "config", "help", "quit");
    private static final String[] EMOTIONS = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};

    static final String USAGE = """
            usage: moodbox console [URL] [--url URL] [--password-file FILE]

            A shell for a running moodbox. URL defaults to the page's address from the settings
            (http://127.0.0.1:8080/). The owner's password comes from --password-file, the
            MOODBOX_PASSWORD environment variable, or a prompt. Commands on stdin run as a script:
            the exit status is 1 if any failed.
            """;

    static final String HELP = """
            status              the box: mood, music, camera, temperature, uptime, problems
            mood                the room's mood with all seven expression scores
            play | pause | next the music
            volume [0-100]      show or set the volume
            lock | unlock       hold the current mood (music stops following the room) or let go
            privacy on|off      camera off (on) or back on (off)
            scan                re-scan the music library
            config get [KEY]    show one setting, or all
            config set KEY VAL  change a setting (checked first; saved atomically)
            help | quit
            """;

    private final ApiClient api;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String password;
    private final LineReader reader;
    private final boolean interactive;
    private List<String> keys = List.of();

    private Console(ApiClient api, Terminal terminal, PrintWriter out, PrintWriter err, String password, boolean interactive,
                    Path historyFile) {
        this.api = api;
        this.out = out;
        this.err = err;
        this.password = password;
        this.interactive = interactive;
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("moodbox")
                .completer(new Completions(() -> keys));
        if (interactive && historyFile != null) b.variable(LineReader.HISTORY_FILE, historyFile);
        this.reader = b.build();
    }

    /** {@code moodbox console} on the process's own terminal or stdin. Returns the exit status. */
    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err, System.getenv("MOODBOX_PASSWORD"));
    }

    /** The address of the page on this box for a web config (0.0.0.0 and :: mean this machine). */
    public static String localUrl(WebConfig web) {
        String host = switch (web.bind()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> web.bind().contains(":") && !web.bind().startsWith("[") ? "[" + web.bind() + "]" : web.bind();
        };
        return "http://" + host + ":" + web.port() + "/";
    }

    static int run(String[] args, InputStream in, PrintStream stdout, PrintStream stderr, String envPassword) {
        String url = null, positional = null, password = envPassword;
        for (Iterator<String> it = List.of(args).iterator(); it.hasNext(); ) {
            String a = it.next();
            try {
                if (a.equals("--help") || a.equals("-h")) {
                    stdout.print(USAGE);
                    return 0;
                } else if (a.equals("--url")) {
                    url = it.next();
                } else if (a.startsWith("--url=")) {
                    url = a.substring(6);
                } else if (a.equals("--password-file") || a.startsWith("--password-file=")) {
                    Path f = Path.of(a.contains("=") ? a.substring(a.indexOf('=') + 1) : it.next());
                    password = readPassword(f);
                } else if (!a.startsWith("-") && positional == null) {
                    positional = a;
                } else {
                    stderr.println("moodbox console: unknown option " + a);
                    stderr.print(USAGE);
                    return 2;
                }
            } catch (java.util.NoSuchElementException e) {
                stderr.println("moodbox console: " + a + " needs a value");
                return 2;
            } catch (IOException e) {
                stderr.println("moodbox console: cannot read the password file: " + e.getMessage());
                return 2;
            }
        }
        String target = positional != null ? positional : url != null ? url : DEFAULT_URL;
        URI base;
        try {
            base = URI.create(target);
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null)
                throw new IllegalArgumentException("not an http(s) address");
        } catch (IllegalArgumentException e) {
            stderr.println("moodbox console: '" + target + "' is not an address like http://127.0.0.1:8080/");
            return 2;
        }
        boolean system = in == System.in;
        try (Terminal terminal = terminal(in, stdout, system)) {
            boolean interactive = system && !terminal.getType().startsWith("dumb");
            PrintWriter out = terminal.writer();
            PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
            Path history = Path.of(System.getProperty("user.home", "."), ".moodbox_console_history");
            return new Console(new ApiClient(base), terminal, out, err, password, interactive, history).loop();
        } catch (IOException e) {
            stderr.println("moodbox console: cannot open the terminal: " + e.getMessage());
            return 1;
        }
    }

    private static Terminal terminal(InputStream in, OutputStream out, boolean system) throws IOException {
        if (system) {
            // dumb(true): a pipe gets a dumb terminal quietly instead of a warning.
            return TerminalBuilder.builder().name("moodbox").system(true).dumb(true).build();
        }
        // Given streams (tests, embedding): a plain dumb terminal, no pty behind it.
        return new DumbTerminal("moodbox", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
    }

    private static String readPassword(Path f) throws IOException {
        String s = Files.readString(f, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).stripTrailing();
    }

    private int loop() {
        if (interactive) out.println("moodbox console on " + api.base() + " - 'help' lists commands, Tab completes.");
        connect();
        int failures = 0, lineNo = 0;
        while (true) {
            String line;
            try {
                line = reader.readLine(interactive ? "moodbox> " : "");
            } catch (UserInterruptException e) {
                continue; // Ctrl-C clears the line, as in a shell
            } catch (EndOfFileException e) {
                break;
            }
            lineNo++;
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.equals("quit") || line.equals("exit")) break;
            try {
                execute(line);
            } catch (ApiClient.ApiException | IllegalArgumentException e) {
                failures++;
                err.println(interactive ? "error: " + e.getMessage() : "line " + lineNo + ": " + line + ": " + e.getMessage());
                err.flush();
            }
            out.flush();
        }
        out.flush();
        return !interactive && failures > 0 ? 1 : 0;
    }

    /** Logs in when a password is at hand; a prompt on a terminal. Anonymous status may still work without. */
    private void connect() {
        try {
            JsonNode s = api.session();
            switch (s.path("state").asText()) {
                case "setup" -> err.println("No owner password yet: open " + api.base() + " and set it with the setup code from the log.");
                case "damaged" -> err.println(s.path("message").asText());
                default -> {
                    String pw = password;
                    if (pw == null && interactive) pw = reader.readLine("password for " + api.base() + ": ", '*');
                    if (pw != null) {
                        api.login(pw);
                        keys = settingKeys();
                    }
                }
            }
        } catch (ApiClient.ApiException e) {
            err.println("error: " + e.getMessage());
        } catch (UserInterruptException | EndOfFileException e) {
            err.println("not logged in; only what the owner allows without a login will work");
        }
        err.flush();
    }

    private void execute(String line) {
        String[] w = line.split("\\s+");
        String cmd = w[0].toLowerCase(Locale.ROOT);
        switch (cmd) {
            case "help", "?" -> out.print(HELP);
            case "status" -> printStatus(api.get("api/status"));
            case "mood" -> printMood(api.get("api/mood"));
            case "play", "pause", "next" -> {
                args(w, 1);
                out.println(reply(api.post("api/controls/" + cmd, null)));
            }
            case "volume" -> {
                if (w.length == 1) {
                    out.println("volume " + api.get("api/status").at("/player/volume").asInt() + "%");
                } else {
                    args(w, 2);
                    int v;
                    try {
                        v = Integer.parseInt(w[1].replace("%", ""));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("volume takes a whole number 0..100, not '" + w[1] + "'");
                    }
                    out.println(reply(api.post("api/controls/volume", Map.of("percent", v))));
                }
            }
            case "lock", "unlock" -> {
                args(w, 1);
                out.println(reply(api.post("api/controls/lock", Map.of("locked", cmd.equals("lock")))));
            }
            case "privacy" -> {
                args(w, 2);
                if (!w[1].equals("on") && !w[1].equals("off")) throw new IllegalArgumentException("privacy on|off");
                out.println(reply(api.post("api/controls/privacy", Map.of("on", w[1].equals("on")))));
            }
            case "scan" -> {
                args(w, 1);
                out.println(reply(api.post("api/controls/rescan", null)));
            }
            case "config" -> config(w);
            default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'; try help");
        }
    }

    /** The box's own words for what a control did (a refusal arrives as an error, HTTP 409). */
    private static String reply(JsonNode r) {
        return r.path("message").asText("done");
    }

    private static void args(String[] w, int count) {
        if (w.length != count)
            throw new IllegalArgumentException(w[0] + (count == 1 ? " takes no arguments" : " takes one argument; see help"));
    }

    private void config(String[] w) {
        if (w.length >= 2 && w[1].equals("get") && w.length <= 3) {
            JsonNode list = api.get("api/settings").get("settings");
            boolean found = false;
            for (JsonNode s : list) {
                if (w.length == 3 && !s.get("key").asText().equals(w[2])) continue;
                found = true;
                String value = s.path("secret").asBoolean() ? (s.path("isSet").asBoolean() ? "(set, not shown)" : "(not set)")
                        : s.get("value").asText();
                out.println(s.get("key").asText() + " = " + value + (s.get("live").asBoolean() ? "" : "   (after restart)"));
            }
            if (!found) throw new IllegalArgumentException("no setting '" + w[2] + "'");
        } else if (w.length >= 4 && w[1].equals("set")) {
            String value = String.join(" ", List.of(w).subList(3, w.length));
            JsonNode r = api.post("api/settings", Map.of(w[2], value));
            boolean restart = r.path("restartNeeded").size() > 0;
            out.println(w[2] + " = " + value + (restart ? "   saved; takes effect after a restart" : "   saved and applied"));
        } else {
            throw new IllegalArgumentException("config get [KEY] | config set KEY VALUE");
        }
    }

    private List<String> settingKeys() {
        List<String> k = new ArrayList<>();
        for (JsonNode s : api.get("api/settings").get("settings")) k.add(s.get("key").asText());
        return k;
    }

    private void printStatus(JsonNode s) {
        JsonNode cam = s.path("camera"), m = s.path("mood"), p = s.path("player");
        out.printf(Locale.ROOT, "box      %s, up %s, %.1f frames/s%s%n", s.path("phase").asText(), duration(s.path("uptimeSeconds")),
                s.path("fps").asDouble(), s.path("cpuCelsius").isNumber()
                        ? String.format(Locale.ROOT, ", CPU %.1f °C", s.path("cpuCelsius").asDouble()) : "");
        out.printf("camera   %s%s%s%n", cam.path("state").asText("unknown"), s.path("privacy").asBoolean() ? " (privacy on)" : "",
                cam.path("source").asText("").isEmpty() ? "" : " - " + cam.path("source").asText());
        out.printf("mood     %s%n", moodLine(m));
        JsonNode t = p.path("track");
        out.printf("music    %s%s, volume %d%%%n", p.path("state").asText("unknown"),
                t.isObject() ? ": " + t.path("title").asText() + " - " + t.path("artist").asText() : "", p.path("volume").asInt());
        if (t.isObject() && !p.path("reason").asText("").isEmpty()) out.printf("why      %s%n", p.path("reason").asText());
        for (JsonNode problem : s.path("problems")) out.printf("problem  %s%n", problem.asText());
    }

    private void printMood(JsonNode m) {
        out.println(moodLine(m));
        for (String e : EMOTIONS) {
            double v = m.path("emotions").path(e).asDouble();
            out.printf(Locale.ROOT, "  %-9s %-20s %3.0f%%%n", e, "#".repeat((int) Math.round(v * 20)), v * 100);
        }
        out.printf(Locale.ROOT, "  valence %+.2f  arousal %+.2f%n", m.path("valence").asDouble(), m.path("arousal").asDouble());
    }

    private static String moodLine(JsonNode m) {
        String presence = m.path("presence").asText();
        String head = switch (presence) {
            case "present" -> m.path("mood").asText() + String.format(Locale.ROOT, " (%.0f%% sure), %d face%s",
                    m.path("confidence").asDouble() * 100, m.path("faces").asInt(), m.path("faces").asInt() == 1 ? "" : "s");
            case "nobody" -> "nobody here";
            default -> "not watching (camera off or starting)";
        };
        return head + (m.path("locked").asBoolean() ? ", held" : "");
    }

    private static String duration(JsonNode seconds) {
        if (!seconds.isNumber()) return "?";
        long s = seconds.asLong();
        if (s >= 86400) return s / 86400 + " d " + s % 86400 / 3600 + " h";
        if (s >= 3600) return s / 3600 + " h " + s % 3600 / 60 + " min";
        if (s >= 60) return s / 60 + " min";
        return s + " s";
    }

    /** Commands, then their arguments: privacy on|off, config get|set, setting keys. */
    static final class Completions implements Completer {
        private final java.util.function.Supplier<List<String>> keys;

        Completions(java.util.function.Supplier<List<String>> keys) { this.keys = keys; }

        @Override
        public void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
            List<String> words = line.words();
            int i = line.wordIndex();
            List<String> options = switch (i) {
                case 0 -> COMMANDS;
                case 1 -> switch (words.get(0)) {
                    case "privacy" -> List.of("on", "off");
                    case "config" -> List.of("get", "set");
                    default -> List.of();
                };
                case 2 -> words.get(0).equals("config") ? keys.get() : List.of();
                default -> List.of();
            };
            for (String o : options) candidates.add(new Candidate(o));
        }
    }
}
