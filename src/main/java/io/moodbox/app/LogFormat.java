package io.moodbox.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.io.Console;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * moodbox's logging, set up in code (found by logback through {@code META-INF/services}) rather
 * than by a logback.xml: logback's XML configurator and the SAX parser it brings are some 400
 * classes and a few MB of the box's memory. Under systemd ({@code JOURNAL_STREAM} set) each line
 * starts with its syslog priority ({@code <3>} error, {@code <4>} warning, {@code <6>} info,
 * {@code <7>} debug) so journald files it at the right level, and carries no timestamp (journald
 * adds its own). On a terminal the level is coloured; anywhere else (a pipe, a file) there are no
 * ANSI codes. An owner's own logback file ({@code -Dlogback.configurationFile=...}) still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogFormat extends ContextAwareBase implements Configurator {
    static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;
    static final boolean TERMINAL = !JOURNAL && isTerminal() && !"dumb".equals(System.getenv("TERM"));

    /** Levels below the root's INFO; the libraries' chatter is kept to warnings. */
    static final Map<String, Level> LEVELS = levels();

    private static Map<String, Level> levels() {
        var m = new LinkedHashMap<String, Level>();
        m.put("io.moodbox", Level.INFO);
        m.put("io.javalin", Level.INFO);
        m.put("org.eclipse.jetty", Level.WARN);
        m.put("org.apache.commons.configuration2", Level.WARN);
        m.put("org.bytedeco", Level.WARN);
        m.put("com.pi4j", Level.WARN);
        // Pi4J logs an ERROR for a missing /proc/device-tree/model off the Pi; io.moodbox.device
        // reports the board and the GPIO itself.
        m.put("com.pi4j.boardinfo", Level.OFF);
        return Map.copyOf(m);
    }

    /** For logback's service loader. */
    public LogFormat() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        var layout = new Line();
        layout.setContext(context);
        layout.start();
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        var out = new ConsoleAppender<ILoggingEvent>();
        out.setContext(context);
        out.setName("OUT");
        out.setEncoder(encoder);
        out.start();
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(out);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean isTerminal() {
        Console c = System.console();
        if (c == null) return false;
        try {
            // Java 22+ returns a Console even when redirected; isTerminal() tells the truth there.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;   // Java 21: a non-null console is a terminal
        }
    }

    /** {@code <N>} under journald, nothing elsewhere. */
    static String priority(Level level, boolean journal) {
        if (!journal) return "";
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS ");

    /** "HH:mm:ss.SSS " except under journald. */
    static String stamp(ILoggingEvent e) {
        if (JOURNAL) return "";
        return TIME.format(LocalTime.ofInstant(e.getInstant(), ZoneId.systemDefault()));
    }

    /** The level padded to 5, coloured only on a terminal. */
    static String level(Level level) {
        String name = String.format("%-5s", level);
        if (!TERMINAL) return name;
        String colour = switch (level.toInt()) {
            case Level.ERROR_INT -> "\u001b[1;31m";
            case Level.WARN_INT -> "\u001b[33m";
            case Level.INFO_INT -> "\u001b[32m";
            default -> "\u001b[2m";
        };
        return colour + name + "\u001b[0m";
    }

    /** One line: priority, stamp and level as above, then thread, logger, message and any stack trace. */
    static final class Line extends LayoutBase<ILoggingEvent> {
        private final PatternLayout rest = new PatternLayout();

        @Override
        public void start() {
            rest.setContext(getContext());
            rest.setPattern("[%thread] %logger{24} - %msg%n");
            rest.start();
            super.start();
        }

        @Override
        public String doLayout(ILoggingEvent e) {
            return priority(e.getLevel(), JOURNAL) + stamp(e) + level(e.getLevel()) + " " + rest.doLayout(e);
        }
    }
}
