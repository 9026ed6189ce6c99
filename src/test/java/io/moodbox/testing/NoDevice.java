package io.moodbox.testing;

import io.moodbox.device.DeviceView;
import io.moodbox.web.DevicePanel;

import java.util.List;

/** A {@link DevicePanel} for tests that do not look at the LED or buttons: no GPIO, nothing to press. */
public final class NoDevice implements DevicePanel {
    @Override
    public DeviceView view() {
        return new DeviceView("no GPIO", false, "No GPIO in this test.",
                new DeviceView.Led("none", "none", "no light", "no GPIO in this test", List.of()), List.of());
    }

    @Override
    public void press(String button, DeviceView.Gesture gesture) {
        throw new IllegalStateException("No GPIO in this test.");
    }
}
