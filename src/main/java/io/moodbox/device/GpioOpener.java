package io.moodbox.device;

import io.moodbox.device.DeviceConfig.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Picks and opens the GPIO provider: gpiod when the device tree says this is a Raspberry Pi (or
 * config insists), the mock elsewhere, nothing when config says {@code none}. Checks the chip's
 * device nodes first, so a missing {@code gpio} group membership is one clear sentence rather
 * than a native stack trace, and the daemon runs on without LED and buttons.
 */
final class GpioOpener {
    private static final Logger log = LoggerFactory.getLogger(GpioOpener.class);

    static final Path DEVICE_TREE_MODEL = Path.of("/proc/device-tree/model");
    static final Path DEV = Path.of("/dev");

    /** The outcome: {@code gpio} is null when there is none; {@code problem} is null when all is well. */
    record Opened(Gpio gpio, String problem) {}

    private final Path modelFile, devDir;
    private final IntFunction<Gpio> gpiod;
    private final Supplier<Gpio> mock;
    private final Predicate<Path> accessible;

    /** {@code accessible}: whether this process may open a device node for reading and writing. */
    GpioOpener(Path modelFile, Path devDir, IntFunction<Gpio> gpiod, Supplier<Gpio> mock, Predicate<Path> accessible) {
        this.modelFile = modelFile;
        this.devDir = devDir;
        this.gpiod = gpiod;
        this.mock = mock;
        this.accessible = accessible;
    }

    static GpioOpener system() {
        return new GpioOpener(DEVICE_TREE_MODEL, DEV, Pi4jGpio::gpiod, Pi4jGpio::mock,
                p -> Files.isReadable(p) && Files.isWritable(p));
    }

    Opened open(Provider provider, int chip) {
        if (provider == Provider.NONE) {
            log.info("GPIO off (device.provider=none): no status LED, no buttons");
            return new Opened(null, null);
        }
        String model = boardModel();
        if (provider == Provider.AUTO) {
            provider = model.startsWith("Raspberry Pi") ? Provider.GPIOD : Provider.MOCK;
            log.info("Board: {}; GPIO provider {}", model.isEmpty() ? "not a Raspberry Pi" : model,
                    provider.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (provider == Provider.MOCK) return new Opened(mock.get(), null);

        String problem = checkChips(chip);
        if (problem != null) return new Opened(null, problem);
        try {
            return new Opened(gpiod.apply(chip), null);
        } catch (RuntimeException | LinkageError e) {
            log.debug("gpiod failed", e);
            return new Opened(null, "GPIO could not be opened through gpiod (" + e.getMessage() + ")"
                    + (model.isEmpty() ? "; this does not look like a Raspberry Pi: set device.provider=mock or none" : "")
                    + "; running on without status LED and buttons.");
        }
    }

    /** The device tree's model string ("Raspberry Pi 5 Model B Rev 1.0"), or "" when there is none. */
    String boardModel() {
        try {
            return new String(Files.readAllBytes(modelFile), StandardCharsets.US_ASCII).replace("\0", "").trim();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }

    /**
     * Every {@code /dev/gpiochip*} must be readable and writable: libgpiod's chip iterator, which
     * Pi4J uses even to find a named chip, opens them all and fails if any one is refused.
     */
    String checkChips(int chip) {
        List<Path> chips = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devDir, "gpiochip*")) {
            ds.forEach(chips::add);
        } catch (IOException e) {
            return "Cannot list " + devDir + " (" + e.getMessage() + "); running on without status LED and buttons.";
        }
        chips.sort(null);
        if (chips.isEmpty())
            return "No GPIO chip found (" + devDir + "/gpiochip* is missing); running on without status LED and buttons."
                    + " On a dev machine set device.provider=mock.";
        if (chip >= 0 && !Files.exists(devDir.resolve("gpiochip" + chip)))
            return "device.gpio-chip=" + chip + " but " + devDir.resolve("gpiochip" + chip) + " does not exist (found "
                    + String.join(", ", chips.stream().map(p -> p.getFileName().toString()).toList())
                    + "). Newer Pi 5 kernels put the header GPIOs on gpiochip0, older ones on gpiochip4: set"
                    + " device.gpio-chip=auto. Running on without status LED and buttons.";
        for (Path p : chips) {
            if (!accessible.test(p)) {
                String user = System.getProperty("user.name");
                return "No permission to use " + p + " as user '" + user + "': add the user to the gpio group"
                        + " (sudo usermod -aG gpio " + user + ") and restart moodbox. Running on without status LED and buttons.";
            }
        }
        return null;
    }
}
