package io.moodbox.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing, by the {@code sd_notify} protocol: {@link #ready()} once
 * the box serves, {@link #watchdog()} while frames still flow, {@link #stopping()} on shutdown and
 * {@link #status(String)} for {@code systemctl status}. Every method is a no-op when
 * {@code NOTIFY_SOCKET} is unset (started from a terminal, in tests), so callers never check.
 *
 * <p>Why a child process: {@code NOTIFY_SOCKET} is a unix <em>datagram</em> socket. Java's
 * {@code UnixDomainSocketAddress} only opens stream sockets; the foreign function API that could
 * call {@code socket()}/{@code sendto()} is a preview in Java 21 (final in 22), and preview class
 * files only run on the exact JDK release they were built for; JNA would be a new native
 * dependency for four one-line messages. So each message runs {@code systemd-notify} (package
 * systemd, on every Raspberry Pi OS), which is why the unit says {@code NotifyAccess=all}.
 * systemd-notify (systemd 246 and later) waits until systemd has taken the message, so it is
 * credited to the service before the helper exits. Cost: one short fork/exec per message, about
 * one every 15 s.
 *
 * <p>Thread-safe: messages are sent one at a time. {@link #startWatchdog} runs the only thread
 * this class owns, {@code moodbox-watchdog}.
 */
final class SystemdNotify implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);
    private static final long HELPER_TIMEOUT_MS = 10_000;
    /** Status lines are for people running systemctl status: one every few seconds is plenty. */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);

    private final String socket;
    private final Optional<Duration> watchdogInterval;
    private final String helper;
    private final AtomicLong watchdogsSent = new AtomicLong();
    private final AtomicLong watchdogsWithheld = new AtomicLong();
    private final long statusIntervalNanos;
    private boolean helperMissingLogged;
    private String statusSent;
    private String statusPending;
    private long statusSentAt;
    private Thread watchdogThread;

    /** From this process's environment; the helper is {@code systemd-notify} on the PATH or in /usr/bin. */
    static SystemdNotify fromEnvironment() {
        return new SystemdNotify(System.getenv(), defaultHelper(), ProcessHandle.current().pid(), STATUS_INTERVAL);
    }

    /** For tests: an explicit environment, helper program, own process id and status rate. */
    SystemdNotify(Map<String, String> env, String helper, long ownPid, Duration statusInterval) {
        this.statusIntervalNanos = statusInterval.toNanos();
        String s = env.get("NOTIFY_SOCKET");
        this.socket = s == null || s.isBlank() ? null : s;
        this.helper = helper;
        this.watchdogInterval = socket == null ? Optional.empty() : watchdogInterval(env, ownPid);
        if (socket != null)
            log.info("systemd notification on {}{}", socket,
                    watchdogInterval.map(d -> ", watchdog every " + d.toMillis() + " ms").orElse(""));
    }

    /** True when started by systemd with Type=notify (NOTIFY_SOCKET is set). */
    boolean enabled() { return socket != null; }

    /**
     * Half of systemd's WatchdogSec (WATCHDOG_USEC), the interval sd_watchdog_enabled(3) advises;
     * empty when the unit has no watchdog or it is meant for another process (WATCHDOG_PID).
     */
    Optional<Duration> watchdogInterval() { return watchdogInterval; }

    /** The box is up: camera, model and page started. systemd's start job completes now. */
    void ready() { send("READY=1"); }

    /**
     * One line for {@code systemctl status moodbox}, e.g. "playing, room calm, 2 faces". Cheap to
     * call on every state change: a repeat of the last line is dropped, and lines are sent at most
     * every 5 s (the latest one wins; the watchdog thread or the next call sends it).
     */
    synchronized void status(String text) {
        if (socket == null) return;
        // One line only: a newline would start a new protocol field.
        String line = text.replaceAll("[\\r\\n]+", " ").strip();
        statusPending = line.equals(statusSent) ? null : line;
        flushStatus();
    }

    /** Sends the pending status line if the rate allows. */
    private synchronized void flushStatus() {
        if (statusPending == null) return;
        long now = System.nanoTime();
        if (statusSent != null && now - statusSentAt < statusIntervalNanos) return;
        if (send("STATUS=" + statusPending)) {
            statusSent = statusPending;
            statusSentAt = now;
        }
        statusPending = null;
    }

    /** The daemon is shutting down on purpose (not a crash). */
    void stopping() { send("STOPPING=1"); }

    /** The pipeline is healthy: resets systemd's watchdog timer. */
    void watchdog() {
        if (send("WATCHDOG=1")) watchdogsSent.incrementAndGet();
    }

    /**
     * Starts {@code moodbox-watchdog}, which calls {@link #watchdog()} every {@link #watchdogInterval()}
     * while {@code healthy} says yes. When it says no (frames stopped flowing), the watchdog is
     * withheld and systemd kills and restarts the service after WatchdogSec. Does nothing without
     * a watchdog. {@code healthy} runs on the watchdog thread and must be quick and thread-safe.
     */
    synchronized void startWatchdog(BooleanSupplier healthy) {
        if (watchdogInterval.isEmpty() || watchdogThread != null) return;
        long intervalMs = Math.max(1, watchdogInterval.get().toMillis());
        watchdogThread = Thread.ofPlatform().name("moodbox-watchdog").daemon(true).unstarted(() -> {
            boolean wasHealthy = true;
            while (!Thread.currentThread().isInterrupted()) {
                boolean ok;
                try {
                    ok = healthy.getAsBoolean();
                } catch (RuntimeException e) {
                    log.error("Health check failed; withholding the watchdog", e);
                    ok = false;
                }
                flushStatus();
                if (ok) {
                    watchdog();
                    if (!wasHealthy) log.info("Pipeline healthy again; watchdog resumed");
                } else {
                    watchdogsWithheld.incrementAndGet();
                    if (wasHealthy)
                        log.warn("Pipeline stalled; withholding systemd's watchdog, so the service is restarted unless it recovers");
                }
                wasHealthy = ok;
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        watchdogThread.start();
    }

    /** Stops the watchdog thread (the service is stopping). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = watchdogThread;
            watchdogThread = null;
        }
        if (t == null) return;
        t.interrupt();
        try {
            t.join(HELPER_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long watchdogsSent() { return watchdogsSent.get(); }

    long watchdogsWithheld() { return watchdogsWithheld.get(); }

    /** Runs the helper with one protocol line; true when systemd took it. */
    private synchronized boolean send(String line) {
        if (socket == null) return false;
        ProcessBuilder pb = new ProcessBuilder(helper, line).redirectErrorStream(true);
        pb.environment().put("NOTIFY_SOCKET", socket);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (!helperMissingLogged) {
                log.error("Cannot run {} to notify systemd ({}); install the systemd package, or systemd will time out the start and restart the service",
                        helper, e.getMessage());
                helperMissingLogged = true;
            }
            return false;
        }
        try {
            if (!p.waitFor(HELPER_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.warn("{} {} took over {} ms; gave up", helper, line, HELPER_TIMEOUT_MS);
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                log.warn("{} {} failed (exit {}): {}", helper, line, p.exitValue(), out);
                return false;
            }
            log.debug("Notified systemd: {}", line);
            return true;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException e) {
            log.warn("Reading {}'s output failed", helper, e);
            return false;
        }
    }

    private static Optional<Duration> watchdogInterval(Map<String, String> env, long ownPid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) return Optional.empty();
        String pid = env.get("WATCHDOG_PID");
        try {
            if (pid != null && !pid.isBlank() && Long.parseLong(pid.strip()) != ownPid) return Optional.empty();
            long us = Long.parseLong(usec.strip());
            if (us <= 0) throw new NumberFormatException("not positive");
            return Optional.of(Duration.ofNanos(us * 1000 / 2));
        } catch (NumberFormatException e) {
            log.warn("Ignoring systemd's watchdog: WATCHDOG_USEC={} WATCHDOG_PID={} ({})", usec, pid, e.getMessage());
            return Optional.empty();
        }
    }

    private static String defaultHelper() {
        Path usrBin = Path.of("/usr/bin/systemd-notify");
        return Files.isExecutable(usrBin) ? usrBin.toString() : "systemd-notify";
    }
}
