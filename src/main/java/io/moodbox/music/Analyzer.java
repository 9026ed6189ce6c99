package io.moodbox.music;

import java.util.Arrays;

/**
 * Content analysis of mono audio (about 22 kHz): tempo from the autocorrelation of a
 * spectral-flux onset envelope, RMS loudness, spectral centroid, onset density, and mode from a
 * chroma vector correlated with the Krumhansl-Kessler key profiles; then a fixed, documented
 * mapping of those features to valence and arousal. Pure Java, no state: any thread.
 */
final class Analyzer {
    static final int RATE = 22050;
    private static final int N = 1024, HOP = 512, CHROMA_N = 4096;
    private static final String[] PITCH = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
    // Krumhansl & Kessler (1982) probe-tone profiles, tonic first.
    private static final double[] MAJOR_PROFILE = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
    private static final double[] MINOR_PROFILE = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

    private final FFT fft = new FFT(N);
    private final FFT chromaFft = new FFT(CHROMA_N);
    private final double[] window = hann(N), chromaWindow = hann(CHROMA_N);
    private final int[] chromaBin = chromaBins();

    /** Raw features before the valence/arousal mapping. */
    record Features(double tempoBpm, double loudnessDb, double brightnessHz, double onsetsPerSecond,
                    int keyRoot, boolean major, double modeStrength, double seconds, double beatClarity) {
        Features(double tempoBpm, double loudnessDb, double brightnessHz, double onsetsPerSecond,
                 int keyRoot, boolean major, double modeStrength, double seconds) {
            this(tempoBpm, loudnessDb, brightnessHz, onsetsPerSecond, keyRoot, major, modeStrength, seconds, 1);
        }
    }

    TrackAnalysis analyse(float[] mono) {
        Features f = features(mono);
        return place(f);
    }

    /** As {@link #analyse(float[])}, with the level measured on the channels the player sends. */
    TrackAnalysis analyse(AudioFile.Decoded d) {
        Features f = features(d.mono());
        return place(new Features(f.tempoBpm(), d.loudnessDb(), f.brightnessHz(), f.onsetsPerSecond(), f.keyRoot(),
                f.major(), f.modeStrength(), f.seconds(), f.beatClarity()));
    }

    static TrackAnalysis place(Features f) {
        // Arousal: tempo, level, onset rate and brightness, each scaled so one "typical spread"
        // is about 1; tanh keeps the sum in [-1, 1]. Calibrated on the synthesized pieces and on
        // the usual ranges of mastered music (-8..-25 dBFS RMS, 60..180 bpm, 1..8 onsets/s); the
        // level is one channel's (AudioFile.Decoded). A tempo counts only as far as a beat is
        // heard (beatClarity): on real rubato and ambient pieces the tempo estimate is mostly noise.
        double tempoZ = (f.tempoBpm() - 100) / 35 * Math.min(1, f.beatClarity() / 0.5);
        double loudZ = (f.loudnessDb() + 19) / 7;
        double onsetZ = (f.onsetsPerSecond() - 3.0) / 2.0;
        double brightZ = (f.brightnessHz() - 1500) / 900;
        double arousal = Math.tanh(0.55 * tempoZ + 0.55 * loudZ + 0.35 * onsetZ + 0.25 * brightZ);
        // Valence: mode dominates (major bright, minor dark); faster and brighter nudge it up a
        // little, as listeners hear fast major music as the happiest.
        double valence = Math.tanh(9 * f.modeStrength() + 0.12 * tempoZ + 0.08 * brightZ);
        if (f.loudnessDb() < -60) { valence = 0; arousal = -1; } // silence: nothing to feel
        String key = PITCH[f.keyRoot()] + (f.major() ? " major" : " minor");
        return new TrackAnalysis(f.tempoBpm(), f.loudnessDb(), f.brightnessHz(), f.onsetsPerSecond(), key, f.major(),
                f.modeStrength(), valence, arousal, f.seconds());
    }

    Features features(float[] x) {
        double seconds = (double) x.length / RATE;
        int frames = x.length < N ? 0 : (x.length - N) / HOP + 1;
        double sumSq = 0;
        for (float v : x) sumSq += (double) v * v;
        double loudnessDb = 10 * Math.log10(sumSq / Math.max(1, x.length) + 1e-12);

        double[] re = new double[N], im = new double[N];
        double[] prevLog = new double[N / 2 + 1], flux = new double[Math.max(frames, 1)];
        double centroidNum = 0, centroidDen = 0;
        double binHz = (double) RATE / N;
        for (int t = 0; t < frames; t++) {
            int off = t * HOP;
            for (int i = 0; i < N; i++) { re[i] = x[off + i] * window[i]; im[i] = 0; }
            fft.transform(re, im);
            double frameEnergy = 0, num = 0, den = 0, fl = 0;
            for (int k = 1; k <= N / 2; k++) {
                double mag = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
                num += k * binHz * mag;
                den += mag;
                frameEnergy += mag * mag;
                double lg = Math.log1p(100 * mag);
                double d = lg - prevLog[k];
                if (d > 0) fl += d;
                prevLog[k] = lg;
            }
            flux[t] = t == 0 ? 0 : fl;
            if (den > 0) {
                double w = Math.sqrt(frameEnergy); // loud frames count more than silence
                centroidNum += w * num / den;
                centroidDen += w;
            }
        }
        double brightness = centroidDen > 0 ? centroidNum / centroidDen : 0;

        double[] onset = detrend(flux);
        double frameRate = (double) RATE / HOP;
        double[] smoothed = smooth(onset);
        double tempo = tempo(smoothed, frameRate);
        double clarity = clarity(smoothed, frameRate, tempo);
        double onsetsPerSecond = seconds > 0 ? countPeaks(onset, frameRate) / seconds : 0;

        double[] chroma = chroma(x);
        int bestMajor = 0, bestMinor = 0;
        double cMajor = -2, cMinor = -2;
        for (int r = 0; r < 12; r++) {
            double a = correlate(chroma, MAJOR_PROFILE, r), b = correlate(chroma, MINOR_PROFILE, r);
            if (a > cMajor) { cMajor = a; bestMajor = r; }
            if (b > cMinor) { cMinor = b; bestMinor = r; }
        }
        boolean major = cMajor >= cMinor;
        return new Features(tempo, loudnessDb, brightness, onsetsPerSecond, major ? bestMajor : bestMinor, major,
                cMajor - cMinor, seconds, clarity);
    }

    /**
     * How plainly the envelope repeats at the beat: its autocorrelation at the beat period over
     * that at zero lag (0 none, 1 a metronome). Ambient and rubato music has a tempo estimate
     * that is mostly noise; this says how much to believe it.
     */
    static double clarity(double[] onset, double frameRate, double bpm) {
        if (bpm <= 0 || onset.length < 4) return 0;
        double mean = 0;
        for (double v : onset) mean += v;
        mean /= onset.length;
        int lag = (int) Math.round(60 * frameRate / bpm);
        if (lag >= onset.length / 2) return 0;
        double a0 = 0, best = 0;
        for (int i = 0; i < onset.length; i++) a0 += (onset[i] - mean) * (onset[i] - mean);
        for (int l = lag - 1; l <= lag + 1; l++) {
            double s = 0;
            for (int i = 0; i + l < onset.length; i++) s += (onset[i] - mean) * (onset[i + l] - mean);
            best = Math.max(best, s * onset.length / (onset.length - l));
        }
        return a0 <= 0 ? 0 : Math.max(0, Math.min(1, best / a0));
    }

    /** Subtracts a moving mean (~0.4 s) and keeps what sticks out: the onsets. */
    private static double[] detrend(double[] flux) {
        int w = 9;
        double[] out = new double[flux.length];
        double[] prefix = new double[flux.length + 1];
        for (int i = 0; i < flux.length; i++) prefix[i + 1] = prefix[i] + flux[i];
        for (int i = 0; i < flux.length; i++) {
            int a = Math.max(0, i - w), b = Math.min(flux.length, i + w + 1);
            double mean = (prefix[b] - prefix[a]) / (b - a);
            out[i] = Math.max(0, flux[i] - mean);
        }
        return out;
    }

    /**
     * Triangular smoothing over +-2 frames: a beat period is rarely a whole number of frames, and
     * one-frame-wide peaks would then correlate better at two beats than at one.
     */
    private static double[] smooth(double[] o) {
        double[] out = new double[o.length];
        double[] k = {1, 2, 3, 2, 1};
        for (int i = 0; i < o.length; i++) {
            double s = 0;
            for (int j = -2; j <= 2; j++) if (i + j >= 0 && i + j < o.length) s += k[j + 2] * o[i + j];
            out[i] = s / 9;
        }
        return out;
    }

    /**
     * Tempo in bpm: the autocorrelation lag with the best score between 50 and 200 bpm, where the
     * score adds half the correlation at twice the lag (a real beat repeats every bar, an
     * off-beat does not) and a log-normal prior around 120 bpm (0.7 octave wide) breaks octave ties.
     */
    static double tempo(double[] onset, double frameRate) {
        int minLag = (int) Math.floor(60 * frameRate / 200), maxLag = (int) Math.ceil(60 * frameRate / 50);
        if (onset.length < 2 * maxLag + 2) return 0;
        double[] ac = new double[2 * maxLag + 2];
        double mean = 0;
        for (double v : onset) mean += v;
        mean /= onset.length;
        for (int lag = 0; lag < ac.length; lag++) {
            double s = 0;
            for (int i = 0; i + lag < onset.length; i++) s += (onset[i] - mean) * (onset[i + lag] - mean);
            ac[lag] = s / (onset.length - lag);
        }
        if (ac[0] <= 0) return 0;
        double[] score = new double[maxLag + 2];
        int best = -1;
        for (int lag = minLag; lag <= maxLag; lag++) {
            double bpm = 60 * frameRate / lag;
            double octaves = Math.log(bpm / 120) / Math.log(2);
            double prior = Math.exp(-0.5 * (octaves / 0.7) * (octaves / 0.7));
            score[lag] = (ac[lag] + 0.5 * ac[2 * lag]) * prior;
            if (best < 0 || score[lag] > score[best]) best = lag;
        }
        return 60 * frameRate / period(onset, mean, best);
    }

    /**
     * The beat period in frames, refined past the one-frame grid: the autocorrelation peaks again
     * near every multiple of the beat, and the k-th peak's position pins the period k times more
     * finely; a least-squares line through the peaks (each found by parabolic interpolation)
     * gives the period. A frame at 43 frames/s is 2-3% of a beat at 120 bpm.
     */
    private static double period(double[] onset, double mean, int lag) {
        double num = 0, den = 0, p = lag;
        for (int k = 1; k <= 8; k++) {
            int c = (int) Math.round(k * p);
            if (c + 3 >= onset.length / 2) break;
            double[] y = new double[7];
            for (int d = -3; d <= 3; d++) y[d + 3] = autocorrelation(onset, mean, c + d);
            int at = 3;
            for (int d = 1; d <= 5; d++) if (y[d] > y[at]) at = d;
            double y0 = y[at - 1], y1 = y[at], y2 = y[at + 1];
            if (y1 <= 0) break; // no repeat here: the beat has drifted or stopped
            double denom = y0 - 2 * y1 + y2, peak = c + at - 3;
            if (denom < 0) peak += Math.max(-0.5, Math.min(0.5, 0.5 * (y0 - y2) / denom));
            num += k * peak;
            den += k * k;
            p = num / den; // later multiples are searched around the refined period
        }
        return den > 0 ? num / den : lag;
    }

    private static double autocorrelation(double[] onset, double mean, int lag) {
        double s = 0;
        for (int i = 0; i + lag < onset.length; i++) s += (onset[i] - mean) * (onset[i + lag] - mean);
        return s / (onset.length - lag);
    }

    /** Local maxima (within ~70 ms) standing above mean + 1 sd of the envelope. */
    private static int countPeaks(double[] o, double frameRate) {
        double mean = 0, sq = 0;
        for (double v : o) { mean += v; sq += v * v; }
        mean /= Math.max(1, o.length);
        double sd = Math.sqrt(Math.max(0, sq / Math.max(1, o.length) - mean * mean));
        double threshold = mean + sd;
        int w = Math.max(1, (int) Math.round(0.07 * frameRate)), count = 0;
        for (int i = 0; i < o.length; i++) {
            if (o[i] <= threshold) continue;
            boolean peak = true;
            for (int j = Math.max(0, i - w); j <= Math.min(o.length - 1, i + w) && peak; j++) {
                if (o[j] > o[i] || (o[j] == o[i] && j < i)) peak = false;
            }
            if (peak) count++;
        }
        return count;
    }

    /** Pitch-class energy from 4096-point spectra (5.4 Hz bins), 100 Hz to 2 kHz. */
    private double[] chroma(float[] x) {
        double[] c = new double[12];
        double[] re = new double[CHROMA_N], im = new double[CHROMA_N];
        for (int off = 0; off + CHROMA_N <= x.length; off += CHROMA_N) {
            for (int i = 0; i < CHROMA_N; i++) { re[i] = x[off + i] * chromaWindow[i]; im[i] = 0; }
            chromaFft.transform(re, im);
            for (int k = 1; k < chromaBin.length; k++) {
                if (chromaBin[k] < 0) continue;
                c[chromaBin[k]] += Math.sqrt(re[k] * re[k] + im[k] * im[k]);
            }
        }
        return c;
    }

    private static int[] chromaBins() {
        int[] bins = new int[CHROMA_N / 2 + 1];
        Arrays.fill(bins, -1);
        for (int k = 1; k < bins.length; k++) {
            double hz = (double) k * RATE / CHROMA_N;
            if (hz < 100 || hz > 2000) continue;
            double midi = 69 + 12 * Math.log(hz / 440) / Math.log(2);
            bins[k] = Math.floorMod((int) Math.round(midi), 12);
        }
        return bins;
    }

    /** Pearson correlation of the chroma with a profile rotated to tonic {@code root}. */
    private static double correlate(double[] chroma, double[] profile, int root) {
        double mc = 0, mp = 0;
        for (int i = 0; i < 12; i++) { mc += chroma[i]; mp += profile[i]; }
        mc /= 12;
        mp /= 12;
        double num = 0, dc = 0, dp = 0;
        for (int i = 0; i < 12; i++) {
            double a = chroma[(i + root) % 12] - mc, b = profile[i] - mp;
            num += a * b;
            dc += a * a;
            dp += b * b;
        }
        return dc == 0 ? 0 : num / Math.sqrt(dc * dp);
    }

    private static double[] hann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return w;
    }

    /** In-place iterative radix-2 complex FFT of a fixed size. */
    static final class FFT {
        private final int n;
        private final double[] cos, sin;
        private final int[] rev;

        FFT(int n) {
            if (Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
            this.n = n;
            cos = new double[n / 2];
            sin = new double[n / 2];
            for (int i = 0; i < n / 2; i++) {
                cos[i] = Math.cos(-2 * Math.PI * i / n);
                sin[i] = Math.sin(-2 * Math.PI * i / n);
            }
            rev = new int[n];
            int bits = Integer.numberOfTrailingZeros(n);
            for (int i = 0; i < n; i++) rev[i] = Integer.reverse(i) >>> (32 - bits);
        }

        void transform(double[] re, double[] im) {
            for (int i = 0; i < n; i++) {
                int j = rev[i];
                if (j > i) {
                    double t = re[i]; re[i] = re[j]; re[j] = t;
                    t = im[i]; im[i] = im[j]; im[j] = t;
                }
            }
            for (int size = 2; size <= n; size <<= 1) {
                int half = size / 2, step = n / size;
                for (int i = 0; i < n; i += size) {
                    for (int j = 0, k = 0; j < half; j++, k += step) {
                        int a = i + j, b = a + half;
                        double tr = re[b] * cos[k] - im[b] * sin[k];
                        double ti = re[b] * sin[k] + im[b] * cos[k];
                        re[b] = re[a] - tr;
                        im[b] = im[a] - ti;
                        re[a] += tr;
                        im[a] += ti;
                    }
                }
            }
        }
    }
}
