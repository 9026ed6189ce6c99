package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.camera.SourceStatus;
import io.moodbox.device.DeviceConfig.LedKind;
import io.moodbox.device.LedPattern.Signal;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure state -> pattern policy, including the camera-live rule over every combination. */
class LedPatternsTest {

    @Test
    void eachSituationHasItsSignal() {
        assertEquals(Signal.CAMERA_LIVE, LedPatterns.signal(States.live().build()));
        assertEquals(Signal.FACE_SEEN, LedPatterns.signal(States.live().face(Emotion.HAPPY).build()));
        assertEquals(Signal.ERROR_LIVE, LedPatterns.signal(States.live().problem("model missing").build()));
        assertEquals(Signal.PRIVACY, LedPatterns.signal(States.live().privacy(true).build()));
        assertEquals(Signal.PRIVACY, LedPatterns.signal(States.live().privacy(true).player(PlayerStatus.State.PLAYING).build()),
                "privacy outranks playing");
        assertEquals(Signal.PLAYING, LedPatterns.signal(States.live().camera(SourceStatus.State.NO_CAMERA)
                .player(PlayerStatus.State.PLAYING).build()));
        assertEquals(Signal.PAUSED, LedPatterns.signal(States.live().camera(SourceStatus.State.ENDED)
                .player(PlayerStatus.State.PAUSED).build()));
        assertEquals(Signal.STARTING, LedPatterns.signal(States.live().camera(SourceStatus.State.STARTING)
                .phase(BoxState.Phase.STARTING).build()));
        assertEquals(Signal.ERROR, LedPatterns.signal(States.live().camera(SourceStatus.State.RETRYING)
                .problem("camera gone").build()));
        assertEquals(Signal.OFF, LedPatterns.signal(States.live().camera(SourceStatus.State.OFF)
                .phase(BoxState.Phase.STOPPING).build()));
    }

    /** Every combination of phase, camera, privacy, presence, player and problem. */
    private static List<BoxState> allStates() {
        List<BoxState> out = new ArrayList<>();
        for (BoxState.Phase ph : BoxState.Phase.values())
            for (SourceStatus.State cam : SourceStatus.State.values())
                for (boolean priv : new boolean[] {false, true})
                    for (MoodState.Presence pr : MoodState.Presence.values())
                        for (PlayerStatus.State pl : PlayerStatus.State.values())
                            for (boolean err : new boolean[] {false, true}) {
                                States s = States.live().phase(ph).presence(pr).player(pl);
                                if (pr == MoodState.Presence.PRESENT) s.face(Emotion.SAD);
                                if (priv) s.privacy(true);
                                s.camera(cam);
                                if (err) s.problem("something");
                                out.add(s.build());
                            }
        return out;
    }

    @Test
    void whileTheCameraIsLiveTheLedIsLitAndNothingElseLooksLikeIt() {
        Map<LedPattern, double[]> measured = new HashMap<>();   // many states share a pattern
        for (LedKind kind : List.of(LedKind.SINGLE, LedKind.RGB)) {
            for (BoxState s : allStates()) {
                LedPattern p = LedPatterns.of(s, kind);
                double[] m = measured.computeIfAbsent(p, q -> new double[] {q.litShare(), q.longestDarkMs()});
                if (s.cameraLive()) {
                    assertTrue(m[0] >= 0.75, kind + " " + p.signal() + ": lit " + m[0]);
                    assertTrue(m[1] <= 150, kind + " " + p.signal() + ": dark " + m[1] + " ms");
                } else {
                    assertTrue(m[0] <= 0.5, kind + " " + p.signal() + " looks live: lit " + m[0]);
                }
            }
        }
    }

    @Test
    void errorsShowWhetherOrNotTheCameraIsLive() {
        for (BoxState s : allStates()) {
            Signal sig = LedPatterns.signal(s);
            assertEquals(!s.problems().isEmpty(), sig == Signal.ERROR || sig == Signal.ERROR_LIVE, s.toString());
        }
    }

    @Test
    void everySignalLooksDifferentOnEachKindOfLed() {
        List<LedPattern> single = new ArrayList<>(), rgb = new ArrayList<>();
        for (Signal sig : Signal.values()) {
            single.add(LedPatterns.single(sig));
            rgb.add(LedPatterns.rgb(sig, LedPatterns.colour(Emotion.HAPPY)));
        }
        for (int i = 0; i < single.size(); i++)
            for (int j = i + 1; j < single.size(); j++) {
                assertNotEquals(single.get(i).steps(), single.get(j).steps(), single.get(i).signal() + " vs " + single.get(j).signal());
                assertNotEquals(rgb.get(i).steps(), rgb.get(j).steps(), rgb.get(i).signal() + " vs " + rgb.get(j).signal());
            }
    }

    @Test
    void theRgbLedTakesTheMoodsColourOnceAFaceIsSeen() {
        LedPattern happy = LedPatterns.of(States.live().face(Emotion.HAPPY).build(), LedKind.RGB);
        LedPattern sad = LedPatterns.of(States.live().face(Emotion.SAD).build(), LedKind.RGB);
        assertEquals(LedPatterns.colour(Emotion.HAPPY), happy.at(0));
        assertEquals(LedPatterns.colour(Emotion.SAD), sad.at(0));
        assertEquals(Rgb.WHITE, LedPatterns.of(States.live().build(), LedKind.RGB).at(0), "nobody: white");
        for (Emotion e : Emotion.values()) assertNotEquals(Rgb.WHITE, LedPatterns.colour(e));
    }

    @Test
    void patternsLoopAndRampSmoothly() {
        LedPattern breathe = LedPatterns.rgb(Signal.STARTING, Rgb.WHITE);
        assertEquals(2000, breathe.periodMs());
        assertEquals(breathe.at(100), breathe.at(2100));
        assertTrue(breathe.at(500).max() > breathe.at(100).max(), "rising");
        assertEquals(20, breathe.nextChangeMs(0), "ramps are re-evaluated every 20 ms");
        LedPattern blink = LedPatterns.single(Signal.STARTING);
        assertEquals(500, blink.nextChangeMs(10));
        assertEquals(1000, blink.nextChangeMs(600));
        assertEquals(1500, blink.nextChangeMs(1000));
        assertEquals(Long.MAX_VALUE, LedPatterns.single(Signal.CAMERA_LIVE).nextChangeMs(5));
    }
}
