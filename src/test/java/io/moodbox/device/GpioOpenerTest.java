package io.moodbox.device;

import io.moodbox.device.DeviceConfig.Provider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider choice and the checks that turn missing GPIO into one clear sentence. */
class GpioOpenerTest {
    @TempDir Path dir;
    private final List<Integer> gpiodOpened = new ArrayList<>();
    private final Gpio fakeGpiod = new Gpio() {
        @Override public Output output(String name, int bcm, boolean activeLow) { throw new UnsupportedOperationException(); }
        @Override public Input input(String name, int bcm, boolean activeLow) { throw new UnsupportedOperationException(); }
        @Override public String describe() { return "gpiod"; }
        @Override public void close() {}
    };
    private Pi4jGpio mock;

    private GpioOpener opener(String model, java.util.function.Predicate<Path> accessible, String... chips) throws Exception {
        Path modelFile = dir.resolve("model");
        if (model != null) Files.writeString(modelFile, model + "\0");
        Path dev = Files.createDirectories(dir.resolve("dev"));
        for (String c : chips) Files.createFile(dev.resolve(c));
        return new GpioOpener(modelFile, dev, chip -> { gpiodOpened.add(chip); return fakeGpiod; },
                () -> mock = Pi4jGpio.mock(), accessible);
    }

    @Test
    void autoPicksGpiodOnAPiAndMockElsewhere() throws Exception {
        GpioOpener pi = opener("Raspberry Pi 5 Model B Rev 1.0", p -> true, "gpiochip0", "gpiochip10");
        assertEquals("Raspberry Pi 5 Model B Rev 1.0", pi.boardModel());
        GpioOpener.Opened o = pi.open(Provider.AUTO, -1);
        assertSame(fakeGpiod, o.gpio());
        assertNull(o.problem());
        assertEquals(List.of(-1), gpiodOpened);

        GpioOpener laptop = new GpioOpener(dir.resolve("no-such-model"), dir, c -> fakeGpiod, () -> mock = Pi4jGpio.mock(), p -> true);
        GpioOpener.Opened m = laptop.open(Provider.AUTO, -1);
        try {
            assertEquals("mock", m.gpio().describe());
            assertNull(m.problem());
        } finally {
            m.gpio().close();
        }
    }

    @Test
    void noneMeansNoGpioAndNoProblem() throws Exception {
        GpioOpener.Opened o = opener("Raspberry Pi 4 Model B Rev 1.5", p -> true, "gpiochip0").open(Provider.NONE, -1);
        assertNull(o.gpio());
        assertNull(o.problem());
        assertEquals(List.of(), gpiodOpened);
    }

    @Test
    void missingPermissionIsOneClearSentence() throws Exception {
        GpioOpener o = opener("Raspberry Pi 4 Model B Rev 1.5", p -> !p.getFileName().toString().equals("gpiochip1"),
                "gpiochip0", "gpiochip1");
        GpioOpener.Opened r = o.open(Provider.AUTO, 0);
        assertNull(r.gpio());
        assertTrue(r.problem().startsWith("No permission to use " + dir.resolve("dev/gpiochip1")), r.problem());
        assertTrue(r.problem().contains("gpio group") && r.problem().contains("usermod -aG gpio"), r.problem());
        assertEquals(List.of(), gpiodOpened, "Pi4J is not even tried");
    }

    @Test
    void aWrongChipNumberNamesTheFix() throws Exception {
        GpioOpener.Opened r = opener("Raspberry Pi 5 Model B Rev 1.0", p -> true, "gpiochip0", "gpiochip10", "gpiochip13")
                .open(Provider.GPIOD, 4);
        assertNull(r.gpio());
        assertTrue(r.problem().contains("device.gpio-chip=4") && r.problem().contains("gpiochip0, gpiochip10, gpiochip13")
                && r.problem().contains("device.gpio-chip=auto"), r.problem());
    }

    @Test
    void gpiodWithoutAnyChipOrWhenPi4jFailsDegrades() throws Exception {
        GpioOpener none = opener("", p -> true);
        GpioOpener.Opened r = none.open(Provider.GPIOD, -1);
        assertNull(r.gpio());
        assertTrue(r.problem().contains("No GPIO chip found"), r.problem());

        Path dev = Files.createDirectories(dir.resolve("dev2"));
        Files.createFile(dev.resolve("gpiochip0"));
        GpioOpener failing = new GpioOpener(dir.resolve("x"), dev,
                chip -> { throw new IllegalStateException("No gpio chip yet initialized!"); }, Pi4jGpio::mock, p -> true);
        GpioOpener.Opened f = failing.open(Provider.GPIOD, -1);
        assertNull(f.gpio());
        assertNotNull(f.problem());
        assertTrue(f.problem().contains("No gpio chip yet initialized!") && f.problem().contains("device.provider=mock"), f.problem());
    }

    @Test
    void theDeviceRunsOnWithoutGpioAndReportsWhy() throws Exception {
        GpioOpener o = opener("Raspberry Pi 4 Model B Rev 1.5", p -> false, "gpiochip0");
        RecordingControls controls = new RecordingControls();
        List<List<String>> reported = new ArrayList<>();
        try (BoxDevice d = BoxDevice.open(DeviceConfig.defaults(), o, controls, States.live().build(), reported::add)) {
            assertEquals(1, d.problems().size());
            assertTrue(d.problems().get(0).startsWith("No permission"), d.problems().toString());
            assertEquals(List.of(d.problems()), reported);
            assertEquals("no GPIO", d.describe());
            d.stateChanged(null, States.live().privacy(true).build());   // a listener without an LED is fine
        }
    }
}
