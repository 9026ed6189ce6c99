package io.moodbox.app;

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
}
