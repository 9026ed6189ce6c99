package io.moodbox.camera;

import io.moodbox.config.MoodboxException;

/** A frame source could not open or stopped delivering; the message says which source and why. */
public class CameraException extends MoodboxException {
    public CameraException(String message) { super(message); }
    public CameraException(String message, Throwable cause) { super(message, cause); }
}
