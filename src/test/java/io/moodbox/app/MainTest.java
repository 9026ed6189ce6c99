package io.moodbox.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MainTest {
    @TempDir Path dir;

    @Test
    void usageErrorsExitTwoAndHelpExitsZero() {
        assertEquals(2, Main.run(new String[]{}));
        assertEquals(2, Main.run(new String[]{"frobnicate"}));
        assertEquals(2, Main.run(new String[]{"run", "--sauce", "x"}));
        assertEquals(2, Main.run(new String[]{"--config"}));
        assertEquals(0, Main.run(new String[]{"--help"}));
    }

    /**
     * What the operator types fails at once; a bad value in the owner's file does not (it falls
     * back, and DaemonFaultsTest starts the real daemon on such files).
     */
    @Test
    void aMissingConfigFileOrABadCommandLineFailsStartupWithExitOne() throws IOException {
        Path f = dir.resolve("m.properties");
        assertEquals(1, Main.run(new String[]{"--config", dir.resolve("missing.properties").toString(), "run"}));
        Files.writeString(f, "");
        assertEquals(1, Main.run(new String[]{"--config", f.toString(), "run", "--source", dir.resolve("no-such.mp4").toString()}));
        assertEquals(1, Main.run(new String[]{"--config", f.toString(), "run", "--source", "/dev/../../etc/shadow"}));
    }

    @Test
    void commandsReachTheirImplementations() {
        for (String c : List.of("classify", "bench", "eval", "samples"))
            assertNotEquals(1, Main.run(new String[]{c, "--help"}), c + " --help");
    }

    @Test
    void everyCommandIsListed() {
        assertEquals(List.of("run", "classify", "bench", "eval", "console", "samples"), List.copyOf(Main.commands().keySet()));
    }

    /** The real thing: a daemon JVM under systemd-like conditions, stopped with SIGTERM, exits cleanly within 5 s. */
    @Test
    void sigtermStopsTheDaemonCleanlyWithinFiveSeconds() throws Exception {
        Path f = dir.resolve("m.properties");
        Files.writeString(f, "web.port = 0\nweb.bind = 127.0.0.1\nweb.owner-file = " + dir.resolve("owner.properties")
                + "\nmusic.roots = " + dir.resolve("music") + "\nmusic.state-dir = " + dir.resolve("music-state")
                + "\nmusic.sample-library = false\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("out.log");
        // Output to a file: Process.destroy() closes the pipes, and we want what the hook logs.
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--config", f.toString(), "run", "--source", "none")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JOURNAL_STREAM", "8:12345");   // as under systemd: priority prefixes, no timestamps
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("moodbox running")) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "did not start: " + read(log));
                Thread.sleep(50);
            }
            long start = System.nanoTime();
            p.destroy();   // SIGTERM
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), () -> "still running 5 s after SIGTERM: " + read(log));
            double seconds = (System.nanoTime() - start) / 1e9;
            String out = read(log);
            assertTrue(out.contains("moodbox stopped"), out);
            assertTrue(out.lines().filter(l -> l.contains("moodbox running") || l.contains("moodbox stopped"))
                    .allMatch(l -> l.startsWith("<6>INFO ")), "journald priority prefix, no timestamp: " + out);
            assertFalse(out.contains("\u001b["), "no ANSI codes when not on a terminal");
            assertTrue(out.contains("[main]") && out.contains("[moodbox-shutdown]"), "thread names logged: " + out);
            assertTrue(seconds < 5, seconds + " s");
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
