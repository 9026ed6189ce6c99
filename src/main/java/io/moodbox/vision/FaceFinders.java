package io.moodbox.vision;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Opens the {@link FaceFinder} a {@link VisionConfig} asks for. */
public final class FaceFinders {
    private static final Logger log = LoggerFactory.getLogger(FaceFinders.class);
    /** Side of the FER2013 faces the emotion model reads. */
    public static final int CROP_SIZE = 48;

    private FaceFinders() {}

    public static FaceFinder open(VisionConfig config) {
        return new StagedFaceFinder(detector(config), new FacePreparer(CROP_SIZE), config);
    }

    /**
     * Checks, before a save, that the files the config names load as the next start would load
     * them: {@code vision.blazeface-model}, when set, is a BlazeFace full-range .tflite the
     * interpreter runs. Throws {@link io.moodbox.config.ConfigException} naming the key.
     */
    public static void check(VisionConfig config) {
        if (config.blazefaceModel() == null) return;
        try {
            new BlazeFaceDetector(config.blazefaceModel(), config.minConfidence()).close();
        } catch (io.moodbox.config.MoodboxException e) {
            throw new io.moodbox.config.ConfigException("vision.blazeface-model " + config.blazefaceModel() + " cannot be used: "
                    + e.getMessage() + "; give a BlazeFace full-range .tflite, or leave it empty for the bundled one", e);
        }
    }

    static FaceDetector detector(VisionConfig config) {
        return switch (config.detector()) {
            case HAAR -> new HaarDetector(config.detectWidth(), config.minFacePx());
            case CASCADES -> cascades(config);
            case BLAZEFACE -> {
                if (config.blazefaceModel() == null && !BlazeFaceDetector.bundled()) {
                    log.warn("This build has no BlazeFace model (npm was unreachable when it was built): using the Haar cascades");
                    yield cascades(config);
                }
                yield new BlazeFaceDetector(config.blazefaceModel(), config.minConfidence());
            }
            case SSD -> ssdOrCascades(config);
            // Measured on generated FER scenes (docs/seeing.md): the SSD with the frontal cascade finds 95% of
            // FER's faces at 98% precision, the SSD alone 93%, the union of two cascades 73-78%, one
            // cascade 65-70%, BlazeFace 27-42%. That search costs about twice the two cascades', paid
            // only on the frames that search the whole frame; the cascades follow the known faces between.
            case AUTO -> ssdOrCascades(config);
        };
    }

    /**
     * The SSD and the frontal cascade searching the whole frame (the cascade adds the large faces
     * the SSD misses), the two cascades following known faces; the cascades alone where this build
     * has no SSD weights.
     */
    static FaceDetector ssdOrCascades(VisionConfig config) {
        return ssdOrCascades(config, SsdFaceDetector.bundled());
    }

    static FaceDetector ssdOrCascades(VisionConfig config, boolean ssdBundled) {
        if (!ssdBundled) {
            log.warn("This build has no SSD face model (npm was unreachable when it was built): using the Haar cascades, which find fewer faces");
            return cascades(config);
        }
        var opened = new ArrayList<FaceDetector>();
        try {
            opened.add(new SsdFaceDetector(config.ssdPrecision()));
            opened.add(new HaarDetector(config.detectWidth(), config.minFacePx()));
            FaceDetector search = new UnionDetector(List.copyOf(opened));
            opened.clear();
            opened.add(search);
            return new SearchFollowDetector(search, cascades(config));
        } catch (RuntimeException e) {
            for (FaceDetector d : opened) d.close();
            throw e;
        }
    }

    /** The default frontal cascade, then alt2 for the faces it misses. */
    static FaceDetector cascades(VisionConfig config) {
        int width = config.detectWidth(), min = config.minFacePx();
        FaceDetector first = new HaarDetector(width, min);
        try {
            return new UnionDetector(List.of(first, new HaarDetector(HaarDetector.ALT2, width, min, 1.2, 3, false, false)));
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }
}
