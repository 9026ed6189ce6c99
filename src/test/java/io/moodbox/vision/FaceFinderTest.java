package io.moodbox.vision;

import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Detection and preparation on generated scenes with known boxes. */
class FaceFinderTest {

    static VisionConfig haar(int detectWidth) {
        return new VisionConfig(VisionConfig.Detector.HAAR, detectWidth, 48, 0.0, 8, null, 1);
    }

    @Test
    void haarFindsMostFacesOnGeneratedScenesAndInventsFew() {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(21));
        var score = new SceneScore(0, 0, 0);
        try (FaceFinder finder = FaceFinders.open(haar(640))) {
            for (int seg = 0; seg < 30; seg++) {
                var scene = gen.scene(seg * gen.framesPerSegment());
                List<FaceCrop> found = finder.find(scene.frame());
                for (FaceCrop c : found) {
                    assertEquals(48, c.size());
                    assertTrue(c.confidence() > 0 && c.confidence() <= 1);
                }
                score = score.plus(SceneScore.of(scene.faces(), found));
            }
        }
        System.out.printf("haar@640 on %d faces: recall %.3f precision %.3f%n", score.truth(), score.recall(), score.precision());
        // Floors sit under the measured figures (docs/seeing.md): Haar misses many of FER's harder faces.
        assertTrue(score.recall() >= 0.65, "recall " + score.recall());
        assertTrue(score.precision() >= 0.95, "precision " + score.precision());
    }

    /** The union of two frontal cascades (the fallback without SSD weights) finds more faces than the first alone, as precisely. */
    @Test
    void theUnionOfCascadesFindsMoreThanOneCascade() {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(25));
        var one = new SceneScore(0, 0, 0);
        var union = new SceneScore(0, 0, 0);
        var every = VisionConfig.defaults().withFullSearchEvery(1);
        try (FaceFinder single = FaceFinders.open(every.withDetector(VisionConfig.Detector.HAAR));
             FaceFinder all = FaceFinders.open(every.withDetector(VisionConfig.Detector.CASCADES))) {
            for (int seg = 0; seg < 40; seg++) {
                var scene = gen.scene(seg * gen.framesPerSegment());
                one = one.plus(SceneScore.of(scene.faces(), single.find(scene.frame())));
                union = union.plus(SceneScore.of(scene.faces(), all.find(scene.frame())));
            }
        }
        System.out.printf("on %d faces: frontal cascade recall %.3f precision %.3f; union recall %.3f precision %.3f%n",
                one.truth(), one.recall(), one.precision(), union.recall(), union.precision());
        assertTrue(union.recall() >= one.recall() + 0.04, "union " + union.recall() + " against " + one.recall());
        assertTrue(union.precision() >= 0.97, "precision " + union.precision());
    }

    @Test
    void theUnionMergesBoxesOfOneFaceAndPrefersTheFirstCascade() {
        var kept = new java.util.ArrayList<Box>(List.of(new Box(100, 100, 60, 60, 0.6)));
        UnionDetector.merge(kept, List.of(new Box(110, 95, 55, 55, 0.9), new Box(300, 100, 50, 50, 0.7)));
        assertEquals(List.of(new Box(100, 100, 60, 60, 0.6), new Box(300, 100, 50, 50, 0.7)), kept);
    }

    @Test
    void roomsWithoutFacesGiveAlmostNoDetections() {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(22).withFaces(0, 0));
        int found = 0, frames = 30;
        try (FaceFinder finder = FaceFinders.open(haar(640)); FaceFinder union = FaceFinders.open(VisionConfig.defaults().withDetector(VisionConfig.Detector.CASCADES))) {
            for (int seg = 0; seg < frames; seg++) {
                found += finder.find(gen.scene(seg * gen.framesPerSegment()).frame()).size();
                found += union.find(gen.scene(seg * gen.framesPerSegment()).frame()).size();
            }
        }
        assertTrue(found <= 2, found + " false faces in " + frames + " empty rooms, by the frontal cascade and the union");
    }

    @Test
    void aBlankFrameHasNoFaces() {
        try (FaceFinder finder = FaceFinders.open(haar(320))) {
            assertEquals(List.of(), finder.find(new Frame(0, 0, 640, 480, new byte[640 * 480 * 3])));
            // Frames change size (an image folder): tiny, odd-sized, then normal again.
            assertEquals(List.of(), finder.find(new Frame(1, 0, 16, 12, new byte[16 * 12 * 3])));
            assertEquals(List.of(), finder.find(new Frame(2, 0, 333, 217, new byte[333 * 217 * 3])));
            assertEquals(List.of(), finder.find(new Frame(3, 0, 640, 480, new byte[640 * 480 * 3])));
        }
    }

    /**
     * A FER face pasted into a scene and cut out again along its true box is the original face:
     * exactly at 48 px; at other sizes up to the blur of resampling twice (sharp faces lose most).
     */
    @Test
    void preparationReproducesTheFerCrop() {
        checkRoundTrip(SceneGenerator.Options.defaults(23), 9.0);
    }

    @Test
    void preparationAtTheFerSizeIsExact() {
        checkRoundTrip(SceneGenerator.Options.defaults(24).withSizes(48, 48), 0.7);
    }

    private void checkRoundTrip(SceneGenerator.Options options, double maxMeanDiff) {
        var gen = Scenes.generator(options);
        var byIndex = new java.util.HashMap<Integer, Fer2013.Face>();
        for (var f : Scenes.faces()) byIndex.put(f.index(), f);
        var prep = new FacePreparer(48);
        int checked = 0;
        for (int seg = 0; seg < 10; seg++) {
            var scene = gen.scene(seg * gen.framesPerSegment());
            Frame fr = scene.frame();
            try (var bgr = new Mat(fr.height(), fr.width(), opencv_core.CV_8UC3, new BytePointer(fr.bgr()));
                 var gray = new Mat()) {
                org.bytedeco.opencv.global.opencv_imgproc.cvtColor(bgr, gray, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
                for (var t : scene.faces()) {
                    byte[] crop = prep.prepare(gray, new double[]{t.x(), t.y(), t.size()});
                    Fer2013.Face face = byIndex.get(t.ferIndex());
                    // Inside the feathered rim the crop must be the FER face, up to resampling (up, then area-down:
                    // a slight blur) and the tint's rounding.
                    double signed = 0, diff = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
                    int n = 0;
                    for (int y = 3; y < 45; y++)
                        for (int x = 3; x < 45; x++, n++) {
                            int a = crop[y * 48 + x] & 255, b = face.pixel(x, y);
                            diff += Math.abs(a - b); signed += a - b;
                            sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b;
                        }
                    double corr = (n * sab - sa * sb) / Math.sqrt((n * saa - sa * sa) * (n * sbb - sb * sb));
                    assertTrue(Math.abs(signed / n) < 1.0, "face " + t + " is " + signed / n + " gray levels off in brightness");
                    assertTrue(diff / n < maxMeanDiff, "face " + t + " differs by " + diff / n + " gray levels on average");
                    assertTrue(corr > 0.98, "face " + t + " correlates only " + corr + " with the original");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 10);
    }
}
