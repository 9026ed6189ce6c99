package io.moodbox.trainer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The geometric parts can be switched off one by one (for the recipe's ablations) without moving any draw. */
class AugmentTest {
    private static final int N = Augment.S * Augment.S;

    private static byte[] face() {
        var r = new SplittableRandom(7);
        byte[] b = new byte[N];
        for (int i = 0; i < N; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    private static float[] run(Augment a, byte[] src, long seed) {
        float[] out = new float[N];
        a.random(src, out, 0, new SplittableRandom(seed));
        return out;
    }

    @Test
    void defaultsDrawWhatTheFixedRecipeDrew() {
        var o = Train.Options.parse();
        byte[] f = face();
        for (long seed = 0; seed < 20; seed++)
            assertArrayEquals(run(new Augment(10, 0.1, 0.1), f, seed), run(o.augment(), f, seed));
    }

    @Test
    void everythingOffIsThePlainFace() {
        var o = Train.Options.parse("--flip", "false", "--rotation", "0", "--shift", "0", "--zoom", "0");
        byte[] f = face();
        float[] plain = new float[N];
        Augment.plain(f, plain, 0);
        for (long seed = 0; seed < 20; seed++) assertArrayEquals(plain, run(o.augment(), f, seed), 1e-6f);
    }

    @Test
    void flipOffNeverMirrorsButKeepsTheOtherDraws() {
        byte[] f = face();
        var noFlip = new Augment(false, 0, 0, 0, 0, 0, 0);
        var flip = new Augment(true, 0, 0, 0, 0, 0, 0);
        float[] plain = new float[N], mirrored = new float[N];
        Augment.plain(f, plain, 0);
        Augment.flipped(f, mirrored, 0);
        int flips = 0;
        for (long seed = 0; seed < 40; seed++) {
            assertArrayEquals(plain, run(noFlip, f, seed), 1e-6f);
            float[] out = run(flip, f, seed);
            if (java.util.Arrays.equals(out, mirrored)) flips++;
            // The draw after the flip is the same with flipping on or off.
            var a = new SplittableRandom(seed);
            var b = new SplittableRandom(seed);
            noFlip.random(f, new float[N], 0, a);
            flip.random(f, new float[N], 0, b);
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertTrue(flips > 5 && flips < 35, "about half mirrored, got " + flips);
    }

    @Test
    void badGeometryIsRefusedAndTheRecipeNamesIt() {
        assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--zoom", "1"));
        assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--rotation", "-5"));
        assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--flip", "maybe"));
        assertEquals("--zoom must be a number, got wide",
                assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--zoom", "wide")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--rotation", "Infinity"));
        assertThrows(IllegalArgumentException.class, () -> Train.Options.parse("--lr", "NaN"));
        assertEquals(0.05, Train.Options.parse("--shift", "0.05").shift());
        var r = Train.Options.parse("--flip", "false", "--valid", "3589").recipe();
        assertEquals("false", r.get("flip"));
        assertEquals("3589", r.get("valid"));
        assertFalse(Train.Options.parse().recipe().get("rotation").isEmpty());
    }
}
