package io.moodbox.device;

import io.moodbox.device.LedPattern.Signal;
import io.moodbox.device.LedPattern.Step;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Software PWM and blinking, rendered on a simulated clock into recording outputs. */
class LedRendererTest {
    private static final long MS = 1_000_000;

    /** An output that remembers its level and counts writes. */
    static final class Pin implements Gpio.Output {
        boolean on;
        int writes;

        @Override public void set(boolean on) { this.on = on; writes++; }
    }

    private final List<Pin> rgb = List.of(new Pin(), new Pin(), new Pin());

    /** Runs the renderer as its thread would, from {@code from} to {@code to}; returns on-time per pin (ns). */
    private static long[] run(LedRenderer r, List<Pin> pins, long from, long to) {
        long[] onNs = new long[pins.size()];
        long t = from;
        while (t < to) {
            long next = Math.min(r.render(t), to);
            assertTrue(next > t, "the renderer must always move time on");
            for (int i = 0; i < pins.size(); i++) if (pins.get(i).on) onNs[i] += next - t;
            t = next;
        }
        return onNs;
    }

    @Test
    void fullColoursNeedNoPwmWakeUps() {
        LedRenderer r = new LedRenderer(List.copyOf(rgb), 200, 1.0, LedPattern.steady(Signal.CAMERA_LIVE, Rgb.WHITE), 0);
        long next = r.render(0);
        assertTrue(rgb.stream().allMatch(p -> p.on));
        assertEquals(1000 * MS, next, "steady: only the idle re-check");
        r.render(next);
        assertEquals(1, rgb.get(0).writes, "unchanged levels are not rewritten");
    }

    @Test
    void fractionalColoursBecomeDutyCyclesWithGamma() {
        Rgb orange = new Rgb(1, 0.5, 0);
        LedRenderer r = new LedRenderer(List.copyOf(rgb), 200, 1.0, LedPattern.steady(Signal.FACE_SEEN, orange), 0);
        long[] on = run(r, rgb, 0, 1000 * MS);
        assertEquals(1.0, on[0] / 1e9, 1e-9);
        assertEquals(Math.pow(0.5, 2.2), on[1] / 1e9, 0.005, "green at half brightness: gamma 2.2");
        assertEquals(0.0, on[2] / 1e9, 1e-9);
        assertTrue(rgb.get(1).writes >= 2 * 200 - 2, "green toggles twice per PWM period: " + rgb.get(1).writes);
    }

    @Test
    void brightnessScalesEveryChannel() {
        List<Pin> one = List.of(new Pin());
        LedRenderer r = new LedRenderer(List.copyOf(one), 100, 0.5, LedPattern.steady(Signal.CAMERA_LIVE, Rgb.WHITE), 0);
        long[] on = run(r, one, 0, 1000 * MS);
        assertEquals(Math.pow(0.5, 2.2), on[0] / 1e9, 0.01);
    }

    @Test
    void dimLevelsGetTheShortestReliablePulseInsteadOfGoingDark() {
        List<Pin> one = List.of(new Pin());
        LedRenderer r = new LedRenderer(List.copyOf(one), 100, 0.3, LedPattern.steady(Signal.PAUSED, Rgb.WHITE.scale(0.2)), 0);
        assertEquals(0.01, r.duties(0)[0], 1e-12, "0.06^2.2 = 0.2 % would not show: 1 % instead");
        long[] on = run(r, one, 0, 1000 * MS);
        assertEquals(0.01, on[0] / 1e9, 1e-6);
        LedRenderer off = new LedRenderer(List.copyOf(one), 100, 0.3, LedPattern.steady(Signal.OFF, Rgb.OFF), 0);
        assertEquals(0.0, off.duties(0)[0], "off stays off");
    }

    @Test
    void anAcknowledgementInvertsTheLedBriefly() {
        List<Pin> one = List.of(new Pin());
        LedRenderer r = new LedRenderer(List.copyOf(one), 100, 1.0, LedPattern.steady(Signal.CAMERA_LIVE, Rgb.WHITE), 0);
        r.render(0);
        assertTrue(one.get(0).on);
        r.acknowledge(10 * MS);
        assertEquals(130 * MS, r.render(10 * MS), "re-rendered when the flash ends");
        assertTrue(!one.get(0).on, "lit: the flash is dark");
        r.render(130 * MS);
        assertTrue(one.get(0).on);
        r.acknowledge(200 * MS);
        r.render(200 * MS);
        assertTrue(one.get(0).on, "too soon after the last one: merged, stays lit");
        r.show(LedPattern.steady(Signal.OFF, Rgb.OFF), 900 * MS);
        r.acknowledge(900 * MS);
        assertEquals(Math.pow(0.6, 2.2), r.duties(950 * MS)[0], 1e-9, "dark: the flash is dim white");
        assertEquals(0.0, r.duties(1020 * MS)[0]);
    }

    @Test
    void aBlinkFollowsItsStepsAndANewPatternStartsFromItsBeginning() {
        List<Pin> one = List.of(new Pin());
        LedPattern blink = new LedPattern(Signal.STARTING, List.of(Step.hold(Rgb.WHITE, 500), Step.hold(Rgb.OFF, 500)));
        LedRenderer r = new LedRenderer(List.copyOf(one), 100, 1.0, blink, 0);
        assertEquals(500 * MS, r.render(0));
        assertTrue(one.get(0).on);
        assertEquals(1000 * MS, r.render(500 * MS));
        assertTrue(!one.get(0).on);
        r.show(blink, 700 * MS);                       // same pattern: keeps its rhythm
        r.render(700 * MS);
        assertTrue(!one.get(0).on);
        r.show(LedPatterns.single(Signal.PRIVACY), 700 * MS);
        assertEquals(760 * MS, r.render(700 * MS));
        assertTrue(one.get(0).on, "privacy's blip starts at once");
        r.off();
        assertTrue(!one.get(0).on);
    }
}
