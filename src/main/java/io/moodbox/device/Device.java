package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateListener;

import java.util.List;
import java.util.function.Consumer;

/**
 * The box itself: the status LED, which shows the {@link BoxState} it is told of (add it to the
 * state model as a listener), and the buttons, which act only through {@link Controls}.
 *
 * <p>Opening never fails for want of hardware: without GPIO (not a Pi, no permission, a pin
 * busy) it logs one clear sentence, reports it through {@code problems} and runs on without the
 * parts it could not open. Runs two threads of its own, {@code moodbox-led} (the LED pattern and
 * its software PWM) and {@code moodbox-buttons} (samples the buttons), plus a short-lived
 * {@code moodbox-press} while the page presses a button on the mock GPIO; {@link #stateChanged}
 * returns at once, so it is safe on the state model's events thread. The page sees it through
 * {@link #view()}.
 */
public interface Device extends StateListener, AutoCloseable {

    /**
     * Opens the GPIO named by config, sets the LED to {@code initial} and starts the two threads.
     * {@code problems} receives the device's list of problems (empty when all is well) whenever it
     * changes, from any thread; it is called once during open.
     */
    static Device open(DeviceConfig config, Controls controls, BoxState initial, Consumer<List<String>> problems) {
        return BoxDevice.open(config, GpioOpener.system(), controls, initial, problems);
    }

    /** What is wrong with the device now, in sentences for the owner; empty when all is well. */
    List<String> problems();

    /** In words for the log and the page, e.g. {@code "gpiod gpiochip0: rgb LED, 4 buttons"}. */
    String describe();

    /** The LED and the buttons as the page shows them, now; cheap, from any thread. */
    DeviceView view();

    /**
     * Presses a button as a finger would, on the mock GPIO only (where nobody can press a real
     * one, and {@link DeviceView#pressable()} says so): drives the button's mock pin to pressed
     * and back, timed for the gesture, on a thread of its own ({@code moodbox-press}), so the
     * button thread's debouncing and gesture detection and the {@link Controls} call run exactly as
     * with hardware. Returns at once; one press at a time.
     *
     * @throws java.util.NoSuchElementException when no button has that name (the message lists them)
     * @throws IllegalStateException when the GPIO is real or absent, or a press is still going on;
     *                               the message says which, in a sentence for the owner
     */
    void press(String button, DeviceView.Gesture gesture);

    /** Stops both threads, turns the LED off and releases the pins. */
    @Override
    void close();
}
