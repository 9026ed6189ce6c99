package io.moodbox.box;

import io.moodbox.camera.SourceStatus;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.time.Instant;
import java.util.List;

/**
 * The whole box at one moment, immutable: the one state model the LED, the page and the console
 * observe. {@code problems} lists what needs the owner (empty when all is well); {@code fps} is
 * frames analysed per second.
 */
public record BoxState(Phase phase, SourceStatus camera, boolean privacy, MoodState mood, PlayerStatus player,
                       double fps, List<String> problems, Instant startedAt, Instant at) {

    public enum Phase { STARTING, RUNNING, STOPPING }

    public BoxState {
        problems = List.copyOf(problems);
    }

    public boolean cameraLive() { return camera != null && camera.live(); }

    public BoxState withPhase(Phase p) { return new BoxState(p, camera, privacy, mood, player, fps, problems, startedAt, at); }

    public BoxState withCamera(SourceStatus c) { return new BoxState(phase, c, privacy, mood, player, fps, problems, startedAt, at); }

    public BoxState withPrivacy(boolean p) { return new BoxState(phase, camera, p, mood, player, fps, problems, startedAt, at); }

    public BoxState withMood(MoodState m) { return new BoxState(phase, camera, privacy, m, player, fps, problems, startedAt, at); }

    public BoxState withPlayer(PlayerStatus p) { return new BoxState(phase, camera, privacy, mood, p, fps, problems, startedAt, at); }

    public BoxState withFps(double f) { return new BoxState(phase, camera, privacy, mood, player, f, problems, startedAt, at); }

    public BoxState withProblems(List<String> p) { return new BoxState(phase, camera, privacy, mood, player, fps, p, startedAt, at); }
}
