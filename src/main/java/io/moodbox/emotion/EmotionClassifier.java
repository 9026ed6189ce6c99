package io.moodbox.emotion;

import io.moodbox.vision.FaceCrop;

import java.util.List;

/**
 * Reads each face's expression. Not thread-safe: one pipeline thread owns an instance.
 * Crops must be {@link #inputSize()} pixels square.
 */
public interface EmotionClassifier extends AutoCloseable {
    /** One result per crop, in order; all faces of a frame in one call. */
    List<EmotionScores> classify(List<FaceCrop> faces);

    /** Side of the square gray input the model expects (48 for the shipped model). */
    int inputSize();

    @Override void close();

    /** Loads the model named by the config; a missing or unusable file is a {@link ModelException}. */
    static EmotionClassifier open(EmotionConfig config) {
        return new CnnEmotionClassifier(config);
    }
}
