/**
 * The box itself: the status LED and the buttons, through Pi4J (gpiod on a Raspberry Pi, the mock
 * elsewhere). Consumes {@link io.moodbox.box.BoxState} (as a state listener, on the events
 * thread; returns at once) and acts only through {@link io.moodbox.box.Controls}. Runs its own
 * two threads, {@code moodbox-led} and {@code moodbox-buttons}. Public face: {@link
 * io.moodbox.device.Device} and {@link io.moodbox.device.DeviceConfig}.
 */
package io.moodbox.device;
