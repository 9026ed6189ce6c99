package io.moodbox.testing;

import io.moodbox.app.BoxState;
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
}
