package io.moodbox.app;

import io.moodbox.dataset.Fer2013;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The soak bench, short: {@code ops/memory-bench.sh} for 60 s on the demo source, the daemon with
 * the systemd unit's own JVM options and environment (the script reads them from the unit), run
 * from this build's classes. Prints the table and the start/end figures of RSS, heap, JavaCPP's
 * native memory and threads; asserts only that the bench ran and reported them, never a timing
 * or a size (the 30-minute run and its figures: docs/soak.md).
 */
class MemoryBenchTest {
    @Test
    void theSoakBenchRunsTheDaemonAsTheUnitDoesAndReportsItsMemory() throws Exception {
        assumeTrue(Fer2013.locate().isPresent(), "the demo source needs FER2013");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")), "the bench needs curl");
        Path script = Path.of("ops/memory-bench.sh");
        assertTrue(Files.isRegularFile(script), "run from the project root");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--classpath", System.getProperty("java.class.path"),
                "--source", "demo", "--seconds", "60", "--every", "5", "--warmup", "20").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                    System.out.print(s);
                    synchronized (out) { out.append(s); }
                }
            } catch (java.io.IOException e) {
                // the bench ended
            }
        });
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroy();
            fail("the bench did not finish within 6 minutes");
        }
        reader.join(10_000);
        String text;
        synchronized (out) { text = out.toString(); }
        assertEquals(0, p.exitValue(), text);
        for (String line : new String[]{"RSS MB", "heap used MB", "native (JavaCPP) MB", "threads", "after warm-up (",
                "goal, RSS flat within 10 MB after warm-up:", "stopped "})
            assertTrue(text.contains(line), "the bench reports '" + line + "'");
        // Table rows: t_s rss anon file cpu% fps heap jcpp thr. The daemon must have handled frames.
        assertTrue(text.lines().map(String::trim).filter(l -> l.matches("\\d+( +[\\d.-]+){8}"))
                .map(l -> l.split(" +")[5]).anyMatch(fps -> !fps.equals("-") && Double.parseDouble(fps) > 0), "frames handled");
    }
}
