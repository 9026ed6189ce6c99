package io.moodbox.vision;

import io.moodbox.camera.Frame;

import java.util.List;

/**
 * Finds the faces in a frame and prepares each for the emotion model (crop with the detector's
 * calibrated margin, gray, resize to 48x48 exactly like a FER2013 face). Remembers the faces of
 * the frames before: it searches the whole frame only now and then and otherwise only around
 * the faces it knows ({@link VisionConfig#fullSearchEvery()}), so consecutive frames should come
 * from one camera. Not thread-safe: the pipeline's vision thread ({@code moodbox-vision}) owns
 * an instance. Open with {@link FaceFinders#open}.
 */
public interface FaceFinder extends AutoCloseable {

    /** Faces of at least the configured size, largest first, at most the configured number. */
    List<FaceCrop> find(Frame frame);

    /** How long the last {@link #find} spent detecting and preparing, for the bench. */
    Timings lastTimings();

    /** Frees the detector's native model and buffers. */
    @Override void close();

    /**
     * Nanoseconds spent in the last call: the change check, detection (full or around the known
     * faces), then cropping and resizing. {@code fullSearch}: whether the whole frame was searched.
     */
    record Timings(long detectNanos, long prepareNanos, boolean fullSearch) {}
}
