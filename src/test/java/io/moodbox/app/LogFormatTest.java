package io.moodbox.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.*;

class LogFormatTest {
    /** Logback finds LogFormat through its service file and configures from it, without XML. */
    @Test
    void logbackIsConfiguredInCode() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertNotNull(root.getAppender("OUT"), "the console appender LogFormat adds");
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("org.eclipse.jetty").getLevel());
        assertEquals(Level.OFF, context.getLogger("com.pi4j.boardinfo").getLevel());
        assertFalse(context.getLogger("org.bytedeco.javacv").isInfoEnabled(), "libraries' chatter stays below WARN");
        assertTrue(context.getLogger("io.moodbox.vision").isInfoEnabled());
    }

    /** Off a terminal and off journald (as under Maven): stamp, plain padded level, thread, logger, message, stack trace. */
    @Test
    void aLineHasItsPiecesAndNoAnsi() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var line = new LogFormat.Line();
        line.setContext(context);
        line.start();
        Logger logger = context.getLogger("io.moodbox.vision.SsdFaceDetector");
        var event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "no {} here", null, new Object[]{"camera"});
        event.setThreadName("moodbox-camera");
        String text = line.doLayout(event);
        assertTrue(text.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[moodbox-camera] i\\.m\\.v\\.SsdFaceDetector - no camera here\\R"), text);
        assertFalse(text.contains("\u001b"), "no ANSI codes off a terminal");

        var failed = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "broke", new IllegalStateException("inner"), null);
        String withTrace = line.doLayout(failed);
        assertTrue(withTrace.contains("ERROR [") && withTrace.contains("java.lang.IllegalStateException: inner"), withTrace);
        assertEquals("<4>", LogFormat.priority(Level.WARN, true), "journald files it as a warning");
        assertEquals("<3>", LogFormat.priority(Level.ERROR, true));
        assertEquals("<6>", LogFormat.priority(Level.INFO, true));
        assertEquals("<7>", LogFormat.priority(Level.DEBUG, true));
        assertEquals("", LogFormat.priority(Level.WARN, false), "no prefix off journald");
    }
}
