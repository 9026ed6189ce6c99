package io.moodbox.app;

import io.moodbox.config.Settings;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings for tests that start the box: everything it writes goes under {@code dir}, the page on
 * a free local port, and a music folder holding one short tone so the library is not empty.
 */
final class TestSettings {
    private TestSettings() {}

    static Settings load(Path dir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("MOODBOX_WEB_PORT", "0");
        all.put("MOODBOX_WEB_BIND", "127.0.0.1");
        all.put("MOODBOX_WEB_OWNER_FILE", dir.resolve("web-owner.properties").toString());
        all.put("MOODBOX_WEB_ANONYMOUS_STATUS", "true");
        all.put("MOODBOX_MUSIC_STATE_DIR", dir.resolve("music-state").toString());
        all.put("MOODBOX_MUSIC_ROOTS", tone(dir.resolve("music")).toString());
        all.put("MOODBOX_MUSIC_SAMPLE_LIBRARY", "false");   // synthesizing a dozen pieces per test is too slow
        // Silent and paced like a speaker, on any machine: a test box never plays aloud, and whether
        // the machine has a sound card does not change what the tests see.
        all.put("MOODBOX_MUSIC_OUTPUT", "null");
        all.putAll(env);
        return Settings.load(dir.resolve("moodbox.properties"), all, Map.of());
    }

    /** {@code dir/calm/tone.wav}: two seconds of a soft 220 Hz tone. */
    static Path tone(Path dir) {
        return tone(dir, "calm", 2);
    }

    /** {@code dir/MOOD/tone.wav}: {@code seconds} of a soft 220 Hz tone, in the mood its folder names. */
    static Path tone(Path dir, String mood, int seconds) {
        try {
            Path calm = Files.createDirectories(dir.resolve(mood));
            int rate = 22050, n = rate * seconds;
            byte[] pcm = new byte[n * 2];
            for (int i = 0; i < n; i++) {
                short v = (short) (3000 * Math.sin(2 * Math.PI * 220 * i / rate));
                pcm[2 * i] = (byte) v;
                pcm[2 * i + 1] = (byte) (v >> 8);
            }
            AudioFormat f = new AudioFormat(rate, 16, 1, true, false);
            AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), f, n), AudioFileFormat.Type.WAVE,
                    calm.resolve("tone.wav").toFile());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
