package io.moodbox.emotion;

import io.moodbox.config.ConfigException;

import java.nio.file.Path;

/**
 * Settings of the emotion stage. {@code model} is the int8 .tflite file ({@code emotion.model});
 * {@code threads} the interpreter's CPU threads ({@code emotion.threads}, 1..4);
 * {@code flipAverage} also reads each face mirrored and averages the two
 * ({@code emotion.flip_average}: steadier scores for twice the model time; on by default, as it
 * measured 1.2 points better on PublicTest).
 */
public record EmotionConfig(Path model, int threads, boolean flipAverage) {
    /** The shipped model, relative to the working directory (the install puts it beside the jar). */
    public static final Path DEFAULT_MODEL = Path.of("models/emotion-minixception-int8.tflite");

    public EmotionConfig {
        if (model == null) throw new ConfigException("emotion.model must name a .tflite file");
        if (threads < 1 || threads > 4)
            throw new ConfigException("emotion.threads must be 1..4, was " + threads);
    }

    /** The plain reading, one pass per face: what the model itself scores. */
    public EmotionConfig(Path model, int threads) { this(model, threads, false); }

    /** As the box reads by default: the shipped model, one thread, flip averaging. */
    public static EmotionConfig defaults() { return new EmotionConfig(DEFAULT_MODEL, 1, true); }
}
