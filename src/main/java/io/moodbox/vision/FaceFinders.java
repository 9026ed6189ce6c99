package io.moodbox.vision;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the {@link FaceFinder} a {@link VisionConfig} asks for. */
public final class FaceFinders {
    private static final Logger log = LoggerFactory.getLogger(FaceFinders.class);
    /** Side of the FER2013 faces the emotion model reads. */
    public static final int CROP_SIZE = 48;

    private FaceFinders() {}

    public static FaceFinder open(VisionConfig config) {
        return new StagedFaceFinder(detector(config), new FacePreparer(CROP_SIZE), config);
    }

    static FaceDetector detector(VisionConfig config) {
        return switch (config.detector()) {
            case HAAR -> new HaarDetector(config.detectWidth(), config.minFacePx());
            case BLAZEFACE -> {
                if (config.blazefaceModel() == null && !BlazeFaceDetector.bundled()) {
                    log.warn("This build has no BlazeFace model (npm was unreachable when it was built): using the Haar cascade");
                    yield new HaarDetector(config.detectWidth(), config.minFacePx());
                }
                yield new BlazeFaceDetector(config.blazefaceModel(), config.minConfidence());
            }
            // Measured on generated FER scenes (README): the cascade finds far more of FER's faces
            // than BlazeFace full-range (71% against 27-42% recall), which is fast but misses small faces.
            case AUTO -> new HaarDetector(config.detectWidth(), config.minFacePx());
        };
    }
}
