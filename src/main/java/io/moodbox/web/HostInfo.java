package io.moodbox.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Small facts about the machine for the page: CPU temperature (the kernel's thermal zone, in
 * millidegrees), how long the system has been up, and the daemon's own memory and threads.
 * Absent where the files are missing (not Linux, a container). Thread-safe; reads the files each
 * call (they are tiny, in-kernel).
 */
final class HostInfo {
    static final Path PI_THERMAL = Path.of("/sys/class/thermal/thermal_zone0/temp");
    static final Path UPTIME = Path.of("/proc/uptime");
    static final Path SELF_STATUS = Path.of("/proc/self/status");

    private final Path thermal, uptime;

    HostInfo(Path thermal, Path uptime) {
        this.thermal = thermal;
        this.uptime = uptime;
    }

    static HostInfo system() { return new HostInfo(PI_THERMAL, UPTIME); }

    /**
     * This process's memory, in bytes where not said otherwise: resident set (VmRSS) and its
     * anonymous part (RssAnon: heap, metaspace, JIT code, malloc), the Java heap used and
     * committed, what JavaCPP has allocated natively and not yet freed (frames, tensors: the
     * number a native leak grows), and the live threads. -1 where unknown. For soak tests
     * ({@code ops/memory-bench.sh}) and the curious owner.
     */
    record Memory(long rssBytes, long anonBytes, long heapUsedBytes, long heapCommittedBytes, long nativeBytes, int threads) {}

    Memory memory() {
        long rss = -1, anon = -1;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(SELF_STATUS)) {
                if (line.startsWith("VmRSS:")) rss = kb(line);
                else if (line.startsWith("RssAnon:")) anon = kb(line);
                else if (line.startsWith("Threads:")) threads = Integer.parseInt(line.substring(8).trim());
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's own counts below still stand
        }
        if (threads < 0) threads = Thread.activeCount();
        Runtime rt = Runtime.getRuntime();
        long nativeBytes;
        try {
            nativeBytes = org.bytedeco.javacpp.Pointer.totalBytes();
        } catch (LinkageError e) {
            nativeBytes = -1;   // JavaCPP's natives could not load here
        }
        return new Memory(rss, anon, rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), nativeBytes, threads);
    }

    private static long kb(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }

    OptionalDouble cpuCelsius() {
        try {
            return OptionalDouble.of(Long.parseLong(Files.readString(thermal).trim()) / 1000.0);
        } catch (IOException | NumberFormatException | SecurityException e) {
            return OptionalDouble.empty();
        }
    }

    OptionalDouble systemUptimeSeconds() {
        try {
            return OptionalDouble.of(Double.parseDouble(Files.readString(uptime).trim().split("\\s+")[0]));
        } catch (IOException | NumberFormatException | SecurityException e) {
            return OptionalDouble.empty();
        }
    }
}
