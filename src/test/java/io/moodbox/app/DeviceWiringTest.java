package io.moodbox.app;

import io.moodbox.box.BoxState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The device as the daemon wires it: on mock GPIO off the Pi, and degraded (not dead) without GPIO. */
class DeviceWiringTest {
    @TempDir Path dir;
    Moodbox box;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    private Moodbox start(Map<String, String> env) {
        return Moodbox.start(TestSettings.load(dir, env), new Moodbox.Parts(null, null));
    }

    private void await(String what, Predicate<BoxState> p) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!p.test(box.state().current()) && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(p.test(box.state().current()), what + ": " + box.state().current());
    }

    private static boolean threadRunning(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void offThePiTheLedAndButtonsRunOnMockGpio() throws Exception {
        assumeTrue(Files.notExists(Path.of("/proc/device-tree/model")), "not on a Raspberry Pi");
        box = start(Map.of());
        await("running", s -> s.phase() == BoxState.Phase.RUNNING);
        assertTrue(threadRunning("moodbox-led") && threadRunning("moodbox-buttons"));
        assertTrue(box.state().current().problems().stream().noneMatch(p -> p.contains("GPIO")),
                box.state().current().problems().toString());
        box.close();
        box = null;
        assertFalse(threadRunning("moodbox-led") || threadRunning("moodbox-buttons"), "stopped with the box");
    }

    @Test
    void withoutGpioTheBoxRunsOnAndShowsTheProblem() throws Exception {
        assumeTrue(Files.notExists(Path.of("/dev/gpiochip0")), "this machine has GPIO");
        box = start(Map.of("MOODBOX_DEVICE_PROVIDER", "gpiod"));
        await("the GPIO problem on the page", s -> s.problems().stream().anyMatch(p -> p.startsWith("No GPIO chip found")));
        assertEquals(BoxState.Phase.RUNNING, box.state().current().phase());
        box.controls().togglePlay();   // the page and console still work
    }
}
