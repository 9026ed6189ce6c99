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
            // Finds more of the generated FER scenes' tight, chin-cut faces, and puts far more false faces in real rooms.
            case SSD -> ssdAndHaar(config, SsdFaceDetector.bundled());
            // Chosen on real photographs (docs/seeing.md, "On real photographs"): see SSD_PROPOSAL.
            case AUTO -> ssdOrCascades(config);
        };
    }

    /**
     * Measured on real photographs (ops/real-faces, docs/seeing.md): the SSD's boxes from
     * confidence 0.7, each confirmed by BlazeFace on a crop twice its side, find 90% of the faces
     * at 99% precision with about one false box in 1000 empty frames, where the SSD alone puts 20
     * to 400 there and the frontal cascade adds more. The two cascades follow the known faces
     * between full searches.
     */
    static final double SSD_PROPOSAL = 0.7, CHECK_ZOOM = 2, CHECK_SCORE = 0.5;

    /**
     * The SSD checked by BlazeFace searching the whole frame, the two cascades following; the SSD
     * alone at {@link #SSD_PROPOSAL} where the build has no BlazeFace, the cascades alone where it
     * has no SSD weights.
     */
    static FaceDetector ssdOrCascades(VisionConfig config) {
        // The bundled BlazeFace checks: vision.blazeface-model is the owner's model for vision.detector=blazeface.
        return ssdOrCascades(config, SsdFaceDetector.bundled(), BlazeFaceDetector.bundled());
    }

    static FaceDetector ssdOrCascades(VisionConfig config, boolean ssdBundled, boolean blazeBundled) {
        return ssdSearch(config, ssdBundled, opened -> {
            if (!blazeBundled) {
                log.warn("This build has no BlazeFace model (npm was unreachable when it was built): the SSD's faces go unchecked, so expect more false faces");
                return new VerifiedDetector(opened.get(0), null, 1, SSD_PROPOSAL);
            }
            opened.add(new BlazeFaceDetector(null, CHECK_SCORE));
            return new VerifiedDetector(opened.get(0), opened.get(1), CHECK_ZOOM, SSD_PROPOSAL);
        });
    }

    /**
     * The SSD and the frontal cascade searching the whole frame (the cascade adds the large faces
     * the SSD misses), unchecked, the two cascades following: the default before the real-photo
     * set; the cascades alone where this build has no SSD weights.
     */
    static FaceDetector ssdAndHaar(VisionConfig config, boolean ssdBundled) {
        return ssdSearch(config, ssdBundled, opened -> {
            opened.add(new HaarDetector(config.detectWidth(), config.minFacePx()));
            return new UnionDetector(List.copyOf(opened));
        });
    }

    /**
     * A whole-frame search built around the SSD ({@code search} gets the opened detectors, the
     * SSD first, and adds any it opens), the two cascades following; everything opened is closed
     * again if a part fails. The cascades alone where this build has no SSD weights.
     */
    private static FaceDetector ssdSearch(VisionConfig config, boolean ssdBundled,
                                          java.util.function.Function<List<FaceDetector>, FaceDetector> search) {
        if (!ssdBundled) {
            log.warn("This build has no SSD face model (npm was unreachable when it was built): using the Haar cascades, which find fewer faces");
            return cascades(config);
        }
        var opened = new ArrayList<FaceDetector>();
        try {
            opened.add(new SsdFaceDetector(config.ssdPrecision()));
            FaceDetector whole = search.apply(opened);
            opened.clear();
            opened.add(whole);
            return new SearchFollowDetector(whole, cascades(config));
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
