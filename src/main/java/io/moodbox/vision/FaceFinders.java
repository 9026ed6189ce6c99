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
        FaceDetector detector = switch (config.detector()) {
            case HAAR, AUTO -> new HaarDetector(config.detectWidth(), config.minFacePx());
            case BLAZEFACE -> throw new io.moodbox.config.ConfigException("vision.detector=blazeface is not built yet");
        };
        return new StagedFaceFinder(detector, new FacePreparer(CROP_SIZE), config);
    }
}
