package io.moodbox.vision;

import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.config.ConfigException;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Detect-then-track: the whole frame is searched now and then, known faces are followed in
 * between, and a lost face, a changed picture or a new face is handled within the promised frames.
 * Faces are cut from generated scenes and pasted, moving, onto an empty generated room.
 */
class TrackingTest {

    static VisionConfig every(int frames) {
        return new VisionConfig(VisionConfig.Detector.HAAR, 400, 48, 0.5, 8, null, frames);
    }

    /** A face patch (its true box grown by a quarter of its side) and where the face sits in it. */
    record Patch(byte[] bgr, int side, int faceOffset, int faceSide) {}

    /** The first single-face scene, faces of {@code minPx..maxPx}, whose face the full search finds. */
    static Patch patch(long seed, int minPx, int maxPx) {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(seed).withFaces(1, 1).withSizes(minPx, maxPx));
        try (FaceFinder finder = FaceFinders.open(every(1))) {
            for (int seg = 0; seg < 40; seg++) {
                var scene = gen.scene(seg * gen.framesPerSegment());
                var t = scene.faces().get(0);
                int m = t.size() / 4, side = t.size() + 2 * m;
                if (t.x() - m < 0 || t.y() - m < 0 || t.x() + t.size() + m > 640 || t.y() + t.size() + m > 480) continue;
                if (SceneScore.of(scene.faces(), finder.find(scene.frame())).matched() != 1) continue;
                byte[] px = new byte[side * side * 3];
                for (int y = 0; y < side; y++)
                    System.arraycopy(scene.frame().bgr(), ((t.y() - m + y) * 640 + t.x() - m) * 3, px, y * side * 3, side * 3);
                return new Patch(px, side, m, t.size());
            }
        }
        throw new AssertionError("no findable face in 40 scenes");
    }

    static byte[] emptyRoom(long seed) {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(seed).withFaces(0, 0));
        return gen.scene(0).frame().bgr().clone();
    }

    static Frame frame(long seq, byte[] room, Patch p, int x, int y) {
        return frame(seq, room, List.of(p), List.of(new int[]{x, y}));
    }

    /** The room with each patch's top-left corner at its place. */
    static Frame frame(long seq, byte[] room, List<Patch> patches, List<int[]> at) {
        byte[] bgr = room.clone();
        for (int i = 0; i < patches.size(); i++) {
            Patch p = patches.get(i);
            for (int y = 0; y < p.side(); y++)
                System.arraycopy(p.bgr(), y * p.side() * 3, bgr, ((at.get(i)[1] + y) * 640 + at.get(i)[0]) * 3, p.side() * 3);
        }
        return new Frame(seq, seq * 66_666_667L, 640, 480, bgr);
    }

    @Test
    void aMovingFaceIsFollowedWithItsNumberAndFewFullSearches() {
        Patch p = patch(41, 90, 110);
        byte[] room = emptyRoom(42);
        int fullSearches = 0;
        long id = -1;
        double side0 = 0;
        try (FaceFinder finder = FaceFinders.open(every(8))) {
            for (int f = 0; f < 24; f++) {
                int x = 100 + 6 * f, y = 80 + 3 * f; // 90 px/s to the right at 15 fps
                List<FaceCrop> found = finder.find(frame(f, room, p, x, y));
                assertEquals(1, found.size(), "frame " + f + ": " + found);
                FaceCrop c = found.get(0);
                double cx = c.x() + c.width() / 2.0, cy = c.y() + c.height() / 2.0;
                double tx = x + p.faceOffset() + p.faceSide() / 2.0, ty = y + p.faceOffset() + p.faceSide() / 2.0;
                assertTrue(Math.hypot(cx - tx, cy - ty) < 0.12 * p.faceSide(),
                        "frame " + f + ": box centre " + cx + "," + cy + " is off the face at " + tx + "," + ty);
                double side = Math.sqrt((double) c.width() * c.height());
                if (f == 0) side0 = side;
                assertEquals(1, side / side0, 0.15, "frame " + f + ": the box's side drifted from the first frame's");
                if (f == 0) id = c.track();
                assertTrue(c.track() > 0);
                assertEquals(id, c.track(), "frame " + f + ": the face changed its number");
                if (finder.lastTimings().fullSearch()) fullSearches++;
            }
        }
        // Frames 0, 8 and 16 search the whole frame; the rest follow the face in its region.
        assertEquals(3, fullSearches, "full searches in 24 frames");
    }

    @Test
    void aNewFaceThatBarelyChangesThePictureIsFoundWithinThePeriod() {
        Patch a = patch(43, 100, 120);
        byte[] room = emptyRoom(45);
        List<int[]> at = List.of(new int[]{60, 60}, new int[]{420, 300});
        Patch b = null;
        // A small face that the full search finds where it is pasted (its new surroundings matter).
        try (FaceFinder reference = FaceFinders.open(every(1))) {
            for (long seed = 44; b == null && seed < 60; seed++) {
                Patch candidate = patch(seed, 50, 60);
                if (reference.find(frame(0, room, List.of(a, candidate), at)).size() == 2) b = candidate;
            }
        }
        assertNotNull(b, "no small face the full search finds in this room");
        int period = 6;
        try (FaceFinder finder = FaceFinders.open(every(period))) {
            assertEquals(1, finder.find(frame(0, room, a, 60, 60)).size());
            long idA = finder.find(frame(1, room, a, 60, 60)).get(0).track();
            int foundAt = -1;
            for (int f = 2; f < 2 + period; f++) {
                List<FaceCrop> found = finder.find(frame(f, room, List.of(a, b), at));
                if (found.size() == 2) {
                    foundAt = f;
                    assertEquals(idA, found.get(0).track(), "the known, larger face keeps its number");
                    assertNotEquals(idA, found.get(1).track());
                    break;
                }
                assertEquals(1, found.size());
            }
            assertTrue(foundAt >= 2, "the new face was not found within " + period + " frames");
        }
    }

    @Test
    void aCutToAnotherSceneIsSearchedInFullAtOnce() {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(46));
        int every = 30, checked = 0;
        try (FaceFinder tracking = FaceFinders.open(every(every)); FaceFinder full = FaceFinders.open(every(1))) {
            for (int seg = 0; seg < 8; seg++) {
                var scene = gen.scene(seg * gen.framesPerSegment());
                for (int f = 0; f < 3; f++) {
                    List<FaceCrop> got = tracking.find(scene.frame());
                    assertEquals(f == 0, tracking.lastTimings().fullSearch(), "segment " + seg + " frame " + f);
                    if (f == 0) {
                        // The first frame of a new scene holds the new scene's faces, not the old ones.
                        assertEquals(boxes(full.find(scene.frame())), boxes(got), "segment " + seg);
                        checked += got.size();
                    }
                }
            }
        }
        assertTrue(checked >= 8);
    }

    @Test
    void aFaceThatLeavesIsDroppedOnTheNextFrame() {
        Patch p = patch(47, 80, 100);
        byte[] room = emptyRoom(48);
        try (FaceFinder finder = FaceFinders.open(every(30))) {
            for (int f = 0; f < 3; f++) assertEquals(1, finder.find(frame(f, room, p, 300, 200)).size());
            assertEquals(List.of(), finder.find(new Frame(3, 0, 640, 480, room.clone())));
            assertTrue(finder.lastTimings().fullSearch(), "a lost face brings the full search forward");
            assertEquals(List.of(), finder.find(new Frame(4, 0, 640, 480, room.clone())));
            assertFalse(finder.lastTimings().fullSearch(), "an empty room waits for its turn");
        }
    }

    /** Over still scenes, following finds on every frame what searching every frame finds. */
    @Test
    void followingFindsWhatTheFullSearchFinds() {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(49));
        var tracked = new SceneScore(0, 0, 0);
        var searched = new SceneScore(0, 0, 0);
        int fullFrames = 0, frames = 0;
        try (FaceFinder tracking = FaceFinders.open(every(5)); FaceFinder full = FaceFinders.open(every(1))) {
            for (int seg = 0; seg < 25; seg++) {
                var scene = gen.scene(seg * gen.framesPerSegment());
                var reference = SceneScore.of(scene.faces(), full.find(scene.frame()));
                for (int f = 0; f < 7; f++, frames++) {
                    tracked = tracked.plus(SceneScore.of(scene.faces(), tracking.find(scene.frame())));
                    searched = searched.plus(reference);
                    if (tracking.lastTimings().fullSearch()) fullFrames++;
                }
            }
        }
        System.out.printf("tracking: recall %.3f precision %.3f, %d of %d frames searched in full; every frame: recall %.3f precision %.3f%n",
                tracked.recall(), tracked.precision(), fullFrames, frames, searched.recall(), searched.precision());
        assertTrue(tracked.matched() >= searched.matched(), tracked + " against " + searched);
        assertTrue(tracked.precision() >= 0.97, "precision " + tracked.precision());
        // Each scene's first frame and the period's turn; a few more where a face is hard to follow.
        assertTrue(fullFrames <= 25 * 2 + 10, fullFrames + " full searches in " + frames + " frames");
    }

    @Test
    void theChangeMeterSeesCutsAndIgnoresKnownFaces() {
        byte[] room = emptyRoom(50), other = emptyRoom(51);
        try (var meter = new ChangeMeter(); var gray = new Mat()) {
            assertEquals(1.0, share(meter, room, gray, List.of()), "first frame");
            assertEquals(0.0, share(meter, room, gray, List.of()), "the same picture");
            assertTrue(share(meter, other, gray, List.of()) > 0.3, "another room");
            byte[] lit = room.clone();
            // A bright square of 200x160 px: a tenth of the picture.
            for (int y = 100; y < 260; y++) for (int x = 100; x < 300; x++) for (int c = 0; c < 3; c++) lit[(y * 640 + x) * 3 + c] = (byte) 250;
            share(meter, room, gray, List.of());
            double seen = share(meter, lit, gray, List.of());
            assertTrue(seen > 0.08 && seen < 0.14, "share " + seen);
            assertEquals(1.0, meter.changedIn(new Box(120, 120, 150, 120, 1)), 1e-9);
            share(meter, room, gray, List.of());
            assertEquals(0.0, share(meter, lit, gray, List.of(new Box(90, 90, 220, 180, 1))), 1e-9, "inside a known face's region");
        }
    }

    private static double share(ChangeMeter meter, byte[] bgrBytes, Mat gray, List<Box> ignore) {
        try (var bgr = new Mat(480, 640, opencv_core.CV_8UC3, new BytePointer(bgrBytes))) {
            opencv_imgproc.cvtColor(bgr, gray, opencv_imgproc.COLOR_BGR2GRAY);
            return meter.update(gray, ignore);
        }
    }

    @Test
    void theSettingIsChecked() {
        for (int bad : new int[]{0, -1, 61}) {
            var e = assertThrows(ConfigException.class, () -> every(bad));
            assertTrue(e.getMessage().contains("vision.full-search-every") && e.getMessage().contains("1..60"), e.getMessage());
        }
        assertEquals(1, every(1).fullSearchEvery());
        assertEquals(10, VisionConfig.defaults().fullSearchEvery());
    }

    private static List<String> boxes(List<FaceCrop> crops) {
        var out = new ArrayList<String>();
        for (FaceCrop c : crops) out.add(c.x() / 4 + "," + c.y() / 4 + " " + c.width() / 4);
        return out;
    }
}
