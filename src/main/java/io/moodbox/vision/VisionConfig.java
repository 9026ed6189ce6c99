package io.moodbox.vision;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How faces are found. {@code detector}: which detector ({@code auto} = the measured best one
 * that is available). {@code detectWidth}: frames are shrunk to this width (px) before detection,
 * for speed. {@code minFacePx}: smallest face side, in frame pixels, worth reading (24: a face
 * 3-4 m from a 640x480 camera). {@code minConfidence}: 0..1. {@code maxFaces}: largest faces kept per frame.
 * {@code blazefaceModel}: a BlazeFace full-range .tflite to use instead of the one the build
 * bundles; null for the bundled one. {@code fullSearchEvery}: the whole frame is searched on one
 * frame in this many (1..60); the frames between search only around the faces already known,
 * and a lost face or a changed picture brings the full search forward at once. {@code ssdPrecision}:
 * the SSD face model's arithmetic, int8 (calibrated ranges; far less memory) or float32 (to compare).
 */
public record VisionConfig(Detector detector, int detectWidth, int minFacePx, double minConfidence, int maxFaces,
                           Path blazefaceModel, int fullSearchEvery, SsdPrecision ssdPrecision) {

    /** How the SSD face model computes (docs/seeing.md: int8 finds as many faces in far less memory). */
    public enum SsdPrecision {
        INT8, FLOAT32;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static SsdPrecision parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException("vision.ssd-precision must be int8 or float32, was '" + s + "'");
            }
        }
    }

    /** The measured default precision (docs/seeing.md). */
    public static final SsdPrecision DEFAULT_SSD_PRECISION = SsdPrecision.INT8;

    /** With the default SSD precision. */
    public VisionConfig(Detector detector, int detectWidth, int minFacePx, double minConfidence, int maxFaces,
                        Path blazefaceModel, int fullSearchEvery) {
        this(detector, detectWidth, minFacePx, minConfidence, maxFaces, blazefaceModel, fullSearchEvery, DEFAULT_SSD_PRECISION);
    }

    /** The most frames between two full searches: at 15 fps a new, quiet face waits at most 4 s. */
    public static final int MAX_FULL_SEARCH_EVERY = 60;

    public enum Detector {
        AUTO, HAAR, CASCADES, BLAZEFACE, SSD;

        public String key() { return name().toLowerCase(Locale.ROOT); }

        public static Detector parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException("vision.detector must be one of auto, haar, cascades, blazeface, ssd, was '" + s + "'");
            }
        }
    }

    public VisionConfig {
        if (detector == null) throw new ConfigException("vision.detector must be one of auto, haar, cascades, blazeface, ssd");
        if (detectWidth < 160 || detectWidth > 1920)
            throw new ConfigException("vision.detect-width must be 160..1920 pixels, was " + detectWidth);
        if (minFacePx < 24 || minFacePx > 1000)
            throw new ConfigException("vision.min-face-px must be 24..1000, was " + minFacePx);
        if (!(minConfidence >= 0 && minConfidence <= 1))
            throw new ConfigException("vision.min-confidence must be 0..1, was " + minConfidence);
        if (maxFaces < 1 || maxFaces > 32) throw new ConfigException("vision.max-faces must be 1..32, was " + maxFaces);
        if (fullSearchEvery < 1 || fullSearchEvery > MAX_FULL_SEARCH_EVERY)
            throw new ConfigException("vision.full-search-every must be 1..%d frames (1: every frame), was %d"
                    .formatted(MAX_FULL_SEARCH_EVERY, fullSearchEvery));
        if (ssdPrecision == null) throw new ConfigException("vision.ssd-precision must be int8 or float32");
    }

    /** The {@code vision.*} keys. */
    public static VisionConfig from(Reader reader) {
        Reader r = reader.group("vision", "Faces");
        return new VisionConfig(
                r.choice("detector", Detector.AUTO, "Face detector", "auto (the measured best on real photos: the SSD checked by BlazeFace), ssd (the SSD and a cascade, unchecked: more faces, more false ones), cascades, haar or blazeface; docs/seeing.md compares them."),
                r.integer("detect-width", 400, "Detection width", "Frames are shrunk to this width in pixels before detection, for speed (160..1920)."),
                r.integer("min-face-px", 24, "Smallest face", "Smallest face side worth reading, in frame pixels (24..1000); a face 3-4 m from a 640x480 camera is about 24."),
                r.decimal("min-confidence", 0.5, "Least confidence", "Detections below this confidence (0..1) are ignored."),
                r.integer("max-faces", 8, "Most faces", "Most faces read per frame, largest first (1..32)."),
                r.path("blazeface-model", "", "BlazeFace model", "A BlazeFace full-range .tflite to use instead of the bundled one; empty for the bundled one."),
                r.integer("full-search-every", 10, "Full search every", "Search the whole frame on one frame in this many (1..60; 1 = every frame); in between only around the faces already known."),
                r.choice("ssd-precision", DEFAULT_SSD_PRECISION, "SSD arithmetic", "The SSD face model's arithmetic: int8 (calibrated ahead; about 80 MB less memory) or float32 (to compare)."));
    }

    /**
     * The defaults: the best measured detector, 400 px detection width, faces from 24 px, up to 8,
     * the whole frame searched every 10th frame (docs/seeing.md: the bench's speed and recall).
     */
    public static VisionConfig defaults() {
        return from(Reader.defaults());
    }

    public VisionConfig withDetector(Detector d) {
        return new VisionConfig(d, detectWidth, minFacePx, minConfidence, maxFaces, blazefaceModel, fullSearchEvery, ssdPrecision);
    }

    public VisionConfig withDetectWidth(int px) {
        return new VisionConfig(detector, px, minFacePx, minConfidence, maxFaces, blazefaceModel, fullSearchEvery, ssdPrecision);
    }

    /** 1 searches every frame in full: for unrelated images (classify) or to compare. */
    public VisionConfig withFullSearchEvery(int frames) {
        return new VisionConfig(detector, detectWidth, minFacePx, minConfidence, maxFaces, blazefaceModel, frames, ssdPrecision);
    }

    public VisionConfig withSsdPrecision(SsdPrecision p) {
        return new VisionConfig(detector, detectWidth, minFacePx, minConfidence, maxFaces, blazefaceModel, fullSearchEvery, p);
    }
}
