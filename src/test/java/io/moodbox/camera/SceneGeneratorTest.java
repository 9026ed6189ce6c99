package io.moodbox.camera;

import io.moodbox.testing.Scenes;
import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.*;

class SceneGeneratorTest {

    @Test
    void scenesAreDeterministicAndFacesFitTheFrameWithoutOverlap() {
        var opts = SceneGenerator.Options.defaults(3);
        var a = Scenes.generator(opts);
        var b = Scenes.generator(opts);
        int faces = 0, room = 0;
        for (int seg = 0; seg < 40; seg++) {
            long i = seg * a.framesPerSegment() + 1;
            var sa = a.scene(i);
            var sb = b.scene(i);
            assertArrayEquals(sa.frame().bgr(), sb.frame().bgr(), "same seed, same frame");
            assertEquals(sa.faces(), sb.faces());
            assertEquals(640, sa.frame().width());
            assertEquals(480, sa.frame().height());
            assertTrue(sa.faces().size() >= 1 && sa.faces().size() <= 4);
            for (var t : sa.faces()) {
                assertTrue(t.x() >= 0 && t.y() >= 0 && t.x() + t.size() <= 640 && t.y() + t.size() <= 480, t.toString());
                assertTrue(t.size() >= 48 && t.size() <= 200, t.toString());
                for (var u : sa.faces()) if (u != t) assertEquals(0, t.iou(u.x(), u.y(), u.size(), u.size()), 1e-9);
                faces++;
                if (t.label() == sa.roomLabel()) room++;
            }
            if (seg > 0) assertNotEquals(a.roomLabel(seg - 1), sa.roomLabel(), "the room's expression changes each segment");
        }
        assertTrue(room > faces * 0.6, "most faces show the room's expression: " + room + "/" + faces);
    }

    @Test
    void aFrameDrawnIntoAGivenBufferIsTheScenesFrame() {
        var opts = SceneGenerator.Options.defaults(5);
        var a = Scenes.generator(opts);
        var b = Scenes.generator(opts);
        byte[] buf = new byte[640 * 480 * 3];
        for (int seg = 0; seg < 3; seg++) {
            long i = seg * a.framesPerSegment() + 2;
            Frame f = a.frame(i, buf);
            assertSame(buf, f.bgr(), "drawn into the buffer given, no new array");
            assertEquals(i, f.sequence());
            assertArrayEquals(b.scene(i).frame().bgr(), buf, "segment " + seg);
        }
        assertThrows(IllegalArgumentException.class, () -> a.frame(0, new byte[10]));
    }

    @Test
    void theDemoSourceRefillsTheBuffersHandedBack() throws Exception {
        var demo = new DemoSource(new CameraConfig(CameraConfig.Kind.DEMO, "demo", 320, 240, 15, true, false,
                java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(40)));
        Frame a = demo.next().orElseThrow();
        demo.recycle(a);
        Frame b = demo.next().orElseThrow();
        assertSame(a.bgr(), b.bgr());
        Frame c = demo.next().orElseThrow();
        assertNotSame(b.bgr(), c.bgr(), "a frame still held is not handed out again");
        assertEquals(2, c.sequence());
    }

    @Test
    void framesWithinASegmentAreTheSameAndTheNextSegmentDiffers() {
        var g = Scenes.generator(SceneGenerator.Options.defaults(5).withTiming(2.0, 10));
        assertEquals(20, g.framesPerSegment());
        var first = g.scene(0);
        assertArrayEquals(first.frame().bgr(), g.scene(19).frame().bgr());
        assertEquals(1, g.scene(20).segment());
        assertNotEquals(first.faces(), g.scene(20).faces());
        var seen = new HashSet<Integer>();
        for (int s = 0; s < 30; s++) seen.add(g.roomLabel(s));
        assertEquals(7, seen.size(), "every expression comes round");
    }

    @Test
    void emptyScenesHaveNoFaces() {
        var g = Scenes.generator(SceneGenerator.Options.defaults(9).withFaces(0, 0));
        assertTrue(g.scene(0).faces().isEmpty());
    }
}
