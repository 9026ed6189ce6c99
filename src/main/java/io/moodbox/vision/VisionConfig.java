package io.moodbox.vision;

import io.moodbox.config.ConfigException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How faces are found. {@code detector}: which detector ({@code auto} = the measured best one
 * that is available). {@code detectWidth}: frames are shrunk to this width (px) before detection,
 * for speed. {@code minFacePx}: smallest face side, in frame pixels, worth reading (FER faces are
 * 48 px). {@code minConfidence}: 0..1. {@code maxFaces}: largest faces kept per frame.
 * {@code blazefaceModel}: a BlazeFace full-range .tflite to use instead of the one the build
 * bundles; null for the bundled one.
 */
public record VisionConfig(Detector detector, int detectWidth, int minFacePx, double minConfidence, int maxFaces,
                           Path blazefaceModel) {

    public enum Detector {
        AUTO, HAAR, BLAZEFACE;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static Detector parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException("vision.detector must be one of auto, haar, blazeface, was '" + s + "'");
            }
        }
    }

    public VisionConfig {
        if (detector == null) throw new ConfigException("vision.detector must be one of auto, haar, blazeface");
        if (detectWidth < 160 || detectWidth > 1920)
            throw new ConfigException("vision.detect_width must be 160..1920 pixels, was " + detectWidth);
        if (minFacePx < 24 || minFacePx > 1000)
            throw new ConfigException("vision.min_face_px must be 24..1000, was " + minFacePx);
        if (!(minConfidence >= 0 && minConfidence <= 1))
            throw new ConfigException("vision.min_confidence must be 0..1, was " + minConfidence);
        if (maxFaces < 1 || maxFaces > 32) throw new ConfigException("vision.max_faces must be 1..32, was " + maxFaces);
    }

    /** The defaults: the best measured detector, 400 px detection width, faces from 48 px, up to 8. */
    public static VisionConfig defaults() {
        return new VisionConfig(Detector.AUTO, 400, 48, 0.5, 8, null);
    }

    public VisionConfig withDetector(Detector d) {
        return new VisionConfig(d, detectWidth, minFacePx, minConfidence, maxFaces, blazefaceModel);
    }
}
