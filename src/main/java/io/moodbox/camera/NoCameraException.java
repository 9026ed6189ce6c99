package io.moodbox.camera;

/** The configured camera, file or dataset is not there at all (as opposed to failing). */
final class NoCameraException extends CameraException {
    NoCameraException(String message) { super(message); }
}
