package io.moodbox.vision;

import io.moodbox.testing.Required;

import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.testing.Scenes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** BlazeFace (where the build could fetch it) on generated scenes with large faces, and on empty frames. */
class BlazeFaceDetectorTest {
    static final VisionConfig CONFIG = new VisionConfig(VisionConfig.Detector.BLAZEFACE, 320, 48, 0.5, 8, null, 1);

    @Test
    void findsLargeFacesAndInventsNone() {
        Required.that(BlazeFaceDetector.bundled(), "this build has no BlazeFace model");
        var gen = Scenes.generator(SceneGenerator.Options.defaults(51).withSizes(140, 200).withFaces(1, 2));
        var score = new SceneScore(0, 0, 0);
        try (FaceFinder finder = FaceFinders.open(CONFIG)) {
            for (int s = 0; s < 20; s++) {
                var scene = gen.scene(s * gen.framesPerSegment());
                score = score.plus(SceneScore.of(scene.faces(), finder.find(scene.frame())));
            }
            assertEquals(List.of(), finder.find(new Frame(0, 0, 640, 480, new byte[640 * 480 * 3])));
        }
        System.out.printf("blazeface on %d large faces: recall %.3f precision %.3f%n", score.truth(), score.recall(), score.precision());
        // Floors under the measured figures (docs/seeing.md): BlazeFace finds about half of FER's large faces.
        assertTrue(score.recall() >= 0.3, "recall " + score.recall());
        assertTrue(score.precision() >= 0.9, "precision " + score.precision());
    }

    @Test
    void weightedSuppressionMergesOverlapsAndKeepsSeparateFaces() {
        var merged = BlazeFaceDetector.weightedNms(List.of(
                new Box(100, 100, 50, 50, 0.9), new Box(104, 100, 50, 50, 0.6), new Box(300, 100, 50, 50, 0.7)));
        assertEquals(2, merged.size());
        assertEquals(0.9, merged.get(0).confidence(), 1e-9);
        assertEquals(100 + 4 * 0.6 / 1.5, merged.get(0).x(), 1e-9, "score-weighted average of the overlapping boxes");
        assertEquals(300, merged.get(1).x(), 1e-9);
    }
}
