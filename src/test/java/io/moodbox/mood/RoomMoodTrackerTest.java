package io.moodbox.mood;

import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.mood.MoodState.Presence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static io.moodbox.emotion.Emotion.*;
import static org.junit.jupiter.api.Assertions.*;

/** The tracker on scripted emotion sequences; time is simulated, so each test runs in milliseconds. */
class RoomMoodTrackerTest {
    static final long MS = 1_000_000L;
    final MoodConfig config = MoodConfig.defaults();
    final MoodTracker tracker = MoodTracker.create(config, InstantSource.fixed(Instant.EPOCH));
    long now = 1_000 * MS;

    /** A face reading {@code e} with probability p, the rest spread evenly. */
    static EmotionScores scores(Emotion e, double p) {
        float[] s = new float[7];
        java.util.Arrays.fill(s, (float) ((1 - p) / 6));
        s[e.ordinal()] = (float) p;
        return new EmotionScores(s);
    }

    static List<FaceReading> face(Emotion e, double p) {
        return List.of(new FaceReading(scores(e, p), 120, 0.9));
    }

    /** Feeds {@code seconds} of frames at {@code fps}; returns the last state. */
    MoodState run(List<FaceReading> faces, double seconds, double fps) {
        MoodState s = tracker.current();
        long step = Math.round(1e9 / fps);
        for (long t = 0; t < seconds * 1e9; t += step) {
            now += step;
            s = tracker.observe(faces, now);
        }
        return s;
    }

    double share(Emotion e) { return tracker.current().emotions()[e.ordinal()]; }

    @Test
    void startsUnknownAndSettlesOnASteadyExpression() {
        assertEquals(Presence.UNKNOWN, tracker.current().presence());
        MoodState s = run(face(HAPPY, 0.8), 8, 10);
        assertEquals(Presence.PRESENT, s.presence());
        assertEquals(HAPPY, s.mood());
        assertEquals(1, s.faces());
        assertEquals(0.8, s.emotions()[HAPPY.ordinal()], 0.02);
        assertEquals(0.8, s.confidence(), 0.02);
        float sum = 0;
        for (float p : s.emotions()) sum += p;
        assertEquals(1, sum, 1e-4);
    }

    @Test
    void smoothingHalvesTheOldEstimateAfterOneHalfLifeWhateverTheFrameRate() {
        for (long stepMs : new long[]{200, 100, 40, 20}) {   // 5 to 50 fps, each dividing the 800 ms half-life
            MoodTracker t = MoodTracker.create(config, InstantSource.fixed(Instant.EPOCH));
            long at = 0, step = stepMs * MS;
            for (int i = 0; i < 20_000 / stepMs; i++) t.observe(face(NEUTRAL, 0.8), at += step);
            double before = t.current().emotions()[HAPPY.ordinal()];
            for (long i = 0; i < config.halfLife().toNanos() / step; i++) t.observe(face(HAPPY, 0.8), at += step);
            double after = t.current().emotions()[HAPPY.ordinal()];
            assertEquals((before + 0.8) / 2, after, 1e-4, "every " + stepMs + " ms happy went " + before + " -> " + after);
        }
    }

    @Test
    void aLongerHalfLifeMovesMoreSlowly() {
        run(face(NEUTRAL, 0.8), 10, 10);
        run(face(HAPPY, 0.8), 0.5, 10);
        double fast = share(HAPPY);

        MoodTracker slow = MoodTracker.create(new MoodConfig(Duration.ofSeconds(4), 0.1, Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofMillis(500)), InstantSource.fixed(Instant.EPOCH));
        long at = 0;
        for (int i = 0; i < 100; i++) slow.observe(face(NEUTRAL, 0.8), at += 100 * MS);
        for (int i = 0; i < 5; i++) slow.observe(face(HAPPY, 0.8), at += 100 * MS);
        assertTrue(slow.current().emotions()[HAPPY.ordinal()] < fast - 0.1);
    }

    @Test
    void aSingleOddFrameNeverFlipsTheMood() {
        for (double fps : new double[]{30, 10, 2, 0.5}) {
            MoodTracker t = MoodTracker.create(config, InstantSource.fixed(Instant.EPOCH));
            long step = Math.round(1e9 / fps), at = 0;
            for (int i = 0; i < 20 * fps + 3; i++) t.observe(face(NEUTRAL, 0.7), at += step);
            for (Emotion odd : Emotion.values()) {
                if (odd == NEUTRAL) continue;
                assertEquals(NEUTRAL, t.observe(face(odd, 1.0), at += step).mood(), odd + " at " + fps + " fps");
                for (int i = 0; i < 20 * fps + 3; i++)
                    assertEquals(NEUTRAL, t.observe(face(NEUTRAL, 0.7), at += step).mood(), "after one " + odd + " frame at " + fps + " fps");
            }
        }
    }

    @Test
    void anOddFrameAfterAStallDoesNotFlipEither() {
        run(face(NEUTRAL, 0.7), 10, 10);
        now += 60_000 * MS;   // the camera stalled for a minute, with the room still present
        assertEquals(NEUTRAL, tracker.observe(face(ANGRY, 1.0), now).mood());
        assertTrue(share(ANGRY) < share(NEUTRAL), "one frame counts for at most mood.max-step-s");
        assertEquals(NEUTRAL, run(face(NEUTRAL, 0.7), 5, 10).mood());
    }

    @Test
    void aShortBurstOfOddFramesDoesNotFlipIt() {
        run(face(NEUTRAL, 0.7), 10, 10);
        run(face(SURPRISE, 0.95), 0.3, 10);
        for (int i = 0; i < 50; i++) assertEquals(NEUTRAL, run(face(NEUTRAL, 0.7), 0.1, 10).mood());
    }

    @Test
    void followsAChangedExpressionWithinTwoSecondsAtTenFps() {
        run(face(NEUTRAL, 0.7), 10, 10);
        long changed = now;
        MoodState s;
        do {
            now += 100 * MS;
            s = tracker.observe(face(HAPPY, 0.7), now);
        } while (s.mood() != HAPPY && now - changed < 10_000 * MS);
        double seconds = (now - changed) / 1e9;
        assertEquals(HAPPY, s.mood());
        assertTrue(seconds <= 2.0, "took " + seconds + " s");
        assertTrue(seconds >= config.minHold().toNanos() / 1e9, "hysteresis: took only " + seconds + " s");
    }

    @Test
    void aNearTieDoesNotFlickerBetweenMoods() {
        run(face(NEUTRAL, 0.7), 5, 10);
        // Two people, one neutral and one sad, nearly equal in weight: the settled mood must not flap.
        List<FaceReading> tie = List.of(new FaceReading(scores(NEUTRAL, 0.7), 120, 0.9),
                new FaceReading(scores(SAD, 0.7), 125, 0.9));
        int changes = 0;
        Emotion last = tracker.current().mood();
        for (int i = 0; i < 300; i++) {
            List<FaceReading> frame = i % 2 == 0 ? tie : List.of(tie.get(1), tie.get(0));
            now += 100 * MS;
            Emotion m = tracker.observe(frame, now).mood();
            if (m != last) changes++;
            last = m;
        }
        assertTrue(changes <= 1, changes + " changes");
    }

    @Test
    void facesCountByTheirSizeAndDetectorConfidence() {
        List<FaceReading> nearHappy = List.of(new FaceReading(scores(HAPPY, 0.8), 200, 0.9),
                new FaceReading(scores(SAD, 0.8), 40, 0.9));
        assertEquals(HAPPY, run(nearHappy, 5, 10).mood());
        assertEquals(2, tracker.current().faces());

        List<FaceReading> sureSad = List.of(new FaceReading(scores(HAPPY, 0.8), 100, 0.1),
                new FaceReading(scores(SAD, 0.8), 100, 0.95));
        assertEquals(SAD, run(sureSad, 5, 10).mood());
        assertTrue(share(SAD) > 0.6, "weights 0.1 : 0.95 give sad about 0.73, was " + share(SAD));
    }

    @Test
    void valenceAndArousalComeFromTheDistributionOnTheCircumplex() {
        MoodState s = run(face(HAPPY, 1.0), 10, 10);
        assertEquals(HAPPY.valence(), s.valence(), 0.01);
        assertEquals(HAPPY.arousal(), s.arousal(), 0.01);
        s = run(face(SAD, 1.0), 10, 10);
        assertEquals(SAD.valence(), s.valence(), 0.01);
        assertEquals(SAD.arousal(), s.arousal(), 0.01);
        s = run(List.of(new FaceReading(scores(HAPPY, 1.0), 100, 1), new FaceReading(scores(SAD, 1.0), 100, 1)), 10, 10);
        assertEquals((HAPPY.valence() + SAD.valence()) / 2, s.valence(), 0.01);
    }

    @Test
    void presenceGoesFromUnknownToNobodyToPresentAndBack() {
        assertEquals(Presence.NOBODY, run(List.of(), 1, 10).presence());
        assertEquals(Presence.PRESENT, run(face(HAPPY, 0.9), 3, 10).presence());
        assertEquals(HAPPY, tracker.current().mood());

        // The detector misses faces for a while: the room is still occupied and keeps its mood.
        MoodState s = run(List.of(), config.nobodyAfter().toSeconds() - 1, 10);
        assertEquals(Presence.PRESENT, s.presence());
        assertEquals(HAPPY, s.mood());
        assertEquals(0, s.faces());

        s = run(List.of(), 1.5, 10);
        assertEquals(Presence.NOBODY, s.presence());
        assertArrayEquals(new float[7], s.emotions());
        assertEquals(0, s.valence());

        assertEquals(Presence.PRESENT, run(face(SAD, 0.9), 4, 10).presence());
        assertEquals(SAD, tracker.current().mood());

        s = tracker.notWatching(now += 100 * MS);
        assertEquals(Presence.UNKNOWN, s.presence());
        assertArrayEquals(new float[7], s.emotions());
    }

    @Test
    void someoneArrivingSettlesLikeAnyChangeNotOnTheirFirstFrame() {
        run(List.of(), 20, 10);
        MoodState first = tracker.observe(face(ANGRY, 0.9), now += 100 * MS);
        assertEquals(Presence.PRESENT, first.presence());
        assertNotEquals(ANGRY, first.mood());
        assertEquals(ANGRY, run(face(ANGRY, 0.9), 3, 10).mood());
    }

    @Test
    void aLockHoldsTheMoodWhileTheRoomChangesAndReleasesToTheLiveMood() {
        run(face(HAPPY, 0.9), 5, 10);
        MoodState locked = tracker.lock(true);
        assertTrue(locked.locked());
        assertEquals(HAPPY, locked.mood());

        MoodState s = run(face(SAD, 0.9), 10, 10);
        assertTrue(s.locked());
        assertEquals(HAPPY, s.mood());
        assertEquals(locked.valence(), s.valence());
        assertEquals(Presence.PRESENT, s.presence());
        assertEquals(1, s.faces(), "presence and faces stay live while locked");

        s = run(List.of(), config.nobodyAfter().toSeconds() + 1, 10);
        assertEquals(Presence.NOBODY, s.presence());
        assertEquals(HAPPY, s.mood());

        run(face(SAD, 0.9), 5, 10);
        s = tracker.lock(false);
        assertFalse(s.locked());
        assertEquals(SAD, s.mood());
    }

    @Test
    void settingsChangeLive() {
        run(face(NEUTRAL, 0.8), 10, 10);
        tracker.configure(new MoodConfig(Duration.ofSeconds(30), 0.1, Duration.ofMillis(500), Duration.ofSeconds(10),
                Duration.ofMillis(500)));
        assertEquals(NEUTRAL, run(face(HAPPY, 0.8), 3, 10).mood(), "with a 30 s half-life three seconds are not enough");
    }

    @Test
    void garbageScoresCountAsNoInformation() {
        float[] nan = new float[7];
        java.util.Arrays.fill(nan, Float.NaN);
        run(face(HAPPY, 0.9), 5, 10);
        MoodState s = run(List.of(new FaceReading(new EmotionScores(nan), 100, 0.9)), 0.2, 10);
        assertEquals(HAPPY, s.mood());
        for (float p : s.emotions()) assertFalse(Float.isNaN(p));
    }
}
