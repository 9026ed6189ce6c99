package io.moodbox.testing;

import io.moodbox.box.BoxState;
import io.moodbox.camera.SourceStatus;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.time.Instant;
import java.util.List;

/** Box states for tests: a running box seeing {@code faces} people in a given mood. */
public final class TestStates {
    private TestStates() {}

    public static BoxState running(Emotion mood, int faces) {
        Instant now = Instant.now();
        return new BoxState(BoxState.Phase.RUNNING,
                new SourceStatus(SourceStatus.State.LIVE, "demo", "test scenes", 10, now.minusSeconds(60)),
                false, mood(mood, faces),
                new PlayerStatus(PlayerStatus.State.PLAYING, FixedLibrary.SUNNY, "fits the happy room", 40, 12),
                9.5, List.of(), now.minusSeconds(3700), now);
    }

    /** A settled mood with most weight on {@code mood}. */
    public static MoodState mood(Emotion mood, int faces) {
        float[] p = new float[Emotion.values().length];
        java.util.Arrays.fill(p, 0.3f / (p.length - 1));
        p[mood.ordinal()] = 0.7f;
        return new MoodState(faces > 0 ? MoodState.Presence.PRESENT : MoodState.Presence.NOBODY, mood, p,
                mood.valence(), mood.arousal(), 0.7, faces, false, Instant.now());
    }

    /** The same box with a new mood. */
    public static BoxState withMood(BoxState s, Emotion mood, int faces) {
        return new BoxState(s.phase(), s.camera(), s.privacy(), mood(mood, faces), s.player(), s.fps(), s.problems(), s.startedAt(), s.at());
    }

    /**
     * Someone is here, the settled mood is {@code settled} (scoring 9%), but {@code top} scores more
     * (22%): another expression leads and has not yet held its lead long enough to take over.
     */
    public static MoodState leaning(Emotion settled, Emotion top) {
        float[] p = new float[Emotion.values().length];
        java.util.Arrays.fill(p, 0.69f / (p.length - 2));
        p[settled.ordinal()] = 0.09f;
        p[top.ordinal()] = 0.22f;
        return new MoodState(MoodState.Presence.PRESENT, settled, p, 0, 0, 0.09, 1, false, Instant.now());
    }
}
