package io.moodbox.device;

import com.pi4j.Pi4J;
import com.pi4j.boardinfo.util.BoardInfoHelper;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Gpio} through a Pi4J 3 context built with explicit providers (no auto-detection, no
 * shutdown hook: we close it ourselves, in order): gpiod on the Pi, mock elsewhere.
 */
final class Pi4jGpio implements Gpio {
    private static final Logger log = LoggerFactory.getLogger(Pi4jGpio.class);

    private final Context context;
    private final boolean mock;
    private final String description;

    private Pi4jGpio(Context context, boolean mock, String description) {
        this.context = context;
        this.mock = mock;
        this.description = description;
    }

    /** Pi4J's in-memory mock; inputs idle at their pull resistor's level, as real wiring would. */
    static Pi4jGpio mock() {
        Context c = base().add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
        return new Pi4jGpio(c, true, "mock");
    }

    /** libgpiod on {@code /dev/gpiochip<chip>}, or with {@code chip < 0} the chip labelled pinctrl-*. */
    static Pi4jGpio gpiod(int chip) {
        // Pi4J's gpiod plugin silently opens no chip on a board it does not know; say so instead.
        if (!BoardInfoHelper.runningOnRaspberryPi())
            throw new IllegalStateException("Pi4J does not recognise this board (" + BoardInfoHelper.getBoardName()
                    + ") as a Raspberry Pi, so its gpiod plugin will not open a GPIO chip");
        ContextBuilder b = base().add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance());
        if (chip >= 0) b.setGpioChipName("gpiochip" + chip);
        return new Pi4jGpio(b.build(), false, chip >= 0 ? "gpiod gpiochip" + chip : "gpiod (pinctrl chip)");
    }

    private static ContextBuilder base() {
        return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook();
    }

    /** For tests: the Pi4J context, to reach the mock pins. */
    Context context() { return context; }

    /** The Pi4J id of the pin opened under {@code name}. */
    static String id(String name) { return "moodbox-" + name; }

    @Override
    public Output output(String name, int bcm, boolean activeLow) {
        DigitalState off = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        DigitalState on = activeLow ? DigitalState.LOW : DigitalState.HIGH;
        DigitalOutput out = context.create(DigitalOutput.newConfigBuilder(context)
                .id(id(name)).name(name).address(bcm).initial(off).shutdown(off));
        return lit -> out.state(lit ? on : off);
    }

    @Override
    public Input input(String name, int bcm, boolean activeLow) {
        // Debounce 0: Pi4J's own debounce is bypassed; ButtonDetector does it on sampled levels.
        DigitalInput in = context.create(DigitalInput.newConfigBuilder(context)
                .id(id(name)).name(name).address(bcm)
                .pull(activeLow ? PullResistance.PULL_UP : PullResistance.PULL_DOWN).debounce(0L));
        DigitalState active = activeLow ? DigitalState.LOW : DigitalState.HIGH;
        DigitalState idle = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        MockDigitalInput m = mock && in instanceof MockDigitalInput mi ? mi : null;
        if (m != null) m.mockState(idle);
        return new Input() {
            @Override public boolean active() { return in.state() == active; }

            @Override public void drive(boolean pressed) {
                if (m == null) Input.super.drive(pressed);
                else m.mockState(pressed ? active : idle);
            }
        };
    }

    @Override
    public String describe() { return description; }

    @Override
    public boolean isMock() { return mock; }

    @Override
    public void close() {
        try {
            context.shutdown();
        } catch (RuntimeException e) {
            log.warn("Pi4J did not shut down cleanly: {}", e.toString());
        }
    }
}
