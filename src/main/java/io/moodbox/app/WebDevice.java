package io.moodbox.app;

import io.moodbox.device.Device;
import io.moodbox.device.DeviceView;
import io.moodbox.web.DevicePanel;

/** The page's {@link DevicePanel} over the {@link Device}: the LED and buttons as they are; presses on the mock. */
final class WebDevice implements DevicePanel {
    private final Device device;

    WebDevice(Device device) {
        this.device = device;
    }

    @Override
    public DeviceView view() { return device.view(); }

    @Override
    public void press(String button, DeviceView.Gesture gesture) { device.press(button, gesture); }
}
