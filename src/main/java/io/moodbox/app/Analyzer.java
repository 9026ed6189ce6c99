package io.moodbox.app;

import io.moodbox.camera.Frame;
import io.moodbox.mood.FaceReading;

import java.util.List;

/**
 * One frame to the faces' expressions: face finding, preparation and classification, composed in
 * {@link Moodbox}. Called only from {@code moodbox-vision}; closed after that thread has stopped.
 */
interface Analyzer extends AutoCloseable {
    List<FaceReading> analyze(Frame frame);

    @Override void close();
}
