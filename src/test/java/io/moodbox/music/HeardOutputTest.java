package io.moodbox.music;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the listener hears, not what the player believes: the real player plays into the
 * {@code file:PATH.wav} output (paced like a speaker, here at a multiple of real time), and each
 * test reads the WAV back with Java Sound's own reader and measures the sound itself: the fade's
 * shape, a gapless and click-free join, the start-volume cap after a restart, ReplayGain from a
 * real tag read by the real scanner, and where playback resumes after a clean stop.
 */
class HeardOutputTest {
    private static final int RATE = 44100;
    /** Times real time: the sound is the same, the test is quicker. */
    private static final double SPEED = 6;
    @TempDir Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    // ---- sources ----

    /** A mono WAV track: amp(t) * sin(phase(t)), phase in cycles. */
    private Track track(String id, double seconds, DoubleUnaryOperator amp, DoubleUnaryOperator cycles) {
        float[] x = new float[(int) Math.round(seconds * RATE)];
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / RATE;
            x[i] = (float) (amp.applyAsDouble(t) * Math.sin(2 * Math.PI * cycles.applyAsDouble(t)));
        }
        Path f = dir.resolve(id + ".wav");
        AudioWriter.write(f, x, RATE, Map.of("title", id));
        return new Track(id, f, id, "", "", seconds, 0.5, 0.5, "happy", "folder", "", 0, Double.NaN, -1, null);
    }

    private Track sine(String id, double hz, double seconds) {
        return track(id, seconds, t -> 0.5, t -> hz * t);
    }

    /** A chirp whose frequency tells the time: 300 Hz + 100 Hz per second, so a listener can say where it is. */
    private Track timecode(String id, double seconds) {
        return track(id, seconds, t -> 0.5, t -> 300 * t + 50 * t * t);
    }

    private static double timecodeAt(double hz) { return (hz - 300) / 100; }

    private MusicConfig config(int volume, int maxStart, MusicConfig.MoodChange change, int fadeMs, MusicConfig.Normalise n) {
        MusicConfig d = MusicConfig.defaults(dir, dir.resolve("state"));
        return new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), 4, 8, 60, d.output(), volume, maxStart, change,
                fadeMs, n, -20, false);
    }

    private MusicConfig config(int volume, int maxStart, MusicConfig.MoodChange change, int fadeMs) {
        return config(volume, maxStart, change, fadeMs, MusicConfig.Normalise.REPLAYGAIN);
    }

    private Player player(MusicConfig c, Path wav, TrackSource src, boolean play) {
        StreamPlayer p = new StreamPlayer(c, PacedSink.toFile(wav, SPEED), src, 50, play);
        open.add(p);
        return p;
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 30_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    /** Seconds of sound in the WAV so far: the listener's clock. */
    private static double heardSeconds(Path wav) {
        try {
            return Files.exists(wav) ? Math.max(0, Files.size(wav) - 44) / 4.0 / RATE : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Lets the output's 0.25 s device buffer play out (at SPEED), then closes the player. */
    private static void stopAfterBuffer(Player p) throws InterruptedException {
        Thread.sleep((long) (PacedSink.BUFFER_SECONDS * 1000 / SPEED) + 100);
        p.close();
    }

    // ---- what was heard ----

    /** The left channel of a 16-bit stereo WAV, as floats in [-1, 1], read by Java Sound. */
    static float[] heard(Path wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            assertEquals(RATE, f.getSampleRate(), 0.1);
            assertEquals(2, f.getChannels());
            assertEquals(16, f.getSampleSizeInBits());
            byte[] b = in.readAllBytes();
            float[] left = new float[b.length / 4];
            for (int i = 0; i < left.length; i++) left[i] = (short) ((b[4 * i] & 0xff) | (b[4 * i + 1] << 8)) / 32768f;
            return left;
        }
    }

    static double peak(float[] x, double t) { return PlayerTest.peak(x, t); }

    /** Frequency from zero crossings over {@code seconds} starting at {@code t}. */
    static double hz(float[] x, double t, double seconds) {
        int a = (int) (t * RATE), b = Math.min(x.length, a + (int) (seconds * RATE)), crossings = 0;
        for (int i = a + 1; i < b; i++) if ((x[i - 1] < 0) != (x[i] < 0)) crossings++;
        return crossings / 2.0 / ((b - a) / (double) RATE);
    }

    static double rmsDb(float[] x, double from, double to) {
        int a = (int) (from * RATE), b = Math.min(x.length, (int) (to * RATE));
        double s = 0;
        for (int i = a; i < b; i++) s += x[i] * (double) x[i];
        return 10 * Math.log10(s / (b - a));
    }

    // ---- the tests ----

    @Test
    void aMoodFadeGoesDownAndUpInStraightLinesOverTheFadeTime() throws Exception {
        Track a = sine("a", 441, 6), b = sine("b", 882, 6);
        Path wav = dir.resolve("fade.wav");
        Player p = player(config(100, 100, MusicConfig.MoodChange.FADE, 1000), wav, new PlayerTest.ListSource(a, b), true);
        await(() -> heardSeconds(wav) >= 1.5, "a to be heard for 1.5 s");
        p.moodChanged();
        await(() -> heardSeconds(wav) >= 5, "the fade and 3 s of b to be heard");
        stopAfterBuffer(p);
        float[] x = heard(wav);
        int start = 0;
        while (start < x.length && peak(x, start / (double) RATE) > 0.49) start += RATE / 1000;   // 1 ms steps
        double t0 = start / (double) RATE;
        assertTrue(t0 > 1.4 && t0 < 3, "the fade began after the mood change, at " + t0 + " s");
        assertEquals(441, hz(x, t0 - 0.3, 0.2), 10, "track a before the fade");
        for (double f = 0.1; f < 0.95; f += 0.1) {
            assertEquals(0.5 * (1 - f), peak(x, t0 + f), 0.03, "fade-out, straight line, at " + Math.round(f * 100) + "%");
        }
        double up = t0 + 1.0;
        assertTrue(peak(x, up - 0.01) < 0.03, "silent where the fade-out ends");
        assertEquals(882, hz(x, up + 0.3, 0.2), 15, "then the new pick");
        for (double f = 0.1; f < 0.95; f += 0.1) {
            assertEquals(0.5 * f, peak(x, up + f), 0.03, "fade-in, straight line, at " + Math.round(f * 100) + "%");
        }
        assertEquals(0.5, peak(x, up + 1.2), 0.01, "then full level");
    }

    @Test
    void tracksJoinWithoutAGapOrAClick() throws Exception {
        // 441 Hz fits 441 whole cycles in a second, so two such tracks in a row are one unbroken sine:
        // any gap, repeated or lost buffer, or step at the join shows as a jump or a flat run.
        Track a = sine("a", 441, 1), b = sine("b", 441, 1);
        Path wav = dir.resolve("join.wav");
        PlayerTest.ListSource src = new PlayerTest.ListSource(a, b);
        Player p = player(config(100, 100, MusicConfig.MoodChange.TRACK_END, 1000), wav, src, true);
        await(() -> src.finished.size() == 2, "both tracks");
        stopAfterBuffer(p);
        float[] x = heard(wav);
        assertEquals(2 * RATE, x.length, "every sample of both tracks, nothing added, nothing lost");
        double maxStep = 2 * Math.PI * 441 / RATE * 0.5 * 1.02 + 2 / 32768.0;   // the sine's steepest sample step
        for (int i = 1; i < x.length; i++) {
            assertTrue(Math.abs(x[i] - x[i - 1]) <= maxStep, "a click at sample " + i + " (" + (i / (double) RATE) + " s): "
                    + x[i - 1] + " -> " + x[i]);
        }
        for (double t = 0.98; t < 1.02; t += 0.002)
            assertEquals(0.5, peak(x, t), 0.01, "full level across the join, t=" + t);
    }

    @Test
    void aRestartResumesWhereItStoppedAndNeverStartsLouderThanTheCap() throws Exception {
        Track r = timecode("r", 20);
        Path first = dir.resolve("first.wav"), second = dir.resolve("second.wav");
        Player p = player(config(100, 100, MusicConfig.MoodChange.TRACK_END, 1000), first, new PlayerTest.ListSource(r), true);
        p.setVolume(90);
        await(() -> heardSeconds(first) >= 6, "6 s heard");
        p.close();   // a clean stop: the state is saved, the unheard buffer is lost as with a real line
        float[] x1 = heard(first);
        double end1 = x1.length / (double) RATE;
        assertEquals(0.5 * 0.81, peak(x1, end1 - 0.5), 0.01, "the first run at 90% (square law)");
        double stoppedAt = timecodeAt(hz(x1, end1 - 0.06, 0.05)) + 0.035;   // window centre -> its end

        MusicConfig capped = config(100, 40, MusicConfig.MoodChange.TRACK_END, 1000);
        Player p2 = player(capped, second, new PlayerTest.ListSource(r), false);
        assertEquals(40, p2.status().volumePercent(), "restored 90% capped at music.max-start-volume");
        await(() -> heardSeconds(second) >= 2, "the second run to play on");
        stopAfterBuffer(p2);
        float[] x2 = heard(second);
        double resumedAt = timecodeAt(hz(x2, 0.05, 0.05)) - 0.075;   // window centre -> the file's start
        assertEquals(stoppedAt, resumedAt, 1.0, "resumed within a second of where the listener last heard it");
        assertTrue(resumedAt <= stoppedAt + 0.2, "never skips ahead of what was heard: " + resumedAt + " vs " + stoppedAt);
        double loudest = 0;
        for (double t = 0; t < x2.length / (double) RATE - 0.01; t += 0.01) loudest = Math.max(loudest, peak(x2, t));
        assertEquals(0.5 * 0.16, loudest, 0.01, "no sample louder than 40% (x0.16) after the restart");
    }

    @Test
    void replayGainFromARealTagSetsTheHeardLevelAndUntaggedTracksAreLevelledByLoudness() throws Exception {
        Path music = Files.createDirectories(dir.resolve("music"));
        float[] x = new float[2 * RATE];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 441 * i / RATE));
        AudioWriter.write(music.resolve("tagged.flac"), x, RATE, Map.of("title", "tagged", "REPLAYGAIN_TRACK_GAIN", "-6.02 dB"));
        AudioWriter.write(music.resolve("plain.flac"), x, RATE, Map.of("title", "plain"));
        MusicConfig d = MusicConfig.defaults(music, dir.resolve("lib-state"));
        MusicConfig c = new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), 4, 8, 0, d.output(), 100, 100,
                MusicConfig.MoodChange.TRACK_END, 1000, MusicConfig.Normalise.REPLAYGAIN, -20, false);
        List<Track> tracks;
        try (MusicLibrary lib = MusicLibrary.open(c)) {
            lib.scan(null);
            tracks = lib.tracks();
        }
        Track tagged = tracks.stream().filter(t -> t.title().equals("tagged")).findFirst().orElseThrow();
        Track plain = tracks.stream().filter(t -> t.title().equals("plain")).findFirst().orElseThrow();
        assertEquals(-6.02, tagged.gainDb(), 0.01, "the scanner read the tag");
        assertTrue(Double.isNaN(plain.gainDb()), "no tag, no gain");

        Path wav = dir.resolve("rg.wav");
        PlayerTest.ListSource src = new PlayerTest.ListSource(tagged, plain);
        Player p = player(c, wav, src, true);
        await(() -> src.finished.size() == 2, "both tracks");
        stopAfterBuffer(p);
        float[] out = heard(wav);
        assertEquals(4 * RATE, out.length, 2);
        assertEquals(0.25, peak(out, 1.0), 0.005, "-6.02 dB from the tag halves the level");
        // Untagged: levelled by the loudness the scan measured, toward music.target-loudness-db. The
        // scan measures one channel as the player sends it (not FFmpeg's mono downmix, which read
        // this centred stereo signal 3 dB hot), so what is heard lands on the target itself.
        assertEquals(20 * Math.log10(0.5 / Math.sqrt(2)), plain.analysis().loudnessDb(), 0.2, "the scan measured one channel's level");
        assertEquals(-20, rmsDb(out, 2.2, 3.8), 0.3, "the untagged track plays at music.target-loudness-db");
    }
}
