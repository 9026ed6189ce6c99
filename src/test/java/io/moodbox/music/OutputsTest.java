package io.moodbox.music;

import io.moodbox.config.ConfigException;
import io.moodbox.testing.RecordingPlayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The outputs {@code music.output} names: how the setting reads, the paced null/file output's
 * device-like behaviour (real-time pacing, flush, a WAV whole after every buffer), and auto's
 * silent stand-in when there is no sound card, switching to a card that appears and back when it
 * goes.
 */
class OutputsTest {
    @TempDir Path dir;

    @Test
    void theSettingReadsAutoNullFileOrAMixerName() {
        assertEquals(MusicConfig.Output.AUTO, MusicConfig.Output.parse("auto", ""));
        assertEquals(MusicConfig.Output.Kind.NULL, MusicConfig.Output.parse(" null ", null).kind());
        MusicConfig.Output f = MusicConfig.Output.parse("file:/tmp/x.wav", "");
        assertEquals(Path.of("/tmp/x.wav"), f.file());
        assertEquals("file:/tmp/x.wav", f.toString());
        assertEquals(new MusicConfig.Output(MusicConfig.Output.Kind.MIXER, "USB"), MusicConfig.Output.parse("USB", ""));
        assertEquals(new MusicConfig.Output(MusicConfig.Output.Kind.MIXER, "Headphones"), MusicConfig.Output.parse("auto", "Headphones"),
                "the old music.mixer key still names the card while music.output is auto");
        ConfigException e = assertThrows(ConfigException.class, () -> MusicConfig.Output.parse("file:/tmp/x.mp3", ""));
        assertTrue(e.getMessage().contains("music.output") && e.getMessage().contains(".wav"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> MusicConfig.Output.parse("USB\u0000", ""));
        assertTrue(e.getMessage().contains("control characters"), e.getMessage());
        MusicConfig parsed = MusicConfig.parse(Map.of("music.output", "null")::get);
        assertEquals(MusicConfig.Output.Kind.NULL, parsed.output().kind());
        assertEquals(MusicConfig.MoodChange.TRACK_END, parsed.moodChange(), "the default lets a track finish");
    }

    @Test
    void theNullOutputPlaysInRealTime() {
        PacedSink sink = PacedSink.silent();
        sink.open(44100, 2);
        short[] buf = new short[2048];
        long start = System.nanoTime();
        for (int i = 0; i < 44100 / 1024; i++) sink.write(buf, 1024);   // one second
        sink.drain();
        double took = (System.nanoTime() - start) / 1e9;
        // A lower bound only: pacing can make it slower, never faster.
        assertTrue(took >= 0.95, "a second of sound took " + took + " s");
        assertFalse(sink.audible());
        assertTrue(sink.describe().contains("music.output is null"), sink.describe());
        sink.close();
        assertEquals(0, sink.sampleRate());
    }

    @Test
    void theFileHoldsWhatWasHeardAndIsWholeAfterEveryBuffer() throws Exception {
        Path wav = dir.resolve("out.wav");
        PacedSink sink = PacedSink.toFile(wav, 50);
        sink.open(44100, 2);
        short[] buf = new short[2048];
        for (int i = 0; i < buf.length; i++) buf[i] = (short) (i % 2 == 0 ? 1000 : -1000);
        for (int i = 0; i < 40; i++) {
            sink.write(buf, 1024);
            // As a kill -9 would find it: the header never claims more than the file holds.
            byte[] b = Files.readAllBytes(wav);
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(b.length - 44, h.getInt(40), "data size in the header after buffer " + i);
            assertEquals(b.length - 8, h.getInt(4), "RIFF size in the header after buffer " + i);
        }
        sink.drain();
        assertEquals(44 + 40 * 1024 * 4, Files.size(wav), "drained: every frame heard");
        for (int i = 0; i < 40; i++) sink.write(buf, 1024);
        sink.flush();   // a skip: what was not yet heard never reaches the speaker
        long afterFlush = Files.size(wav);
        assertTrue(afterFlush < 44 + 80 * 1024 * 4, "the unheard part was thrown away");
        sink.close();
        assertEquals(afterFlush, Files.size(wav));
        float[] x = HeardOutputTest.heard(wav);
        assertEquals((afterFlush - 44) / 4, x.length, "Java Sound reads it whole");
        assertEquals(1000 / 32768.0, x[100], 1e-6);
    }

    @Test
    void aDifferentRateGoesOnInANumberedFile() throws Exception {
        Path wav = dir.resolve("out.wav");
        PacedSink sink = PacedSink.toFile(wav, 50);
        sink.open(48000, 2);   // opened early, nothing written: the file starts over at the next rate
        sink.open(44100, 2);
        sink.write(new short[2048], 1024);
        sink.drain();   // as the player does before it reopens at another rate
        sink.open(48000, 2);
        sink.write(new short[2048], 1024);
        sink.drain();
        sink.close();
        assertEquals(44100, javax.sound.sampled.AudioSystem.getAudioFileFormat(wav.toFile()).getFormat().getSampleRate(), 0.1);
        assertEquals(44 + 1024 * 4, Files.size(wav));
        assertEquals(44 + 1024 * 4, Files.size(dir.resolve("out-2.wav")));
        assertFalse(Files.exists(dir.resolve("out-3.wav")));
    }

    @Test
    void anUnwritableFileIsNoDeviceNamingTheFile() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        PacedSink sink = PacedSink.toFile(blocker.resolve("out.wav"), 1);
        AudioSink.NoDeviceException e = assertThrows(AudioSink.NoDeviceException.class, () -> sink.open(44100, 2));
        assertTrue(e.getMessage().contains("not-a-dir"), e.getMessage());
        assertEquals(0, sink.sampleRate());
    }

    @Test
    void autoPlaysSilentlyWithoutACardAndSwitchesWhenOneComesAndGoes() {
        RecordingPlayer card = new RecordingPlayer(5);
        card.failOpens(2);
        AtomicLong now = new AtomicLong();
        AutoSink auto = new AutoSink(card, PacedSink.toFile(dir.resolve("standin.wav"), 1000), now::get);
        auto.open(44100, 2);
        assertFalse(auto.audible(), "no card: the stand-in");
        assertEquals("none: no sound card was found", auto.describe());
        assertEquals(44100, auto.sampleRate());
        auto.write(new short[2048], 1024);
        now.addAndGet(AutoSink.PROBE_EVERY_NS);
        auto.write(new short[2048], 1024);   // probes, still no card (second failed open)
        assertFalse(auto.audible());
        now.addAndGet(AutoSink.PROBE_EVERY_NS);
        auto.write(new short[2048], 1024);   // the card is there now
        assertTrue(auto.audible(), "switched to the card mid-track");
        assertEquals(1024, card.frames(), "the buffer went to the card");
        card.close();                          // unplugged: its writes now fail
        auto.write(new short[2048], 1024);
        assertFalse(auto.audible(), "back on the stand-in, no exception for the player");
        assertEquals(List.of("open-failed", "open-failed", "open 44100x2"), card.events().subList(0, 3));
        auto.close();
    }

    @Test
    void withoutAnyOutputTheNextPickIsReadyAtOnceOnAMoodChangeOrSkip() throws Exception {
        MusicConfig d = MusicConfig.defaults(dir, dir.resolve("state"));
        float[] tone = new float[44100];
        Track a = track("a", tone), b = track("b", tone), c = track("c", tone);
        PlayerTest.ListSource src = new PlayerTest.ListSource(a, b, c);
        RecordingPlayer never = new RecordingPlayer(1);
        never.failOpens(Integer.MAX_VALUE);
        try (Player p = new StreamPlayer(d, never, src, 60_000, true)) {
            await(p, "a", PlayerStatus.State.NO_DEVICE);
            p.moodChanged();
            await(p, "b", PlayerStatus.State.NO_DEVICE);
            p.next();
            await(p, "c", PlayerStatus.State.NO_DEVICE);
            assertEquals(List.of("b skipped"), src.finished, "a mood change is not a skip; a skip is");
            assertTrue(p.status().reason().startsWith("No sound:"), p.status().reason());
        }
    }

    private Track track(String id, float[] x) {
        Path f = dir.resolve(id + ".wav");
        AudioWriter.write(f, x, 44100, Map.of());
        return new Track(id, f, id, "", "", 1, 0, 0, "happy", "folder", "", 0, Double.NaN, -1, null);
    }

    private static void await(Player p, String track, PlayerStatus.State state) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!(p.status().track() != null && p.status().track().id().equals(track) && p.status().state() == state)) {
            if (System.currentTimeMillis() > end) fail("timed out waiting for " + track + " " + state + "; " + p.status());
            Thread.sleep(5);
        }
    }
}
