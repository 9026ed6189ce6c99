package io.moodbox.music;

/**
 * What the speaker is doing. {@code track} is null when nothing is loaded; {@code reason} says
 * why the current track was chosen, or why nothing plays, in words for the page and console.
 * {@code output} says where the sound goes ("speaker (the system's sound card)", "no sound card
 * found: playing silently", "file out.wav"); {@code audible} is false when nothing is heard
 * however loud (no sound card, {@code music.output=null}, a file).
 */
public record PlayerStatus(State state, Track track, String reason, int volumePercent, double positionSeconds,
                           String output, boolean audible) {
    public enum State { STOPPED, PLAYING, PAUSED, NO_DEVICE }

    public PlayerStatus {
        output = output == null ? "" : output;
    }

    /** The older shape, for callers that do not know the output. */
    public PlayerStatus(State state, Track track, String reason, int volumePercent, double positionSeconds) {
        this(state, track, reason, volumePercent, positionSeconds, "", true);
    }

    public static PlayerStatus stopped(int volumePercent) {
        return new PlayerStatus(State.STOPPED, null, "", volumePercent, 0);
    }
}
