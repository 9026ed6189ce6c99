package io.moodbox.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real daemon in its own JVM, playing a track whose pitch tells the time into
 * {@code music.output=file:...}: stopped cleanly, then killed with SIGKILL, each next start must
 * resume within a second of what the listener last heard (read back from the WAV files).
 */
class ResumeAfterKillTest {
    private static final int RATE = 22050;
    @TempDir Path dir;

    /** 60 s whose frequency is 300 Hz + 50 Hz per second: the pitch says where in the track it is. */
    private static void timecode(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        int n = RATE * 60;
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            short v = (short) (12000 * Math.sin(2 * Math.PI * (300 * t + 25 * t * t)));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(RATE, 16, 1, true, false), n),
                AudioFileFormat.Type.WAVE, file.toFile());
    }

    private static double timeOf(double hz) { return (hz - 300) / 50; }

    private Process start(Path out, Path log) throws Exception {
        Path conf = dir.resolve("m.properties");
        Files.writeString(conf, "web.port = 0\nweb.bind = 127.0.0.1\nweb.owner-file = " + dir.resolve("owner.properties")
                + "\nmusic.roots = " + dir.resolve("music") + "\nmusic.state-dir = " + dir.resolve("music-state")
                + "\nmusic.sample-library = false\nmusic.output = file:" + out + "\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--config", conf.toString(), "run", "--source", "none")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (heardSeconds(out) < 3) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "no sound within 60 s: " + read(log));
                Thread.sleep(50);
            }
        } catch (AssertionError | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** Seconds of sound in the file: 16-bit stereo at the track's own 22.05 kHz. */
    private static double heardSeconds(Path wav) throws IOException {
        return Files.exists(wav) ? Math.max(0, Files.size(wav) - 44) / 4.0 / RATE : 0;
    }

    private static float[] left(Path wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            assertEquals(RATE, in.getFormat().getSampleRate(), 0.1);
            byte[] b = in.readAllBytes();
            float[] x = new float[b.length / 4];
            for (int i = 0; i < x.length; i++) x[i] = (short) ((b[4 * i] & 0xff) | (b[4 * i + 1] << 8)) / 32768f;
            return x;
        }
    }

    private static double hz(float[] x, int from, int to) {
        int crossings = 0;
        for (int i = from + 1; i < to; i++) if ((x[i - 1] < 0) != (x[i] < 0)) crossings++;
        return crossings / 2.0 / ((to - from) / (double) RATE);
    }

    /** Where in the track the file's sound ends: the pitch of its last 50 ms. */
    private static double endsAt(Path wav) throws Exception {
        float[] x = left(wav);
        int w = RATE / 20;
        return timeOf(hz(x, x.length - w, x.length)) + 0.025;
    }

    /** Where in the track the file's sound begins: the pitch of 50 ms after the 30 ms de-click ramp. */
    private static double beginsAt(Path wav) throws Exception {
        float[] x = left(wav);
        int a = (int) (0.03 * RATE), w = RATE / 20;
        return timeOf(hz(x, a, a + w)) - 0.055;
    }

    @Test
    void afterACleanStopAndAfterKillMinus9PlaybackResumesWithinASecond() throws Exception {
        timecode(dir.resolve("music/calm/timecode.wav"));
        Path log = dir.resolve("out.log");

        Path first = dir.resolve("first.wav");
        Process p = start(first, log);
        Thread.sleep(1000);
        p.destroy();   // SIGTERM: a clean stop
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), () -> "did not stop: " + read(log));

        Path second = dir.resolve("second.wav");
        p = start(second, log);
        double stopped = endsAt(first), resumed = beginsAt(second);
        assertEquals(stopped, resumed, 1.0, "after a clean stop at " + stopped + " s it resumed at " + resumed + " s");

        Thread.sleep(1500);
        p.destroyForcibly();   // SIGKILL: no shutdown hook, no last save
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Path third = dir.resolve("third.wav");
        p = start(third, log);
        try {
            double killed = endsAt(second), again = beginsAt(third);
            assertTrue(killed > resumed + 3, "the second run played on: " + resumed + " -> " + killed);
            assertEquals(killed, again, 1.0, "after kill -9 at " + killed + " s it resumed at " + again + " s");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
