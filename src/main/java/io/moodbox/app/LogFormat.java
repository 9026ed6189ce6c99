package io.moodbox.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.io.Console;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Log line pieces for logback.xml that depend on where the output goes. Under systemd
 * ({@code JOURNAL_STREAM} set) each line starts with its syslog priority ({@code <3>} error,
 * {@code <4>} warning, {@code <6>} info, {@code <7>} debug) so journald files it at the right
 * level, and carries no timestamp (journald adds its own). On a terminal the level is coloured;
 * anywhere else (a pipe, a file) there are no ANSI codes.
 */
public final class LogFormat {
    private LogFormat() {}

    static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;
    static final boolean TERMINAL = !JOURNAL && isTerminal() && !"dumb".equals(System.getenv("TERM"));

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

    /** {@code %prio}: {@code <N>} under journald, nothing elsewhere. */
    public static final class Priority extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent e) {
            if (!JOURNAL) return "";
            return switch (e.getLevel().toInt()) {
                case Level.ERROR_INT -> "<3>";
                case Level.WARN_INT -> "<4>";
                case Level.INFO_INT -> "<6>";
                default -> "<7>";
            };
        }
    }

    /** {@code %stamp}: "HH:mm:ss.SSS " except under journald. */
    public static final class Stamp extends ClassicConverter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS ");

        @Override
        public String convert(ILoggingEvent e) {
            if (JOURNAL) return "";
            return TIME.format(LocalTime.ofInstant(e.getInstant(), ZoneId.systemDefault()));
        }
    }

    /** {@code %lvl}: the level padded to 5, coloured only on a terminal. */
    public static final class Lvl extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent e) {
            String name = String.format("%-5s", e.getLevel());
            if (!TERMINAL) return name;
            String colour = switch (e.getLevel().toInt()) {
                case Level.ERROR_INT -> "\u001b[1;31m";
                case Level.WARN_INT -> "\u001b[33m";
                case Level.INFO_INT -> "\u001b[32m";
                default -> "\u001b[2m";
            };
            return colour + name + "\u001b[0m";
        }
    }
}
