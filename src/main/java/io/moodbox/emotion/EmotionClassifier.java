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

    /** Where the jar keeps its own copy of the shipped model ({@code models/emotion-minixception-int8.tflite}). */
    String BUNDLED_RESOURCE = "/io/moodbox/emotion/emotion-minixception-int8.tflite";

    /**
     * The shipped model from inside the jar, with the config's threads and flip averaging: what
     * the box falls back to when {@code emotion.model} does not load.
     */
    static EmotionClassifier bundled(EmotionConfig config) {
        byte[] data;
        try (java.io.InputStream in = EmotionClassifier.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) throw new ModelException("this build has no bundled emotion model (" + BUNDLED_RESOURCE + "; a build problem)");
            data = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new ModelException("cannot read the bundled emotion model: " + e.getMessage(), e);
        }
        return new CnnEmotionClassifier(new TfliteModel("the bundled emotion model", data, config.threads()), config.flipAverage());
    }

    /**
     * Checks, before a save, that {@code model} loads as the next start would load it (a .tflite
     * the interpreter runs, with the emotion model's input and output); throws
     * {@link io.moodbox.config.ConfigException} naming {@code emotion.model}.
     */
    static void check(java.nio.file.Path model) {
        try {
            new TfliteModel(model, 1).close();
        } catch (ModelException e) {
            throw new io.moodbox.config.ConfigException("emotion.model " + model + " cannot be used: " + e.getMessage()
                    + " (the shipped model is " + EmotionConfig.DEFAULT_MODEL + ")", e);
        }
    }
}
