package io.moodbox.music;

/**
 * What the speaker is doing. {@code track} is null when nothing is loaded; {@code reason} says
 * why the current track was chosen, in words for the page and console.
 */
public record PlayerStatus(State state, Track track, String reason, int volumePercent, double positionSeconds) {
    public enum State { STOPPED, PLAYING, PAUSED, NO_DEVICE }

    public static PlayerStatus stopped(int volumePercent) {
        return new PlayerStatus(State.STOPPED, null, "", volumePercent, 0);
    }
}
