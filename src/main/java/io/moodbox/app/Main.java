package io.moodbox.app;

import io.moodbox.config.MoodboxException;
import io.moodbox.config.Settings;
import io.moodbox.music.SampleLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Command-line entry: {@code moodbox [--config FILE] run|classify|bench|eval|console|samples ...}.
 * Exit status 0 on success, 1 when something the owner must fix stopped it (the one-sentence
 * reason is logged), 2 on a usage error.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    static final String USAGE = """
            usage: moodbox [--config FILE] COMMAND [options]

            commands:
              run [--source FILE|DIR|demo|none]   the daemon: watch the room, play music, serve the page
              classify IMAGE... [--out DIR]       faces and their expressions in pictures (boxes drawn into DIR)
              bench [options]                     speed and accuracy figures of the seeing half
              eval [options]                      the emotion model's accuracy on FER2013 PrivateTest
              console [URL]                       the interactive console of a running box
              samples [DIR]                       write the synthesized sample music library into DIR

            options:
              --config FILE   the owner's settings (default /etc/moodbox/moodbox.properties;
                              state/moodbox.properties in the working directory on a development machine)
              --help          this text

            Settings and environment overrides: docs/config.md
            """;

    /** A subcommand: the arguments after its name; returns the exit status. */
    @FunctionalInterface
    interface Command {
        int run(Path configFile, List<String> args) throws Exception;
    }

    /** The subcommands, each dispatched to the class that implements it: the runtime's, then the tools'. */
    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("run", Main::runDaemon);
        // The developer commands (classify, bench, eval) from io.moodbox.tools, which the runtime never names.
        for (ToolCommands tools : ServiceLoader.load(ToolCommands.class, Main.class.getClassLoader()))
            tools.commands().forEach((name, command) -> c.putIfAbsent(name, (config, args) -> command.run(args.toArray(String[]::new))));
        c.put("console", Main::console);
        c.put("samples", (config, args) -> SampleLibrary.run(args.toArray(String[]::new)));
        return c;
    }

    private Main() {}

    public static void main(String[] args) {
        NativeLibraries.skipNeverCalled();
        System.exit(run(args));
    }

    static int run(String[] argv) {
        List<String> args = new ArrayList<>(List.of(argv));
        Path config = null;
        String command = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                if (command == null) {
                    System.out.print(USAGE);
                    return 0;
                }
                rest.add(a);
            } else if (a.equals("--config") || a.startsWith("--config=")) {
                String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.size() ? args.get(++i) : null);
                if (v == null || v.isBlank()) return usage("--config needs a file");
                config = Path.of(v);
            } else if (command == null && !a.startsWith("-")) {
                command = a;
            } else if (command == null) {
                return usage("unknown option " + a);
            } else {
                rest.add(a);
            }
        }
        if (command == null) return usage("no command given");
        Command cmd = commands().get(command);
        if (cmd == null) return usage("unknown command '" + command + "'");
        try {
            return cmd.run(config, rest);
        } catch (MoodboxException e) {
            log.error("{}", e.getMessage());
            log.debug("Failure", e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            log.error("moodbox {} failed: {}", command, e.toString(), e);
            return 1;
        }
    }

    private static int usage(String problem) {
        System.err.println("moodbox: " + problem);
        System.err.print(USAGE);
        return 2;
    }

    /**
     * The owner's settings file: {@code --config FILE} (which must exist), else
     * {@code /etc/moodbox/moodbox.properties} on an installed box (where {@code /etc/moodbox} exists),
     * else {@code state/moodbox.properties} under the working directory, created on the first change.
     */
    static Path ownerFile(Path given) {
        if (given != null) {
            if (!Files.isRegularFile(given))
                throw new MoodboxException("settings file " + given + " does not exist; create it (it may be empty) or leave out --config");
            return given;
        }
        if (Files.isDirectory(Settings.ETC_FILE.getParent())) return Settings.ETC_FILE;
        return Path.of("state", "moodbox.properties");
    }

    // --- web: console (issue 6) ---
    /** {@code moodbox console}: the page's address on this box from the settings, unless a URL is given. */
    static int console(Path config, List<String> args) {
        List<String> a = new ArrayList<>();
        try {
            a.add("--url");
            a.add(io.moodbox.console.Console.localUrl(Settings.load(ownerFile(config), System.getenv(), Map.of()).web()));
        } catch (MoodboxException e) {
            log.warn("Settings not readable ({}); trying the default address", e.getMessage());
            a.clear();
        }
        a.addAll(args);
        return io.moodbox.console.Console.run(a.toArray(String[]::new));
    }
    // --- end web: console ---

    /** {@code moodbox run}: starts the daemon and blocks until SIGTERM or the owner's shutdown. */
    static int runDaemon(Path config, List<String> args) throws InterruptedException {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                return 0;
            } else if (a.equals("--source") || a.startsWith("--source=")) {
                String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.size() ? args.get(++i) : null);
                if (v == null || v.isBlank()) return usage("--source needs a video file, an image folder, demo or none");
                overrides.put("camera.source", v);
            } else {
                return usage("run: unknown option " + a);
            }
        }
        Settings settings = Settings.load(ownerFile(config), System.getenv(), overrides);
        Moodbox box = Moodbox.start(settings);
        // SIGTERM (systemctl stop) runs this hook; the box closes its stages in reverse start order.
        Thread hook = new Thread(box::close, "moodbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        box.awaitStopRequest();
        box.close();
        return 0;
    }
}
