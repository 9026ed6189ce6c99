package io.moodbox.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Small facts about the machine for the page: CPU temperature (the kernel's thermal zone, in
 * millidegrees) and how long the system has been up. Absent where the files are missing (not
 * Linux, a container). Thread-safe; reads the files each call (they are tiny, in-kernel).
 */
final class HostInfo {
    static final Path PI_THERMAL = Path.of("/sys/class/thermal/thermal_zone0/temp");
    static final Path UPTIME = Path.of("/proc/uptime");

    private final Path thermal, uptime;

    HostInfo(Path thermal, Path uptime) {
        this.thermal = thermal;
        this.uptime = uptime;
    }

    static HostInfo system() { return new HostInfo(PI_THERMAL, UPTIME); }

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
