package io.moodbox.device;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.moodbox.box.BoxState;
import io.moodbox.device.DeviceConfig.Action;
import io.moodbox.device.DeviceConfig.Button;
import io.moodbox.device.LedPattern.Signal;
import io.moodbox.emotion.Emotion;
import io.moodbox.music.PlayerStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device end to end on Pi4J's mock provider: mock input levels in, {@link io.moodbox.box.Controls}
 * calls out; state changes in, mock output levels out. A simulated clock makes every timing exact.
 */
class BoxDeviceTest {
    private static final long MS = 1_000_000;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final RecordingControls controls = new RecordingControls();
    private final List<List<String>> reported = new ArrayList<>();
    private Pi4jGpio gpio;
    private BoxDevice device;

    private BoxDevice open(DeviceConfig config, BoxState initial) {
        gpio = Pi4jGpio.mock();
        device = new BoxDevice(config, gpio, null, controls, initial, reported::add, clock::get);
        return device;
    }

    private BoxDevice open() { return open(DeviceConfig.defaults(), States.live().build()); }

    @AfterEach
    void close() {
        if (device != null) device.close();
    }

    private MockDigitalInput button(String name) {
        return gpio.context().io(Pi4jGpio.id("button-" + name), MockDigitalInput.class);
    }

    private boolean lit(String pin) {
        return gpio.context().io(Pi4jGpio.id(pin), DigitalOutput.class).state() == DigitalState.HIGH;
    }

    /** Polls the buttons every 5 ms of simulated time for {@code ms}. */
    private void run(long ms) {
        for (long end = clock.get() + ms * MS; clock.get() < end; clock.addAndGet(5 * MS)) device.pollButtons(clock.get());
    }

    /** Active-low wiring: pressed pulls the pin LOW. */
    private void press(String name, long ms) {
        button(name).mockState(DigitalState.LOW);
        run(ms);
        button(name).mockState(DigitalState.HIGH);
    }

    @Test
    void eachButtonDoesItsJobThroughControls() {
        open();
        run(50);
        press("play", 100);
        run(100);
        press("next", 80);
        run(100);
        press("mood", 80);
        run(100);
        press("privacy", 80);
        run(100);
        assertEquals(List.of("togglePlay", "next", "lockMood true", "privacy true"), controls.calls());
    }

    @Test
    void togglesFollowTheCurrentState() {
        open();
        device.stateChanged(null, States.live().locked(true).privacy(true).build());
        run(50);
        press("mood", 80);
        run(100);
        press("privacy", 80);
        run(100);
        assertEquals(List.of("lockMood false", "privacy false"), controls.calls());
    }

    @Test
    void bounceIsFilteredByOurOwnDebounce() {
        open();
        run(50);
        for (int i = 0; i < 6; i++) {          // 10 ms chatter, never 30 ms stable
            button("next").mockState(i % 2 == 0 ? DigitalState.LOW : DigitalState.HIGH);
            run(10);
        }
        button("next").mockState(DigitalState.HIGH);
        run(200);
        assertEquals(List.of(), controls.calls());
        for (int i = 0; i < 4; i++) {          // a real press that bounces on the way down
            button("next").mockState(i % 2 == 0 ? DigitalState.LOW : DigitalState.HIGH);
            run(5);
        }
        press("next", 120);
        run(100);
        assertEquals(List.of("next"), controls.calls());
    }

    @Test
    void doubleAndLongPressesMapToTheirActions() {
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig config = new DeviceConfig(d.provider(), d.gpioChip(), d.led(), d.timing(),
                List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NEXT, Action.VOLUME_UP)), false);
        open(config, States.live().volume(40).build());
        run(50);
        press("play", 80);
        run(100);
        press("play", 80);
        run(500);
        assertEquals(List.of("next"), controls.calls(), "double press");
        press("play", 1100);
        run(500);
        assertEquals(List.of("next", "volume 50"), controls.calls(), "long press");
        press("play", 80);
        run(200);
        assertEquals(List.of("next", "volume 50"), controls.calls(), "waits out the double window");
        run(300);
        assertEquals(List.of("next", "volume 50", "togglePlay"), controls.calls());
    }

    @Test
    void shutdownNeedsTheLongerHoldAndMustBeEnabled() {
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig enabled = new DeviceConfig(d.provider(), d.gpioChip(), d.led(), d.timing(), d.buttons(), true);
        open(enabled, States.live().build());
        run(50);
        press("privacy", 2000);
        run(100);
        assertEquals(List.of(), controls.calls(), "2 s is a long press, but shutdown needs 4 s; letting go cancels");
        press("privacy", 4100);
        run(100);
        assertEquals(List.of("shutdown"), controls.calls());
    }

    @Test
    void holdingTowardsShutdownTicksOnTheLedAndLettingGoCancels() {
        DeviceConfig d = DeviceConfig.defaults();
        open(new DeviceConfig(d.provider(), d.gpioChip(), d.led(), d.timing(), d.buttons(), true), States.live().build());
        device.stateChanged(null, States.live().build());
        run(50);
        button("privacy").mockState(DigitalState.LOW);
        int darkBefore = 0, darkAfter = 0;
        for (int i = 0; i < 300; i++) {               // 3 s held, sampled every 10 ms
            device.pollButtons(clock.get());
            device.renderLed(clock.get());
            if (!lit("led-red")) {
                if (i < 95) darkBefore++; else darkAfter++;
            }
            clock.addAndGet(10 * MS);
        }
        button("privacy").mockState(DigitalState.HIGH);
        run(200);
        assertEquals(0, darkBefore, "no ticking during an ordinary press");
        assertTrue(darkAfter >= 3 * 12 && darkAfter <= 0.25 * 205, "ticks after 1 s, lit most of the time: dark " + darkAfter);
        assertEquals(List.of(), controls.calls(), "let go at 3 s: cancelled");
    }

    @Test
    void shutdownIsIgnoredWhenNotEnabled() {
        open();
        run(50);
        press("privacy", 5000);
        run(100);
        assertEquals(List.of(), controls.calls());
    }

    @Test
    void aButtonHeldAtStartIsReportedAndIgnoredUntilReleased() {
        gpio = Pi4jGpio.mock();
        // Pre-create nothing: open the device, then hold the button before the first sample.
        device = new BoxDevice(DeviceConfig.defaults(), gpio, null, controls, States.live().build(), reported::add, clock::get);
        button("privacy").mockState(DigitalState.LOW);
        run(5000);
        assertEquals(List.of(), controls.calls());
        assertTrue(device.problems().stream().anyMatch(p -> p.contains("'privacy'")), device.problems().toString());
        button("privacy").mockState(DigitalState.HIGH);
        run(100);
        assertEquals(List.of(), device.problems());
        assertEquals(List.of(), reported.get(reported.size() - 1), "the cleared problem is reported too");
        press("privacy", 80);
        run(100);
        assertEquals(List.of("privacy true"), controls.calls());
    }

    @Test
    void theLedFollowsStateChanges() {
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig.Led single = new DeviceConfig.Led(DeviceConfig.LedKind.SINGLE, 23, 17, 27, 22, false, 200, 1.0);
        open(new DeviceConfig(d.provider(), d.gpioChip(), single, d.timing(), d.buttons(), false),
                States.live().camera(io.moodbox.camera.SourceStatus.State.STARTING).phase(BoxState.Phase.STARTING).build());
        long t = clock.get();
        device.renderLed(t);
        assertTrue(lit("led"), "starting: first half of the blink");
        device.renderLed(t + 600 * MS);
        assertFalse(lit("led"), "starting: second half");

        device.stateChanged(null, States.live().build());
        assertEquals(Signal.CAMERA_LIVE, device.led().pattern().signal());
        for (long ms = 0; ms < 5000; ms += 10) {
            device.renderLed(clock.get() + ms * MS);
            assertTrue(lit("led"), "camera live: lit all the time, at " + ms + " ms");
        }

        device.stateChanged(null, States.live().privacy(true).build());
        assertEquals(Signal.PRIVACY, device.led().pattern().signal());
        int litSamples = 0;
        for (long ms = 0; ms < 3000; ms += 10) {
            device.renderLed(clock.get() + ms * MS);
            if (lit("led")) litSamples++;
        }
        assertTrue(litSamples > 0 && litSamples <= 10, "privacy: a short blip every 3 s, lit " + litSamples);

        DigitalOutput pin = gpio.context().io(Pi4jGpio.id("led"), DigitalOutput.class);
        device.renderLed(clock.get());
        device.stateChanged(null, States.live().build());
        device.renderLed(clock.get());
        assertTrue(pin.state() == DigitalState.HIGH);
        device.close();
        assertEquals(DigitalState.LOW, pin.state(), "off on close");
        device = null;
    }

    @Test
    void aPressIsAcknowledgedOnTheLedButHammeringCannotHideTheLiveLight() {
        open();
        device.stateChanged(null, States.live().build());
        run(50);
        button("mood").mockState(DigitalState.LOW);
        run(40);
        button("mood").mockState(DigitalState.HIGH);
        run(40);                                   // released and debounced: the press is taken
        assertEquals(List.of("lockMood true"), controls.calls());
        device.renderLed(clock.get());
        assertFalse(lit("led-red"), "acknowledged: a brief dark flash");
        clock.addAndGet(200 * MS);
        device.renderLed(clock.get());
        assertTrue(lit("led-red"));

        // Someone drums on a button for 3 s while the camera is live: still lit most of the time.
        int litSamples = 0, samples = 0, darkRun = 0, longestDark = 0;
        for (int i = 0; i < 300; i++) {
            button("next").mockState((i / 4) % 2 == 0 ? DigitalState.LOW : DigitalState.HIGH);
            device.pollButtons(clock.get());
            device.renderLed(clock.get());
            samples++;
            if (lit("led-red")) { litSamples++; darkRun = 0; } else longestDark = Math.max(longestDark, darkRun += 10);
            clock.addAndGet(10 * MS);
        }
        assertTrue(controls.calls().size() > 20, "the drumming did register: " + controls.calls().size());
        assertTrue(litSamples >= 0.75 * samples, "lit " + litSamples + " of " + samples);
        assertTrue(longestDark <= 150, "dark at most 150 ms at a time, was " + longestDark);
    }

    @Test
    void theRgbLedShowsLiveAsWhiteAndTheMoodAsColour() {
        open();
        device.stateChanged(null, States.live().build());
        device.renderLed(clock.get());
        assertTrue(lit("led-red") && lit("led-green") && lit("led-blue"), "live, nobody: white");
        device.stateChanged(null, States.live().face(Emotion.ANGRY).build());
        device.renderLed(clock.get());
        assertTrue(lit("led-red") && !lit("led-green") && !lit("led-blue"), "angry: red");
        device.stateChanged(null, States.live().privacy(true).player(PlayerStatus.State.PAUSED).build());
        assertEquals(Signal.PRIVACY, device.led().pattern().signal());
    }

    @Test
    void describesWhatItOpened() {
        open();
        assertEquals("mock: rgb LED on GPIO17/27/22, buttons: play(GPIO5) next(GPIO6) mood(GPIO13) privacy(GPIO26)",
                device.describe());
        assertEquals(List.of(List.of()), reported, "no problems, reported once");
    }

    /** The real device with its threads on Pi4J's mock GPIO, as a dev machine opens it. */
    private BoxDevice openLiveOnMock() {
        gpio = Pi4jGpio.mock();
        GpioOpener opener = new GpioOpener(java.nio.file.Path.of("/nonexistent"), java.nio.file.Path.of("/nonexistent"),
                chip -> { throw new AssertionError("not gpiod"); }, () -> gpio, p -> true);
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig mock = new DeviceConfig(DeviceConfig.Provider.MOCK, -1, d.led(), d.timing(), d.buttons(), false);
        return BoxDevice.open(mock, opener, controls, States.live().build(), reported::add);
    }

    @Test
    void theThreadsRunAndStopCleanly() throws Exception {
        BoxDevice live = openLiveOnMock();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!lit("led-red") && System.nanoTime() < deadline) Thread.sleep(5);
            assertTrue(lit("led-red"), "moodbox-led lit the LED");
            while (live.polls() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            button("next").mockState(DigitalState.LOW);
            Thread.sleep(150);
            button("next").mockState(DigitalState.HIGH);
            while (controls.calls().isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(List.of("next"), controls.calls(), "moodbox-buttons saw the press");
        } finally {
            live.close();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("moodbox-led") || t.getName().equals("moodbox-buttons")), "threads stopped");
    }

    // ---- the page's view, and presses from the page ----

    @Test
    void theViewSaysWhatTheLedShowsAndWhatEachButtonDoes() {
        open();
        DeviceView v = device.view();
        assertEquals("mock", v.gpio());
        assertTrue(v.pressable());
        assertEquals("", v.pressNote());
        assertEquals("camera_live", v.led().signal());
        assertEquals("white, steady: watching, nobody seen", v.led().look() + ": " + v.led().meaning());
        assertEquals(List.of(new DeviceView.Step("#ffffff", "#ffffff", 1000)), v.led().steps());

        device.stateChanged(null, States.live().face(Emotion.HAPPY).build());
        v = device.view();
        assertEquals("amber, steady: watching, someone is here (happy)", v.led().look() + ": " + v.led().meaning());
        assertEquals("#ffb300", v.led().steps().get(0).from(), "the mood's colour, as the LED shows it");
        device.stateChanged(null, States.live().privacy(true).player(PlayerStatus.State.PLAYING).build());
        assertEquals("violet blip every 3 s: privacy on, the camera is off",
                device.view().led().look() + ": " + device.view().led().meaning());
        device.stateChanged(null, States.live().camera(io.moodbox.camera.SourceStatus.State.OFF)
                .player(PlayerStatus.State.PLAYING).face(Emotion.SAD).build());
        v = device.view();
        assertEquals("blue, breathing: music playing, not watching", v.led().look() + ": " + v.led().meaning());
        assertEquals(2, v.led().steps().size(), "a breath: up, then down");

        assertEquals(List.of("play", "next", "mood", "privacy"), v.buttons().stream().map(DeviceView.ButtonView::name).toList());
        DeviceView.ButtonView play = v.buttons().get(0);
        assertEquals(5, play.pin());
        assertEquals(List.of(new DeviceView.Does(DeviceView.Gesture.SHORT, "toggle-play", "play or pause", 0)), play.gestures());
        DeviceView.ButtonView privacy = v.buttons().get(3);
        assertEquals(new DeviceView.Does(DeviceView.Gesture.LONG, "shutdown",
                "nothing: shutting down from a button is off (device.shutdown.enabled)", 4.0), privacy.gestures().get(1));
    }

    @Test
    void aSingleLedIsDescribedByItsBlinks() {
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig.Led single = new DeviceConfig.Led(DeviceConfig.LedKind.SINGLE, 23, 17, 27, 22, false, 200, 1.0);
        open(new DeviceConfig(d.provider(), d.gpioChip(), single, d.timing(), d.buttons(), false),
                States.live().face(Emotion.HAPPY).build());
        DeviceView.Led led = device.view().led();
        assertEquals("single", led.kind());
        assertEquals("on, with a wink every 2 s: watching, someone is here (happy)", led.look() + ": " + led.meaning());
        assertEquals(List.of(new DeviceView.Step("#ffffff", "#ffffff", 1850), new DeviceView.Step("#000000", "#000000", 150)),
                led.steps());
    }

    /** Plays a page press's script on the mock pin in simulated time, as the press thread does in real time. */
    private void playScript(String name, DeviceView.Gesture g) {
        for (BoxDevice.Hold h : device.script(configButton(name), g)) {
            button(name).mockState(h.pressed() ? DigitalState.LOW : DigitalState.HIGH);
            run(h.ns() / MS);
        }
    }

    private DeviceConfig currentConfig;

    private Button configButton(String name) {
        return currentConfig.buttons().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aPagePressIsTimedSoTheDetectorReadsTheGestureAsked() {
        DeviceConfig d = DeviceConfig.defaults();
        currentConfig = new DeviceConfig(d.provider(), d.gpioChip(), d.led(), d.timing(),
                List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NEXT, Action.VOLUME_UP),
                        new Button("privacy", 26, Action.TOGGLE_PRIVACY, Action.NONE, Action.SHUTDOWN)), true);
        open(currentConfig, States.live().volume(40).build());
        run(50);
        playScript("play", DeviceView.Gesture.SHORT);
        assertEquals(List.of("togglePlay"), controls.calls());
        playScript("play", DeviceView.Gesture.DOUBLE);
        assertEquals(List.of("togglePlay", "next"), controls.calls());
        playScript("play", DeviceView.Gesture.LONG);
        assertEquals(List.of("togglePlay", "next", "volume 50"), controls.calls());
        playScript("privacy", DeviceView.Gesture.LONG);
        assertEquals(List.of("togglePlay", "next", "volume 50", "shutdown"), controls.calls(), "held past the 4 s shutdown hold");
    }

    @Test
    void pagePressesFollowSlowButtonTimingsToo() {
        DeviceConfig d = DeviceConfig.defaults();
        DeviceConfig.Timing slow = new DeviceConfig.Timing(true, Duration.ofMillis(50), Duration.ofMillis(150),
                Duration.ofMillis(450), Duration.ofMillis(1000), Duration.ofMillis(1000));
        currentConfig = new DeviceConfig(d.provider(), d.gpioChip(), d.led(), slow,
                List.of(new Button("play", 5, Action.TOGGLE_PLAY, Action.NEXT, Action.VOLUME_DOWN)), false);
        open(currentConfig, States.live().volume(40).build());
        run(200);
        playScript("play", DeviceView.Gesture.SHORT);
        playScript("play", DeviceView.Gesture.DOUBLE);
        playScript("play", DeviceView.Gesture.LONG);
        assertEquals(List.of("togglePlay", "next", "volume 30"), controls.calls());
    }

    @Test
    void aPressFromThePageGoesThroughTheMockPinAndTheButtonThread() throws Exception {
        BoxDevice live = openLiveOnMock();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (live.polls() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            live.press("next", DeviceView.Gesture.SHORT);
            var busy = assertThrows(IllegalStateException.class, () -> live.press("play", DeviceView.Gesture.SHORT));
            assertTrue(busy.getMessage().contains("still being pressed"), busy.getMessage());
            boolean sawPinPressed = false;
            while (controls.calls().isEmpty() && System.nanoTime() < deadline) {
                sawPinPressed |= button("next").state() == DigitalState.LOW;
                Thread.sleep(2);
            }
            assertTrue(sawPinPressed, "the press drove the mock pin to its active (low) level");
            assertEquals(List.of("next"), controls.calls(), "moodbox-buttons read the pin and called Controls");
            assertEquals(DigitalState.HIGH, button("next").state(), "released again");
            while (System.nanoTime() < deadline) {
                try {
                    live.press("play", DeviceView.Gesture.SHORT);
                    break;
                } catch (IllegalStateException stillBusy) {
                    Thread.sleep(20);
                }
            }
            while (controls.calls().size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(List.of("next", "togglePlay"), controls.calls());
            var unknown = assertThrows(java.util.NoSuchElementException.class, () -> live.press("volume", DeviceView.Gesture.SHORT));
            assertEquals("there is no button 'volume'; the buttons are play, next, mood, privacy", unknown.getMessage());
        } finally {
            live.close();
        }
    }

    @Test
    void realOrAbsentGpioShowsTheButtonsButRefusesAPress() {
        Gpio gpiod = new Gpio() {
            @Override public Output output(String name, int bcm, boolean activeLow) { return on -> { }; }
            @Override public Input input(String name, int bcm, boolean activeLow) { return () -> false; }
            @Override public String describe() { return "gpiod gpiochip0"; }
            @Override public void close() { }
        };
        device = new BoxDevice(DeviceConfig.defaults(), gpiod, null, controls, States.live().build(), reported::add, clock::get);
        DeviceView v = device.view();
        assertFalse(v.pressable());
        assertTrue(v.pressNote().startsWith("These are the box's real buttons (gpiod gpiochip0): press them on the box."),
                v.pressNote());
        assertEquals(4, v.buttons().size(), "the buttons are still shown");
        assertEquals("white, steady", v.led().look());
        var real = assertThrows(IllegalStateException.class, () -> device.press("play", DeviceView.Gesture.SHORT));
        assertEquals(v.pressNote(), real.getMessage());
        assertThrows(java.util.NoSuchElementException.class, () -> device.press("volume", DeviceView.Gesture.SHORT));
        device.close();

        device = new BoxDevice(DeviceConfig.defaults(), null, "No GPIO chip found", controls, States.live().build(),
                reported::add, clock::get);
        v = device.view();
        assertFalse(v.pressable());
        assertEquals("no GPIO", v.gpio());
        assertEquals("No GPIO is open (device.provider=auto), so there are no buttons to press.", v.pressNote());
        assertEquals(new DeviceView.Led("rgb", "none", "no light", "no GPIO is open, so there is no status LED", List.of()), v.led());
        assertThrows(IllegalStateException.class, () -> device.press("play", DeviceView.Gesture.LONG));
        assertEquals(List.of(), controls.calls());
    }

    @Test
    void theMockPinIsDrivenAtTheWiredLevel() {
        gpio = Pi4jGpio.mock();
        Gpio.Input low = gpio.input("low", 5, true), high = gpio.input("high", 6, false);
        assertFalse(low.active() || high.active(), "idle at the pull resistor's level");
        low.drive(true);
        high.drive(true);
        assertTrue(low.active() && high.active());
        assertEquals(DigitalState.LOW, gpio.context().io(Pi4jGpio.id("low"), MockDigitalInput.class).state(), "active-low pressed: LOW");
        assertEquals(DigitalState.HIGH, gpio.context().io(Pi4jGpio.id("high"), MockDigitalInput.class).state());
        low.drive(false);
        assertFalse(low.active());
        assertTrue(gpio.isMock());
        gpio.close();
        gpio = null;
    }
}
