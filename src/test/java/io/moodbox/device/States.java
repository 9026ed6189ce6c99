package io.moodbox.device;

import io.moodbox.box.BoxState;
import io.moodbox.camera.SourceStatus;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.time.Instant;
import java.util.List;

/** Builds the {@link BoxState}s the device tests need, one aspect at a time. */
final class States {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private BoxState.Phase phase = BoxState.Phase.RUNNING;
    private SourceStatus.State camera = SourceStatus.State.LIVE;
    private boolean privacy;
    private MoodState.Presence presence = MoodState.Presence.NOBODY;
    private Emotion mood = Emotion.NEUTRAL;
    private boolean locked;
    private PlayerStatus.State player = PlayerStatus.State.STOPPED;
    private int volume = 50;
    private List<String> problems = List.of();

    static States live() { return new States(); }

    States phase(BoxState.Phase p) { phase = p; return this; }
    States camera(SourceStatus.State s) { camera = s; return this; }
    States privacy(boolean on) { privacy = on; if (on) camera = SourceStatus.State.OFF; return this; }
    States face(Emotion e) { presence = MoodState.Presence.PRESENT; mood = e; return this; }
    States presence(MoodState.Presence p) { presence = p; return this; }
    States locked(boolean l) { locked = l; return this; }
    States player(PlayerStatus.State s) { player = s; return this; }
    States volume(int v) { volume = v; return this; }
    States problem(String p) { problems = List.of(p); return this; }

    BoxState build() {
        MoodState m = new MoodState(presence, mood, new float[Emotion.values().length], 0, 0, 0.5,
                presence == MoodState.Presence.PRESENT ? 1 : 0, locked, T0);
        return new BoxState(phase, new SourceStatus(camera, "test", "", 10, T0), privacy, m,
                new PlayerStatus(player, null, "", volume, 0), 10, problems, T0, T0);
    }
}
