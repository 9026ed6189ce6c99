package io.moodbox.device;

import io.moodbox.device.DeviceConfig.Button;
import io.moodbox.device.DeviceConfig.Provider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a real Raspberry Pi wired as in {@code hardware/}: gpiod opens, the LED cycles red, green,
 * blue, white (watch it), and no button reads pressed while nobody touches them. Stop the daemon
 * first (it holds the pins). Run with
 * {@code mvn test -Dtest.excludedGroups= -Dgroups=pi -Dtest=PiHardwareTest}; skipped off the Pi.
 */
@Tag("pi")
class PiHardwareTest {

    @BeforeEach
    void onAPi() {
        assumeTrue(new GpioOpener(GpioOpener.DEVICE_TREE_MODEL, GpioOpener.DEV, c -> null, () -> null, p -> true)
                .boardModel().startsWith("Raspberry Pi"), "not a Raspberry Pi");
    }

    @Test
    void gpiodDrivesTheLedAndReadsTheButtons() throws InterruptedException {
        DeviceConfig c = DeviceConfig.defaults();
        GpioOpener.Opened o = GpioOpener.system().open(Provider.AUTO, c.gpioChip());
        assertNull(o.problem(), o.problem());
        try (Gpio g = o.gpio()) {
            assertFalse(g.describe().equals("mock"), "auto chose gpiod on the Pi");
            List<Gpio.Output> rgb = List.of(g.output("led-red", c.led().redPin(), c.led().activeLow()),
                    g.output("led-green", c.led().greenPin(), c.led().activeLow()),
                    g.output("led-blue", c.led().bluePin(), c.led().activeLow()));
            for (int i = 0; i <= rgb.size(); i++) {
                for (int j = 0; j < rgb.size(); j++) rgb.get(j).set(i == rgb.size() || i == j);
                Thread.sleep(700);
            }
            for (Gpio.Output out : rgb) out.set(false);
            for (Button b : c.buttons()) {
                Gpio.Input in = g.input("button-" + b.name(), b.pin(), c.timing().activeLow());
                assertFalse(in.active(), "button " + b.name() + " on GPIO" + b.pin() + " reads pressed: check its wiring");
            }
        }
    }

    @Test
    void theDeviceOpensOnGpiodWithoutProblems() throws InterruptedException {
        RecordingControls controls = new RecordingControls();
        try (BoxDevice d = BoxDevice.open(DeviceConfig.defaults(), GpioOpener.system(), controls,
                States.live().build(), p -> {})) {
            assertEquals(List.of(), d.problems());
            Thread.sleep(1500);                        // steady white: camera live
            d.stateChanged(null, States.live().face(io.moodbox.emotion.Emotion.HAPPY).build());
            Thread.sleep(1500);                        // warm yellow through software PWM
        }
    }
}
