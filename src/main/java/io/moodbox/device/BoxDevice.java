package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.device.ButtonDetector.Gesture;
import io.moodbox.device.DeviceConfig.Action;
import io.moodbox.device.DeviceConfig.Button;
import io.moodbox.device.DeviceConfig.LedKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@link Device} on a {@link Gpio}: an {@link LedRenderer} fed by {@link LedPatterns}, and one
 * {@link ButtonDetector} per button whose gestures become {@link Controls} calls. Tests construct
 * it without threads and drive {@link #renderLed} and {@link #pollButtons} with their own clock.
 */
final class BoxDevice implements Device {
    private static final Logger log = LoggerFactory.getLogger(BoxDevice.class);
    private static final int VOLUME_STEP = 10;

    private record Slot(Button config, Gpio.Input input, ButtonDetector detector) {}

    private final DeviceConfig config;
    private final Gpio gpio;
    private final Controls controls;
    private final Consumer<List<String>> sink;
    private final LongSupplier nanos;
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final LedRenderer led;
    private final List<Slot> buttons = new ArrayList<>();
    private final List<String> stuck = new ArrayList<>();
    private volatile BoxState state;
    private volatile boolean running;
    private volatile long polls;
    private Thread ledThread, buttonThread;
    private final AtomicBoolean pressing = new AtomicBoolean();
    private volatile Thread pressThread;

    static BoxDevice open(DeviceConfig config, GpioOpener opener, Controls controls, BoxState initial,
                          Consumer<List<String>> sink) {
        GpioOpener.Opened o = opener.open(config.provider(), config.gpioChip());
        if (o.problem() != null) log.warn(o.problem());
        BoxDevice d = new BoxDevice(config, o.gpio(), o.problem(), controls, initial, sink, System::nanoTime);
        log.info("Device: {}", d.describe());
        d.start();
        return d;
    }

    /** Opens the pins; a pin that cannot be opened becomes a problem, never an exception. */
    BoxDevice(DeviceConfig config, Gpio gpio, String gpioProblem, Controls controls, BoxState initial,
              Consumer<List<String>> sink, LongSupplier nanos) {
        this.config = config;
        this.gpio = gpio;
        this.controls = controls;
        this.sink = sink;
        this.nanos = nanos;
        this.state = initial;
        if (gpioProblem != null) problems.add(gpioProblem);
        this.led = gpio == null ? null : openLed(initial);
        if (gpio != null) openButtons();
        publish();
    }

    private LedRenderer openLed(BoxState initial) {
        DeviceConfig.Led c = config.led();
        if (c.kind() == LedKind.NONE) return null;
        try {
            List<Gpio.Output> channels = c.kind() == LedKind.SINGLE
                    ? List.of(gpio.output("led", c.pin(), c.activeLow()))
                    : List.of(gpio.output("led-red", c.redPin(), c.activeLow()),
                              gpio.output("led-green", c.greenPin(), c.activeLow()),
                              gpio.output("led-blue", c.bluePin(), c.activeLow()));
            return new LedRenderer(channels, c.pwmHz(), c.brightness(), LedPatterns.of(initial, c.kind()),
                    nanos.getAsLong());
        } catch (RuntimeException e) {
            report("The status LED could not be set up on " + gpio.describe() + " (" + e.getMessage()
                    + "); is another program using " + c.pins().values() + "? Running on without it.", e);
            return null;
        }
    }

    private void openButtons() {
        DeviceConfig.Timing t = config.timing();
        for (Button b : config.buttons()) {
            try {
                Gpio.Input in = gpio.input("button-" + b.name(), b.pin(), t.activeLow());
                long longNs = longNs(b);
                long doubleNs = b.doublePress() == Action.NONE ? 0 : t.doublePress().toNanos();
                buttons.add(new Slot(b, in, new ButtonDetector(t.debounce().toNanos(), longNs, doubleNs,
                        t.longPress().toNanos(), g -> gesture(b, g))));
            } catch (RuntimeException e) {
                report("Button '" + b.name() + "' on GPIO" + b.pin() + " could not be set up (" + e.getMessage()
                        + "); the other buttons, the page and the console still work.", e);
            }
        }
    }

    void start() {
        running = true;
        if (led != null) {
            ledThread = Thread.ofPlatform().name("moodbox-led").daemon().start(this::ledLoop);
        }
        if (!buttons.isEmpty()) {
            buttonThread = Thread.ofPlatform().name("moodbox-buttons").daemon().start(this::buttonLoop);
        }
    }

    @Override
    public void stateChanged(BoxState old, BoxState now) {
        state = now;
        if (led == null) return;
        LedPattern p = LedPatterns.of(now, config.led().kind());
        if (p.signal() != led.pattern().signal()) log.debug("LED: {}", p.signal());
        led.show(p, nanos.getAsLong());
        Thread t = ledThread;
        if (t != null) LockSupport.unpark(t);
    }

    /** Renders the LED for {@code now}; returns the next instant it needs. */
    long renderLed(long now) {
        return led.render(now);
    }

    LedRenderer led() { return led; }

    /** Samples every button once at {@code now}; gestures act on {@link Controls} from here. */
    void pollButtons(long now) {
        for (Slot s : buttons) {
            s.detector().sample(s.input().active(), now);
            // Holding towards a shutdown: the LED ticks from the ordinary long-press time on, so
            // the owner knows to keep holding (or to let go to cancel).
            if (led != null && config.shutdownEnabled() && s.config().longPress() == Action.SHUTDOWN
                    && s.detector().heldNs(now) >= config.timing().longPress().toNanos()) {
                led.acknowledge(now);
                Thread t = ledThread;
                if (t != null) LockSupport.unpark(t);
            }
        }
        checkStuck();
        polls++;
    }

    /** How many times the buttons have been sampled (tests wait for the first). */
    long polls() { return polls; }

    private void checkStuck() {
        boolean changed = false;
        for (Slot s : buttons) {
            String name = s.config().name();
            String problem = "Button '" + name + "' (GPIO" + s.config().pin() + ") reads pressed since start; it is ignored"
                    + " until released. If it is not held, check its wiring and device.buttons.active-low.";
            if (s.detector().stuck() && !stuck.contains(name)) {
                stuck.add(name);
                problems.add(problem);
                log.warn(problem);
                changed = true;
            } else if (!s.detector().stuck() && stuck.remove(name)) {
                problems.remove(problem);
                log.info("Button '{}' released; it works now", name);
                changed = true;
            }
        }
        if (changed) publish();
    }

    /** Hands the current list to the sink; one at a time, so a stale list never lands last. */
    private synchronized void publish() {
        sink.accept(List.copyOf(problems));
    }

    private void gesture(Button b, Gesture g) {
        Action a = switch (g) {
            case PRESS -> b.press();
            case DOUBLE -> b.doublePress();
            case LONG -> b.longPress();
        };
        log.info("Button '{}' {} -> {}", b.name(), g.name().toLowerCase(Locale.ROOT), a.label());
        if (a != Action.NONE && led != null) {
            led.acknowledge(nanos.getAsLong());
            Thread t = ledThread;
            if (t != null) LockSupport.unpark(t);
        }
        try {
            perform(a, state);
        } catch (RuntimeException e) {
            log.warn("Button '{}' action {} failed; carrying on", b.name(), a.label(), e);
        }
    }

    private void perform(Action a, BoxState s) {
        Controls.Reply r = switch (a) {
            case NONE -> null;
            case TOGGLE_PLAY -> controls.togglePlay();
            case PLAY -> controls.play();
            case PAUSE -> controls.pause();
            case NEXT -> controls.next();
            case TOGGLE_MOOD_LOCK -> controls.lockMood(!(s.mood() != null && s.mood().locked()));
            case TOGGLE_PRIVACY -> controls.setPrivacy(!s.privacy());
            case PRIVACY_ON -> controls.setPrivacy(true);
            case VOLUME_UP -> controls.setVolume(Math.min(100, volume(s) + VOLUME_STEP));
            case VOLUME_DOWN -> controls.setVolume(Math.max(0, volume(s) - VOLUME_STEP));
            case SHUTDOWN -> {
                if (config.shutdownEnabled()) {
                    log.info("Shutting down at the owner's request (button)");
                    yield controls.shutdown();
                }
                log.info("A long press asked for shutdown, but device.shutdown.enabled=false; ignored");
                yield null;
            }
        };
        // A button has no screen: what it could not do goes to the journal, and shows on the page.
        if (r != null && !r.done()) log.info("Button action {} not done: {}", a.label(), r.message());
    }

    private static int volume(BoxState s) {
        return s.player() == null ? 50 : s.player().volumePercent();
    }

    private void ledLoop() {
        WakePacer pacer = new WakePacer();
        try {
            long next = led.render(nanos.getAsLong());
            while (running) {
                long wait = pacer.parkFor(next, nanos.getAsLong());
                if (wait > 0) LockSupport.parkNanos(this, wait);
                next = led.render(pacer.renderAt(next, nanos.getAsLong()));
            }
        } catch (RuntimeException e) {
            report("The status LED stopped working (" + e.getMessage() + "); the box runs on without it.", e);
        }
    }

    private void buttonLoop() {
        long pollNs = config.timing().poll().toNanos();
        try {
            while (running && !Thread.currentThread().isInterrupted()) {
                pollButtons(nanos.getAsLong());
                LockSupport.parkNanos(this, pollNs);
            }
        } catch (RuntimeException e) {
            report("The buttons stopped working (" + e.getMessage() + "); the page and the console still work.", e);
        }
    }

    private void report(String problem, RuntimeException e) {
        log.warn(problem);
        log.debug("cause", e);
        problems.add(problem);
        publish();
    }

    @Override
    public List<String> problems() { return List.copyOf(problems); }

    @Override
    public String describe() {
        if (gpio == null) return "no GPIO";
        StringBuilder sb = new StringBuilder(gpio.describe()).append(": ");
        DeviceConfig.Led c = config.led();
        sb.append(led == null ? "no LED" : c.kind().name().toLowerCase(Locale.ROOT) + " LED on GPIO"
                + (c.kind() == LedKind.SINGLE ? c.pin() : c.redPin() + "/" + c.greenPin() + "/" + c.bluePin()));
        sb.append(", buttons:");
        if (buttons.isEmpty()) sb.append(" none");
        for (Slot s : buttons) sb.append(' ').append(s.config().name()).append("(GPIO").append(s.config().pin()).append(')');
        return sb.toString();
    }

    // ---- the page: what the LED shows, what the buttons do, and pressing them on the mock ----

    @Override
    public DeviceView view() {
        BoxState s = state;
        return new DeviceView(gpio == null ? "no GPIO" : gpio.describe(), pressable(), pressNote(), ledView(s),
                config.buttons().stream().map(this::buttonView).toList());
    }

    private boolean pressable() {
        return gpio != null && gpio.isMock() && !buttons.isEmpty();
    }

    private String pressNote() {
        if (gpio == null)
            return "No GPIO is open (device.provider=" + config.provider().name().toLowerCase(Locale.ROOT)
                    + "), so there are no buttons to press.";
        if (!gpio.isMock())
            return "These are the box's real buttons (" + gpio.describe() + "): press them on the box. The page presses"
                    + " buttons only on the mock GPIO of a development machine.";
        if (buttons.isEmpty()) return "No button is set up (device.buttons), so there is nothing to press.";
        return "";
    }

    private DeviceView.Led ledView(BoxState s) {
        DeviceConfig.LedKind kind = config.led().kind();
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (led == null) {
            String why = gpio == null ? "no GPIO is open, so there is no status LED"
                    : kind == LedKind.NONE ? "no status LED is fitted (device.led.type=none)"
                    : "the status LED could not be set up (see what needs your attention)";
            return new DeviceView.Led(kindName, "none", "no light", why, List.of());
        }
        LedPattern p = LedPatterns.of(s, kind);
        List<DeviceView.Step> steps = p.steps().stream()
                .map(st -> new DeviceView.Step(LedPatterns.css(st.from()), LedPatterns.css(st.to()), st.ms())).toList();
        return new DeviceView.Led(kindName, p.signal().name().toLowerCase(Locale.ROOT), LedPatterns.look(s, kind),
                LedPatterns.meaning(s), steps);
    }

    private DeviceView.ButtonView buttonView(Button b) {
        List<DeviceView.Does> does = new ArrayList<>();
        does.add(new DeviceView.Does(DeviceView.Gesture.SHORT, b.press().label(), words(b.press()), 0));
        if (b.doublePress() != Action.NONE)
            does.add(new DeviceView.Does(DeviceView.Gesture.DOUBLE, b.doublePress().label(), words(b.doublePress()), 0));
        if (b.longPress() != Action.NONE)
            does.add(new DeviceView.Does(DeviceView.Gesture.LONG, b.longPress().label(), words(b.longPress()),
                    longNs(b) / 1e9));
        return new DeviceView.ButtonView(b.name(), b.pin(), does);
    }

    private String words(Action a) {
        return switch (a) {
            case NONE -> "nothing";
            case TOGGLE_PLAY -> "play or pause";
            case PLAY -> "play";
            case PAUSE -> "pause";
            case NEXT -> "next track";
            case TOGGLE_MOOD_LOCK -> "hold the mood, or let it go";
            case TOGGLE_PRIVACY -> "privacy on or off";
            case PRIVACY_ON -> "privacy on";
            case VOLUME_UP -> "louder (+" + VOLUME_STEP + ")";
            case VOLUME_DOWN -> "quieter (-" + VOLUME_STEP + ")";
            case SHUTDOWN -> config.shutdownEnabled() ? "shut the box down"
                    : "nothing: shutting down from a button is off (device.shutdown.enabled)";
        };
    }

    /** How long a button must be held for its long press: longer when that shuts the box down. */
    private long longNs(Button b) {
        DeviceConfig.Timing t = config.timing();
        return (b.longPress() == Action.SHUTDOWN ? t.shutdownHold() : t.longPress()).toNanos();
    }

    /** One level a page press holds a mock pin at, and for how long. */
    record Hold(boolean pressed, long ns) {}

    /**
     * The levels a finger would give the pin for this gesture, timed from the button settings so
     * the {@link ButtonDetector} reads it as that gesture: a click well past the debounce and well
     * short of a long press; a hold past the long-press time; two clicks inside the double-press
     * window. It ends released for long enough that the next press is a gesture of its own.
     */
    List<Hold> script(Button b, DeviceView.Gesture g) {
        DeviceConfig.Timing t = config.timing();
        long debounce = t.debounce().toNanos(), poll = t.poll().toNanos(), ms = 1_000_000;
        long click = Math.min(2 * debounce + 60 * ms, t.longPress().toNanos() / 2);
        long settle = debounce + 2 * poll + t.doublePress().toNanos() + 50 * ms;
        return switch (g) {
            case SHORT -> List.of(new Hold(true, click), new Hold(false, settle));
            case LONG -> List.of(new Hold(true, longNs(b) + debounce + 2 * poll + 100 * ms), new Hold(false, settle));
            case DOUBLE -> {
                long gap = Math.max(t.doublePress().toNanos() / 2, 3 * debounce / 2 + poll);
                yield List.of(new Hold(true, click), new Hold(false, gap), new Hold(true, click), new Hold(false, settle));
            }
        };
    }

    @Override
    public void press(String name, DeviceView.Gesture gesture) {
        Button b = config.buttons().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("there is no button '" + name + "'; the buttons are "
                        + String.join(", ", config.buttons().stream().map(Button::name).toList())));
        if (!pressable()) throw new IllegalStateException(pressNote());
        Slot slot = buttons.stream().filter(x -> x.config() == b).findFirst()
                .orElseThrow(() -> new IllegalStateException("Button '" + name + "' could not be set up; see what needs your attention."));
        if (!pressing.compareAndSet(false, true))
            throw new IllegalStateException("A button is still being pressed; try again in a moment.");
        List<Hold> script = script(b, gesture);
        log.info("Page presses button '{}' ({}) on the mock GPIO", name, gesture.label());
        pressThread = Thread.ofPlatform().name("moodbox-press").daemon().start(() -> play(slot.input(), script));
    }

    /** Plays a press on the mock pin; the button thread samples it like any other press. */
    private void play(Gpio.Input pin, List<Hold> script) {
        try {
            for (Hold h : script) {
                pin.drive(h.pressed());
                Thread.sleep(Duration.ofNanos(h.ns()));
            }
        } catch (InterruptedException e) {
            pin.drive(false);
            Thread.currentThread().interrupt();
        } finally {
            pressing.set(false);
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : new Thread[] {pressThread, ledThread, buttonThread}) {
            if (t == null) continue;
            t.interrupt();
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            if (led != null) led.off();
        } catch (RuntimeException e) {
            log.debug("LED off failed on close", e);
        }
        if (gpio != null) gpio.close();
    }
}
