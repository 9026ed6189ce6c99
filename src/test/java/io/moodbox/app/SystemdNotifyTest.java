package io.moodbox.app;

import io.moodbox.testing.Required;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifyTest {
    private static final long PID = 4242;

    @TempDir Path dir;

    /** A stand-in helper that records each call's argument and NOTIFY_SOCKET, one line per call. */
    private Path recordingHelper() throws IOException {
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s %s\\n' \"$NOTIFY_SOCKET\" \"$1\" >> '" + dir.resolve("calls") + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private List<String> calls() throws IOException {
        Path f = dir.resolve("calls");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void withoutNotifySocketEverythingIsANoOp() throws IOException {
        var n = new SystemdNotify(Map.of("WATCHDOG_USEC", "30000000"), recordingHelper().toString(), PID, Duration.ZERO);
        assertFalse(n.enabled());
        assertEquals(Optional.empty(), n.watchdogInterval());
        n.ready();
        n.status("x");
        n.watchdog();
        n.stopping();
        n.startWatchdog(() -> true);
        n.close();
        assertEquals(List.of(), calls());
    }

    @Test
    void sendsEachMessageThroughTheHelperWithTheSocket() throws IOException {
        var n = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/run/sock"), recordingHelper().toString(), PID, Duration.ZERO);
        assertTrue(n.enabled());
        n.ready();
        n.status("playing\nroom calm");
        n.watchdog();
        n.stopping();
        assertEquals(List.of("/run/sock READY=1", "/run/sock STATUS=playing room calm",
                "/run/sock WATCHDOG=1", "/run/sock STOPPING=1"), calls());
        assertEquals(1, n.watchdogsSent());
    }

    @Test
    void statusLinesAreDedupedAndRateLimited() throws IOException {
        var n = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s"), recordingHelper().toString(), PID, Duration.ofHours(1));
        n.status("starting");
        n.status("starting");
        n.status("running");   // within the interval: held back
        n.status("running, 2 faces");
        assertEquals(List.of("/s STATUS=starting"), calls());
        var fast = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/t"), recordingHelper().toString(), PID, Duration.ZERO);
        fast.status("a");
        fast.status("a");
        fast.status("b");
        assertEquals(List.of("/s STATUS=starting", "/t STATUS=a", "/t STATUS=b"), calls());
    }

    @Test
    void watchdogIntervalIsHalfOfWatchdogSecAndOnlyForThisProcess() {
        String none = dir.resolve("none").toString();
        assertEquals(Optional.of(Duration.ofSeconds(15)),
                new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "30000000"), none, PID, Duration.ZERO).watchdogInterval());
        assertEquals(Optional.of(Duration.ofSeconds(15)), new SystemdNotify(
                Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "4242"), none, PID, Duration.ZERO).watchdogInterval());
        assertEquals(Optional.empty(), new SystemdNotify(
                Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"), none, PID, Duration.ZERO).watchdogInterval());
        assertEquals(Optional.empty(),
                new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "soon"), none, PID, Duration.ZERO).watchdogInterval());
        assertEquals(Optional.empty(), new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s"), none, PID, Duration.ZERO).watchdogInterval());
    }

    @Test
    void aMissingHelperIsLoggedNotThrown() {
        var n = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s"), dir.resolve("no-such-helper").toString(), PID, Duration.ZERO);
        n.ready();
        n.watchdog();
        assertEquals(0, n.watchdogsSent());
    }

    @Test
    void watchdogThreadPetsOnlyWhileHealthy() throws Exception {
        var healthy = new AtomicBoolean(true);
        try (var n = new SystemdNotify(Map.of("NOTIFY_SOCKET", "/s", "WATCHDOG_USEC", "40000"),
                recordingHelper().toString(), PID, Duration.ZERO)) {
            n.startWatchdog(healthy::get);
            await(() -> n.watchdogsSent() >= 2);
            healthy.set(false);
            await(() -> n.watchdogsWithheld() >= 1);
            long sent = n.watchdogsSent();
            long withheld = n.watchdogsWithheld();
            await(() -> n.watchdogsWithheld() >= withheld + 3);
            assertEquals(sent, n.watchdogsSent(), "no WATCHDOG=1 while the pipeline is stalled");
            healthy.set(true);
            await(() -> n.watchdogsSent() > sent);
        }
        assertTrue(calls().stream().allMatch(c -> c.equals("/s WATCHDOG=1")), calls().toString());
    }

    /** End to end with the real systemd-notify and a datagram socket standing in for systemd. */
    @Test
    void realSystemdNotifyDeliversToADatagramSocket() throws Exception {
        Path helper = Path.of("/usr/bin/systemd-notify");
        Required.that(Files.isExecutable(helper), "systemd-notify not installed");
        Required.that(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 (the stand-in receiver) not installed");
        Path sock = dir.resolve("notify");
        // Prints each datagram on one line; exits after 3 (READY, STATUS, STOPPING, each + BARRIER).
        String receiver = String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
                "s.bind(sys.argv[1]); s.settimeout(30)",
                "print('bound', flush=True)",
                "for _ in range(6): print(s.recv(4096).decode().replace('\\n', '|'), flush=True)");
        Process py = new ProcessBuilder("/usr/bin/python3", "-c", receiver, sock.toString()).redirectErrorStream(true).start();
        try (var out = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("bound", out.readLine());
            var n = new SystemdNotify(Map.of("NOTIFY_SOCKET", sock.toString()), helper.toString(), PID, Duration.ZERO);
            n.ready();
            n.status("2 faces");
            n.stopping();
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 6; i++) got.add(out.readLine());
            assertEquals(List.of("READY=1", "BARRIER=1", "STATUS=2 faces", "BARRIER=1", "STOPPING=1", "BARRIER=1"), got);
        } finally {
            py.destroy();
            py.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
            Thread.sleep(10);
        }
    }
}
