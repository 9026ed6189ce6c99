package io.moodbox.emotion;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.nio.file.Path;

/**
 * Settings of the emotion stage. {@code model} is the int8 .tflite file ({@code emotion.model});
 * {@code threads} the interpreter's CPU threads ({@code emotion.threads}, 1..4);
 * {@code flipAverage} also reads each face mirrored and averages the two
 * ({@code emotion.flip-average}: steadier scores for twice the model time; on by default, as it
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

    /** The {@code emotion.*} keys. */
    public static EmotionConfig from(Reader reader) {
        Reader r = reader.group("emotion", "Emotions");
        return new EmotionConfig(
                r.path("model", DEFAULT_MODEL.toString(), "Emotion model", "The int8 emotion model (.tflite), relative to the working directory (the install puts it beside the jar)."),
                r.integer("threads", 1, "Model threads", "CPU threads the emotion model may use (1..4)."),
                r.bool("flip-average", true, "Read mirrored too", "Also read each face mirrored and average the two: steadier scores for twice the model time."));
    }

    /** As the box reads by default: the shipped model, one thread, flip averaging. */
    public static EmotionConfig defaults() { return from(Reader.defaults()); }
}
