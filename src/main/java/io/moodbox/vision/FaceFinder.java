package io.moodbox.vision;

import io.moodbox.camera.Frame;

import java.util.List;

/**
 * Finds the faces in a frame and prepares each for the emotion model (crop with the detector's
 * calibrated margin, gray, resize to 48x48 exactly like a FER2013 face). Not thread-safe: the
 * pipeline's vision thread ({@code moodbox-vision}) owns an instance. Open with {@link FaceFinders#open}.
 */
public interface FaceFinder extends AutoCloseable {

    /** Faces of at least the configured size, largest first, at most the configured number. */
    List<FaceCrop> find(Frame frame);

    /** How long the last {@link #find} spent detecting and preparing, for the bench. */
    Timings lastTimings();

    /** Frees the detector's native model and buffers. */
    @Override void close();

    /** Nanoseconds spent in the last call: gray conversion and detection, then cropping and resizing. */
    record Timings(long detectNanos, long prepareNanos) {}
}
