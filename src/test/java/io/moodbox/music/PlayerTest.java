package io.moodbox.music;

import io.moodbox.music.PlayerStatus.State;
import io.moodbox.testing.RecordingPlayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The player against a capture sink: order, gain, fades, gapless joins, pause, skip, resume after restart, no device. */
class PlayerTest {
    private static final int RATE = 44100;
    @TempDir Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    // The player under test, its capture sink and its source: start() sets them.
    private RecordingPlayer rec;
    private ListSource src;
    private Player p;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    /** A WAV file: a sine at {@code hz}, amplitude {@code amp(t)}. */
    private Track tone(String id, double hz, double seconds, double gainDb, java.util.function.DoubleUnaryOperator amp) {
        float[] x = new float[(int) (seconds * RATE)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (amp.applyAsDouble((double) i / RATE) * Math.sin(2 * Math.PI * hz * i / RATE));
        Path f = dir.resolve(id + ".wav");
        AudioWriter.write(f, x, RATE, Map.of("title", id));
        return new Track(id, f, id, "", "", seconds, 0.5, 0.5, "happy", "folder", "", 0, gainDb, -1, null);
    }

    private Track tone(String id, double hz, double seconds, double gainDb) {
        return tone(id, hz, seconds, gainDb, t -> 0.5);
    }

    /** Plays the given tracks in order, then nothing; remembers how each ended. */
    static final class ListSource implements TrackSource {
        final Deque<Track> tracks;
        final List<Track> all;
        final List<String> finished = Collections.synchronizedList(new ArrayList<>());

        ListSource(Track... t) {
            tracks = new ArrayDeque<>(List.of(t));
            all = List.of(t);
        }

        @Override
        public synchronized Optional<TrackPicker.Pick> next() {
            Track t = tracks.pollFirst();
            return t == null ? Optional.empty() : Optional.of(new TrackPicker.Pick(t, 0, 0, "test pick " + t.id()));
        }

        @Override
        public Optional<Track> find(String id) { return all.stream().filter(t -> t.id().equals(id)).findFirst(); }

        @Override
        public void finished(Track track, boolean skipped) { finished.add(track.id() + (skipped ? " skipped" : " played")); }
    }

    private MusicConfig config(int volume, int maxStart, MusicConfig.MoodChange change, int fadeMs) {
        MusicConfig d = MusicConfig.defaults(dir, dir.resolve("state"));
        return new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), 4, 8, 60, MusicConfig.Output.AUTO, volume, maxStart, change,
                fadeMs, MusicConfig.Normalise.REPLAYGAIN, -20, false);
    }

    private MusicConfig config() {
        return config(100, 100, MusicConfig.MoodChange.FADE, 500);
    }

    /** Makes the player under test on a fresh capture sink (20 s at most), to play {@code tracks} in order. */
    private void start(MusicConfig c, Track... tracks) {
        rec = new RecordingPlayer(20);
        src = new ListSource(tracks);
        p = player(c, rec, src);
    }

    /** Plays until the sink has {@code frame} frames; the player waits there until released or held further on. */
    private void playTo(long frame) throws InterruptedException {
        rec.holdAt(frame);
        p.play();
        assertTrue(rec.awaitFrames(frame, 20_000), "played to frame " + frame);
    }

    private Player player(MusicConfig c, RecordingPlayer sink, TrackSource source) {
        Player player = new StreamPlayer(c, sink, source, 50, false);
        open.add(() -> {
            sink.release();
            player.close();
        });
        return player;
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    /** Peak of |x| in the 10 ms window starting at {@code t} seconds. */
    static double peak(float[] x, double t) {
        int a = (int) (t * RATE), b = Math.min(x.length, a + RATE / 100);
        double p = 0;
        for (int i = a; i < b; i++) p = Math.max(p, Math.abs(x[i]));
        return p;
    }

    /** Frequency from zero crossings over 100 ms at {@code t}. */
    private static double hz(float[] x, double t) {
        return HeardOutputTest.hz(x, t, 0.1);
    }

    @Test
    void playsInOrderWithReplayGainAndNoGapBetweenSameFormatTracks() throws Exception {
        Track a = tone("a", 440, 2, Double.NaN), b = tone("b", 880, 2, -6.0206);
        start(config(), a, b);
        p.play();
        await(() -> src.finished.size() == 2, "both tracks to finish");
        float[] x = rec.left();
        assertEquals(4 * RATE, x.length, 1, "every sample of both tracks, nothing more");
        for (double t = 0.1; t < 1.9; t += 0.2) {
            assertEquals(0.5, peak(x, t), 0.01, "track a at full gain, t=" + t);
            assertEquals(440, hz(x, t), 15);
        }
        for (double t = 2.1; t < 3.9; t += 0.2) {
            assertEquals(0.25, peak(x, t), 0.01, "track b at its ReplayGain (-6 dB), t=" + t);
            assertEquals(880, hz(x, t), 15);
        }
        for (double t = 1.95; t < 2.05; t += 0.01) assertTrue(peak(x, t) > 0.2, "no gap at the join, t=" + t);
        assertEquals(List.of("open 44100x2"), rec.events(), "one open, no drain: gapless");
        assertEquals(List.of("a played", "b played"), src.finished);
        await(() -> p.status().state() == State.STOPPED, "stopped at the end");
    }

    @Test
    void aDifferentSampleRateReopensTheOutputAfterDraining() throws Exception {
        Track a = tone("a", 440, 1, Double.NaN);
        float[] x = new float[48000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 660 * i / 48000));
        Path f = dir.resolve("b48.wav");
        AudioWriter.write(f, x, 48000, Map.of());
        Track b = new Track("b", f, "b", "", "", 1, 0, 0, "happy", "folder", "", 0, Double.NaN, -1, null);
        start(config(), a, b);
        p.play();
        await(() -> src.finished.size() == 2, "both tracks");
        assertEquals(List.of("open 44100x2", "drain@44100", "open 48000x2"), rec.events());
        assertEquals(44100 + 48000, rec.frames(), 1);
    }

    @Test
    void volumeFollowsASquareLaw() throws Exception {
        Track a = tone("a", 440, 1, Double.NaN);
        start(config(50, 100, MusicConfig.MoodChange.FADE, 500), a);
        assertEquals(50, p.status().volumePercent());
        p.play();
        await(() -> src.finished.size() == 1, "track to finish");
        assertEquals(0.5 * 0.25, peak(rec.left(), 0.5), 0.005);
    }

    @Test
    void aMoodChangeFadesOutAndTheNewPickFadesIn() throws Exception {
        Track a = tone("a", 440, 4, Double.NaN), b = tone("b", 880, 4, Double.NaN);
        start(config(), a, b);
        playTo(RATE);
        p.moodChanged();
        rec.holdAt(3 * RATE); // moves the hold on: the player runs to 3 s and waits there, mid-b
        assertTrue(rec.awaitFrames(3 * RATE, 20_000));
        float[] x = rec.left();
        double start = 1.0 + 1024.0 / RATE; // the fade begins with the next buffer
        assertEquals(0.5, peak(x, 0.9), 0.01);
        assertEquals(0.25, peak(x, start + 0.25), 0.04, "half-way down the fade-out");
        assertTrue(peak(x, start + 0.49) < 0.03, "silent at the end of the fade-out");
        assertEquals(880, hz(x, start + 0.5 + 0.2), 20, "then the new pick");
        assertEquals(0.25, peak(x, start + 0.5 + 0.25), 0.04, "half-way up the fade-in");
        assertEquals(0.5, peak(x, start + 1.2), 0.01, "then full level");
        assertEquals("b", p.status().track().id());
        assertEquals("test pick b", p.status().reason());
        assertEquals(List.of(), src.finished, "a mood change is neither a play nor a skip");
    }

    @Test
    void withTrackEndTheCurrentTrackFinishesFirst() throws Exception {
        Track a = tone("a", 440, 2, Double.NaN), b = tone("b", 880, 1, Double.NaN);
        start(config(100, 100, MusicConfig.MoodChange.TRACK_END, 500), a, b);
        playTo(RATE / 2);
        p.moodChanged();
        rec.release();
        await(() -> src.finished.size() == 2, "both tracks");
        float[] x = rec.left();
        for (double t = 0.5; t < 1.95; t += 0.1) assertEquals(0.5, peak(x, t), 0.01, "no fade, t=" + t);
        assertEquals(3 * RATE, x.length, 1);
    }

    @Test
    void skipFadesQuicklyTellsThePickerAndMovesOn() throws Exception {
        Track a = tone("a", 440, 4, Double.NaN), b = tone("b", 880, 1, Double.NaN);
        start(config(100, 100, MusicConfig.MoodChange.FADE, 3000), a, b);
        playTo(RATE);
        p.next();
        rec.release();
        await(() -> src.finished.size() == 2, "skip then b");
        assertEquals(List.of("a skipped", "b played"), src.finished);
        float[] x = rec.left();
        // Out within ~0.1 s (not the 3 s mood fade), then b for its full second.
        assertTrue(x.length < RATE + 0.15 * RATE + RATE + 2048, "length " + x.length);
        assertTrue(rec.events().stream().anyMatch(e -> e.startsWith("flush")), rec.events().toString());
    }

    @Test
    void pauseFadesToSilenceAndResumesWhereItWas() throws Exception {
        Track r = tone("r", 440, 4, Double.NaN, t -> 0.1 + 0.2 * t);
        start(config(), r);
        playTo(RATE);
        p.pause();
        rec.release();
        await(() -> p.status().state() == State.PAUSED, "paused");
        long at = rec.frames();
        Thread.sleep(150);
        assertEquals(at, rec.frames(), "nothing written while paused");
        float[] before = rec.left();
        assertTrue(peak(before, (at - 200) / (double) RATE) < 0.05, "faded to silence");
        double pos = p.status().positionSeconds();
        assertEquals(at / (double) RATE, pos, 0.01);
        playTo(at + RATE);
        float[] x = rec.left();
        // The ramp continues from the pause point: level right after resume ~ level at the pause position.
        double expected = 0.1 + 0.2 * (pos + 0.1);
        assertEquals(expected, peak(x, at / (double) RATE + 0.1), 0.02);
        assertEquals(State.PLAYING, p.status().state());
    }

    @Test
    void positionQueueAndACappedVolumeSurviveARestart() throws Exception {
        Track r = tone("r", 440, 6, Double.NaN, t -> 0.1 + 0.1 * t);
        Track q = tone("q", 880, 1, Double.NaN);
        start(config(), r, q);
        p.setVolume(90);
        playTo(3 * RATE);
        p.enqueue(q);
        rec.release();
        p.close(); // as at a power cut, the state on disk is what counts
        MusicConfig c = config(100, 40, MusicConfig.MoodChange.FADE, 500);
        RecordingPlayer rec2 = new RecordingPlayer(20);
        rec2.holdAt(RATE / 2);
        Player p2 = player(c, rec2, new ListSource(r, q));
        assertEquals(40, p2.status().volumePercent(), "restored 90% capped at max-start-volume");
        assertEquals("r", p2.status().track().id());
        assertEquals(List.of("q"), p2.queue().stream().map(Track::id).toList());
        assertTrue(rec2.awaitFrames(RATE / 2, 20_000), "it was playing, so it plays again");
        float[] x = rec2.left();
        // Resumed a moment before where it stopped (~3 s): level (0.1 + 0.1 t) at volume 40% (x0.16).
        double level = peak(x, 0.2) / 0.16;
        double t = (level - 0.1) / 0.1;
        assertEquals(3.0 - StreamPlayer.RESUME_CONTEXT_SECONDS, t - 0.2, 0.15, "resumed near 2.75 s, level " + level);
    }

    @Test
    void noDeviceIsReportedAndPlaybackStartsWhenOneAppears() throws Exception {
        Track a = tone("a", 440, 1, Double.NaN);
        rec = new RecordingPlayer(10);
        rec.failOpens(3); // before the player opens it
        src = new ListSource(a);
        p = player(config(), rec, src);
        List<PlayerStatus> seen = Collections.synchronizedList(new ArrayList<>());
        p.addListener(seen::add);
        await(() -> p.status().state() == State.NO_DEVICE, "NO_DEVICE");
        assertTrue(p.status().reason().startsWith("No sound: test: no device."), p.status().reason());
        p.play();
        await(() -> src.finished.size() == 1, "played once the device appeared");
        assertEquals(RATE, rec.frames(), 1);
        assertTrue(seen.stream().anyMatch(s -> s.state() == State.PLAYING));
        assertFalse(rec.events().isEmpty());
    }

    @Test
    void loudnessNormalisationUsesTheAnalysisWhenThereIsNoTag() {
        MusicConfig c = config();
        TrackAnalysis loud = new TrackAnalysis(120, -14, 1500, 3, "C major", true, 0.2, 0.5, 0.5, 60);
        Track t = new Track("x", dir.resolve("x.wav"), "x", "", "", 60, 0, 0, "happy", "folder", "", 0, Double.NaN, -1, loud);
        assertEquals(0.5, StreamPlayer.normalisationGain(c, t), 0.005, "-14 dB to -20 dB is -6 dB");
        Track tagged = new Track("y", dir.resolve("y.wav"), "y", "", "", 60, 0, 0, "happy", "folder", "", 0, 3.0, -1, loud);
        assertEquals(Math.pow(10, 3 / 20.0), StreamPlayer.normalisationGain(c, tagged), 1e-9, "the tag wins");
        Track quiet = new Track("z", dir.resolve("z.wav"), "z", "", "", 60, 0, 0, "happy", "folder", "", 0, Double.NaN, -1,
                new TrackAnalysis(120, -45, 1500, 3, "C major", true, 0.2, 0.5, 0.5, 60));
        assertEquals(Math.pow(10, 9 / 20.0), StreamPlayer.normalisationGain(c, quiet), 1e-9, "boost capped at +9 dB");
    }
}
