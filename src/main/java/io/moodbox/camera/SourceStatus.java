package io.moodbox.camera;

import java.time.Instant;

/** What the frame source is doing now, for the LED, the page and the log. {@code fps} is measured. */
public record SourceStatus(State state, String source, String detail, double fps, Instant since) {
    public enum State {
        /** Opening the device, pipe or file. */
        STARTING,
        /** Frames are flowing: the camera is live. */
        LIVE,
        /** The source failed or vanished; retrying with backoff. */
        RETRYING,
        /** No camera configured or found. */
        NO_CAMERA,
        /** The owner turned the camera off (privacy). */
        OFF,
        /** A file source reached its end and does not loop. */
        ENDED
    }

    public boolean live() { return state == State.LIVE; }
}
