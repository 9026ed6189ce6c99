package io.moodbox.music;

import java.util.SplittableRandom;

/**
 * A tiny deterministic synthesizer for the sample library and the tests: chords, bass, a melody
 * line and optional drums, in a major or minor key at a given tempo, timbre and energy. Pieces
 * are made by the project itself, so no downloaded or copyrighted audio is ever needed.
 */
final class Synth {
    enum Timbre {
        /** Sine with a touch of second harmonic, slow attack. */
        SOFT,
        /** A few harmonics falling off fast (1/n^2). */
        WARM,
        /** Saw-like: many harmonics (1/n), sharp attack. */
        BRIGHT
    }

    /**
     * What to render. {@code energy} 0..1 scales level and note density; {@code notesPerBeat}
     * is the melody's rate; {@code keyRoot} a pitch class (0 = C).
     */
    record Piece(String name, String mood, double bpm, boolean major, int keyRoot, Timbre timbre,
                 double energy, int notesPerBeat, boolean drums, double seconds) {}

    // Scale degrees (semitones) and chord roots per bar; the progressions lean on the tonic so
    // the key is unambiguous, as in most real songs.
    private static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
    private static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};
    private static final int[][] MAJOR_BARS = {{0, 2, 4}, {3, 5, 0}, {4, 6, 1}, {0, 2, 4}}; // I IV V I (degree indices)
    private static final int[][] MINOR_BARS = {{0, 2, 4}, {3, 5, 0}, {0, 2, 4}, {4, 6, 1}}; // i iv i v

    private Synth() {}

    /** Renders a piece as mono float samples in [-1, 1] at {@code rate} Hz. */
    static float[] render(Piece p, int rate) {
        int n = (int) Math.round(p.seconds() * rate);
        double[] out = new double[n];
        double beat = 60.0 / p.bpm();
        int[] scale = p.major() ? MAJOR : MINOR;
        int[][] bars = p.major() ? MAJOR_BARS : MINOR_BARS;
        SplittableRandom rnd = new SplittableRandom(p.name().hashCode());
        int beats = (int) Math.ceil(p.seconds() / beat);
        double level = 0.08 + 0.5 * p.energy();
        double attack = p.timbre() == Timbre.SOFT ? 0.06 : p.timbre() == Timbre.WARM ? 0.02 : 0.004;
        for (int b = 0; b < beats; b++) {
            double t0 = b * beat;
            int[] chord = bars[(b / 4) % bars.length];
            // Pad: the chord, held for the beat, quieter than the rest.
            for (int d : chord) {
                int midi = 60 + p.keyRoot() + degree(scale, d);
                note(out, rate, t0, beat * 0.98, midi, level * 0.18, attack * 2, 1.2, p.timbre());
            }
            // Bass: the chord root on every beat, the downbeat louder.
            int bass = 36 + p.keyRoot() + degree(scale, chord[0]);
            note(out, rate, t0, beat * 0.9, bass, level * (b % 4 == 0 ? 0.45 : 0.3), attack, 3, Timbre.WARM);
            // Melody: chord tones and neighbouring scale steps, accent on the beat.
            for (int k = 0; k < p.notesPerBeat(); k++) {
                int d = k == 0 ? chord[rnd.nextInt(3)] : chord[rnd.nextInt(3)] + (rnd.nextBoolean() ? 0 : 7);
                int midi = 72 + p.keyRoot() + degree(scale, d);
                double amp = level * (k == 0 ? 0.35 : 0.2);
                note(out, rate, t0 + k * beat / p.notesPerBeat(), beat / p.notesPerBeat() * 0.95, midi, amp, attack, 4, p.timbre());
            }
            if (p.drums()) {
                kick(out, rate, t0, level * 0.9);
                if (b % 2 == 1) noise(out, rate, t0, 0.08, level * 0.2, rnd, 0.6);
                if (p.energy() > 0.5) {
                    for (int h = 0; h < 2; h++) noise(out, rate, t0 + h * beat / 2, 0.03, level * 0.12, rnd, 0.95);
                }
            }
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) Math.tanh(out[i]); // gentle saturation, never clips
        return f;
    }

    private static int degree(int[] scale, int d) {
        return scale[d % 7] + 12 * (d / 7);
    }

    private static void note(double[] out, int rate, double t0, double dur, int midi, double amp, double attack,
                             double decayPerSecond, Timbre timbre) {
        double f0 = 440 * Math.pow(2, (midi - 69) / 12.0);
        int start = (int) (t0 * rate), len = (int) (dur * rate);
        double[] table = wave(f0, rate, timbre);
        double phaseStep = f0 * TABLE / rate, phase = 0;
        double release = Math.min(0.03, dur / 4);
        for (int i = 0; i < len && start + i < out.length; i++) {
            double t = (double) i / rate;
            double env = Math.min(1, t / attack) * Math.exp(-decayPerSecond * t) * Math.min(1, (dur - t) / release);
            int k = (int) phase;
            double frac = phase - k;
            double sample = table[k] + (table[k + 1] - table[k]) * frac;
            out[start + i] += amp * env * sample;
            phase += phaseStep;
            if (phase >= TABLE) phase -= TABLE;
        }
    }

    private static final int TABLE = 2048;
    private static final java.util.Map<String, double[]> TABLES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * One cycle of the timbre at {@code f0}, harmonics kept below 0.45 of the rate (no aliasing),
     * with a guard sample for interpolation; cached, since a piece reuses a handful of notes.
     */
    private static double[] wave(double f0, int rate, Timbre timbre) {
        return TABLES.computeIfAbsent(timbre + "/" + Math.round(f0 * 100) + "/" + rate, key -> {
            int harmonics = switch (timbre) { case SOFT -> 2; case WARM -> 5; case BRIGHT -> 14; };
            double[] w = new double[TABLE + 1];
            for (int k = 1; k <= harmonics && f0 * k <= rate * 0.45; k++) {
                double h = switch (timbre) { case SOFT -> k == 1 ? 1 : 0.15; case WARM -> 1.0 / (k * k); case BRIGHT -> 1.0 / k; };
                for (int i = 0; i <= TABLE; i++) w[i] += h * Math.sin(2 * Math.PI * k * i / TABLE);
            }
            return w;
        });
    }

    private static void kick(double[] out, int rate, double t0, double amp) {
        int start = (int) (t0 * rate), len = (int) (0.18 * rate);
        double phase = 0;
        for (int i = 0; i < len && start + i < out.length; i++) {
            double t = (double) i / rate;
            double f = 50 + 100 * Math.exp(-t * 30);
            phase += 2 * Math.PI * f / rate;
            out[start + i] += amp * Math.exp(-t * 18) * Math.sin(phase);
        }
    }

    /** A noise burst; {@code tilt} near 1 makes it hiss (hats), lower makes it a snare-like crack. */
    private static void noise(double[] out, int rate, double t0, double dur, double amp, SplittableRandom rnd, double tilt) {
        int start = (int) (t0 * rate), len = (int) (dur * rate);
        double prev = 0;
        for (int i = 0; i < len && start + i < out.length; i++) {
            double t = (double) i / rate;
            double w = rnd.nextDouble(-1, 1);
            double s = w - tilt * prev; // first-order high-pass: more tilt, more hiss
            prev = w;
            out[start + i] += amp * Math.exp(-t / (dur / 4)) * s;
        }
    }
}
