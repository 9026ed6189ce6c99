package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.camera.SourceStatus;
import io.moodbox.device.DeviceConfig.Provider;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints what the status LED and the button sampling cost: CPU share of the {@code moodbox-led}
 * and {@code moodbox-buttons} threads, GPIO writes per second, and how closely the software PWM
 * hits the intended duty cycles, for the LED's typical states. Runs the real {@link BoxDevice}
 * threads on the default pins.
 *
 * <pre>java -cp moodbox.jar io.moodbox.device.DeviceBench [mock|gpiod] [seconds per state]</pre>
 *
 * On a Pi, {@code gpiod} drives the real LED (stop the daemon first: the pins are in use).
 */
final class DeviceBench {
    private DeviceBench() {}

    /** An output that measures its own on-time. Called from moodbox-led only. */
    private static final class Metered implements Gpio.Output {
        final Gpio.Output inner;
        long writes, onSince = -1, onNs;

        Metered(Gpio.Output inner) { this.inner = inner; }

        @Override
        public void set(boolean on) {
            inner.set(on);
            long now = System.nanoTime();
            writes++;
            if (on && onSince < 0) onSince = now;
            if (!on && onSince >= 0) {
                onNs += now - onSince;
                onSince = -1;
            }
        }

        synchronized void reset() {
            writes = 0;
            onNs = 0;
            onSince = onSince >= 0 ? System.nanoTime() : -1;
        }

        long onNs(long now) { return onNs + (onSince >= 0 ? now - onSince : 0); }
    }

    private static final class MeteredGpio implements Gpio {
        final Gpio inner;
        final List<Metered> outputs = new ArrayList<>();

        MeteredGpio(Gpio inner) { this.inner = inner; }

        @Override
        public Output output(String name, int bcm, boolean activeLow) {
            Metered m = new Metered(inner.output(name, bcm, activeLow));
            outputs.add(m);
            return m;
        }

        @Override public Input input(String name, int bcm, boolean activeLow) { return inner.input(name, bcm, activeLow); }
        @Override public String describe() { return inner.describe(); }
        @Override public void close() { inner.close(); }
    }

    private static final Controls.Reply DONE = Controls.Reply.done("bench");
    private static final Controls NO_CONTROLS = new Controls() {
        @Override public Reply play() { return DONE; }
        @Override public Reply pause() { return DONE; }
        @Override public Reply togglePlay() { return DONE; }
        @Override public Reply next() { return DONE; }
        @Override public Reply setVolume(int percent) { return DONE; }
        @Override public Reply lockMood(boolean locked) { return DONE; }
        @Override public Reply setPrivacy(boolean on) { return DONE; }
        @Override public Reply rescan() { return DONE; }
        @Override public Reply shutdown() { return DONE; }
    };

    private static BoxState state(SourceStatus.State camera, MoodState.Presence presence, PlayerStatus.State player) {
        Instant t = Instant.now();
        MoodState m = new MoodState(presence, Emotion.HAPPY, new float[Emotion.values().length], 0.8, 0.5, 0.9,
                presence == MoodState.Presence.PRESENT ? 1 : 0, false, t);
        return new BoxState(BoxState.Phase.RUNNING, new SourceStatus(camera, "bench", "", 10, t),
                camera == SourceStatus.State.OFF, m, new PlayerStatus(player, null, "", 50, 0), 10, List.of(), t, t);
    }

    public static void main(String[] args) throws Exception {
        Provider provider = args.length > 0 ? Provider.valueOf(args[0].toUpperCase(Locale.ROOT)) : Provider.MOCK;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        DeviceConfig c = DeviceConfig.defaults();
        DeviceConfig config = new DeviceConfig(provider, c.gpioChip(), c.led(), c.timing(), c.buttons(), false);
        GpioOpener.Opened o = GpioOpener.system().open(config.provider(), config.gpioChip());
        if (o.gpio() == null) {
            System.err.println(o.problem());
            System.exit(1);
        }
        MeteredGpio gpio = new MeteredGpio(o.gpio());
        BoxState first = state(SourceStatus.State.LIVE, MoodState.Presence.NOBODY, PlayerStatus.State.PLAYING);
        BoxDevice device = new BoxDevice(config, gpio, null, NO_CONTROLS, first, p -> {}, System::nanoTime);
        device.start();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread.sleep(200);
        long ledId = threadId("moodbox-led"), buttonsId = threadId("moodbox-buttons");

        System.out.printf(Locale.ROOT, "DeviceBench: %s, %s, PWM %d Hz, buttons sampled every %d ms, %.1f s per state, %d CPUs (%s %s)%n",
                device.describe(), config.led().kind(), config.led().pwmHz(), config.timing().poll().toMillis(), seconds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.vm.version"));
        System.out.println("state                      | LED thread CPU | buttons CPU | writes/s R G B      | duty R G B: measured (intended)");
        Object[][] cases = {
                {"camera live, nobody", state(SourceStatus.State.LIVE, MoodState.Presence.NOBODY, PlayerStatus.State.PLAYING)},
                {"camera live, happy face", state(SourceStatus.State.LIVE, MoodState.Presence.PRESENT, PlayerStatus.State.PLAYING)},
                {"playing, camera off", state(SourceStatus.State.NO_CAMERA, MoodState.Presence.UNKNOWN, PlayerStatus.State.PLAYING)},
                {"paused, camera off", state(SourceStatus.State.NO_CAMERA, MoodState.Presence.UNKNOWN, PlayerStatus.State.PAUSED)},
                {"privacy", state(SourceStatus.State.OFF, MoodState.Presence.UNKNOWN, PlayerStatus.State.STOPPED)},
        };
        for (Object[] k : cases) {
            BoxState s = (BoxState) k[1];
            device.stateChanged(null, s);
            Thread.sleep(100);
            for (Metered m : gpio.outputs) m.reset();
            long t0 = System.nanoTime(), led0 = mx.getThreadCpuTime(ledId), btn0 = mx.getThreadCpuTime(buttonsId);
            Thread.sleep((long) (seconds * 1000));
            long t1 = System.nanoTime(), led1 = mx.getThreadCpuTime(ledId), btn1 = mx.getThreadCpuTime(buttonsId);
            double wall = (t1 - t0) / 1e9;
            StringBuilder writes = new StringBuilder(), duty = new StringBuilder();
            double[] intended = intendedDuty(device.led(), s, t0, t1);
            for (int i = 0; i < gpio.outputs.size(); i++) {
                Metered m = gpio.outputs.get(i);
                writes.append(String.format(Locale.ROOT, "%5.0f ", m.writes / wall));
                duty.append(String.format(Locale.ROOT, "%.3f (%.3f)  ", m.onNs(t1) / 1e9 / wall, intended[i]));
            }
            System.out.printf(Locale.ROOT, "%-26s | %12.2f %% | %9.2f %% | %-18s | %s%n", k[0],
                    100.0 * (led1 - led0) / (t1 - t0), 100.0 * (btn1 - btn0) / (t1 - t0), writes, duty);
        }
        device.close();
    }

    /** The time-averaged duty the renderer aims for over [t0, t1], per channel. */
    private static double[] intendedDuty(LedRenderer r, BoxState s, long t0, long t1) {
        int n = r.duties(t0).length;
        double[] sum = new double[n];
        int samples = 0;
        for (long t = t0; t < t1; t += 1_000_000) {
            double[] d = r.duties(t);
            for (int i = 0; i < n; i++) sum[i] += d[i];
            samples++;
        }
        for (int i = 0; i < n; i++) sum[i] /= samples;
        return sum;
    }

    private static long threadId(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is not running")).threadId();
    }
}
