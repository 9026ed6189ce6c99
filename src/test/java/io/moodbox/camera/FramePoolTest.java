package io.moodbox.camera;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FramePoolTest {
    @Test
    void reusesWhatIsGivenBackUpToItsBound() {
        FramePool pool = new FramePool(2);
        byte[] a = pool.take(12), b = pool.take(12), c = pool.take(12);
        assertEquals(3, pool.allocated());
        pool.give(a);
        pool.give(b);
        pool.give(c);                       // over the bound: left to the collector
        byte[] x = pool.take(12), y = pool.take(12);
        assertTrue((x == a || x == b) && (y == a || y == b) && x != y, "the two kept spares come back");
        assertEquals(3, pool.allocated());
        pool.take(12);
        assertEquals(4, pool.allocated(), "empty again: a new one");
    }

    @Test
    void aSpareOfAnotherSizeIsDroppedNotReturned() {
        FramePool pool = new FramePool(4);
        pool.give(new byte[12]);
        byte[] b = pool.take(27);
        assertEquals(27, b.length);
        assertEquals(1, pool.allocated());
        pool.take(12);
        assertEquals(2, pool.allocated(), "the 12-byte spare was dropped, so 12 bytes are new");
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FramePool(-1));
    }
}
