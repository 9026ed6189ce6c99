package io.moodbox.web;

import io.moodbox.device.DeviceView;

/**
 * The box's status LED and buttons as the page shows them, and pressing a button from the page
 * where the GPIO is the mock one. Implemented by {@code app} over {@code device.Device}; called on
 * web request threads and the events sender, so it must be thread-safe and return at once.
 */
public interface DevicePanel {
    /** What the LED shows now and what each button does. */
    DeviceView view();

    /**
     * Presses a button as a finger would, through the mock GPIO pin, so the button's own detection
     * and its {@link io.moodbox.box.Controls} call run as with hardware; returns at once.
     *
     * @throws java.util.NoSuchElementException when there is no button by that name
     * @throws IllegalStateException when the GPIO is not the mock (or a press is still going on);
     *                               the message says why, for the owner
     */
    void press(String button, DeviceView.Gesture gesture);
}
