package io.moodbox.vision;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    static FaceDetector detector(VisionConfig config) {
        return switch (config.detector()) {
            case HAAR -> new HaarDetector(config.detectWidth(), config.minFacePx());
            case BLAZEFACE -> {
                if (config.blazefaceModel() == null && !BlazeFaceDetector.bundled()) {
                    log.warn("This build has no BlazeFace model (npm was unreachable when it was built): using the Haar cascades");
                    yield cascades(config);
                }
                yield new BlazeFaceDetector(config.blazefaceModel(), config.minConfidence());
            }
            // Measured on generated FER scenes (README): BlazeFace full-range finds 27-42% of FER's
            // faces, the frontal cascade 65-70%, the union with the alt2 cascade 73-78% at the same
            // precision. The union costs two full searches, paid only on the frames that search the
            // whole frame; adding the profile cascade both ways round finds 1-4 points more for
            // twice that again.
            case AUTO -> cascades(config);
        };
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
