package io.moodbox.vision;

import io.moodbox.detector.SsdModel;
import io.moodbox.detector.SsdRanges;
import io.moodbox.detector.TfjsWeights;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SSD's weights as the build fetched them ({@code target/face-api}) and models the models
 * kit's converter builds from them in memory, for tests and benches that need a model the jar
 * does not ship (the 512x512 square, a probe with every activation an output, other ranges).
 */
final class SsdModels {
    /** Where the pom's fetch-face-api execution puts the npm files. */
    static final Path WEIGHTS = Path.of("target", "face-api", "io", "moodbox", "vision");
    static final Path RANGES = Path.of("models", "ssd_int8_ranges.properties");

    private SsdModels() {}

    /** Whether the build fetched the weights (and so converted the bundled models). */
    static boolean fetched() {
        return Files.isRegularFile(WEIGHTS.resolve("ssd_mobilenetv1_model.bin")) && SsdFaceDetector.bundled();
    }

    static TfjsWeights weights() {
        try {
            return TfjsWeights.read(WEIGHTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SsdRanges ranges() {
        return SsdRanges.read(RANGES);
    }

    /** {@code model} in native memory, as the detector and TfliteNet take it. */
    static BytePointer nativeCopy(byte[] model) {
        return new BytePointer(model.length).put(model);
    }

    /** A detector on {@code model} (from {@link SsdModel}) for an input {@code height} px high. */
    static SsdFaceDetector detector(TfjsWeights weights, byte[] model, double minScore, int height) {
        return new SsdFaceDetector(nativeCopy(model), SsdModel.priors(weights, height), minScore, height);
    }
}
