package io.moodbox.music;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Java Sound sink where no device can be relied on: what it says when the named one is missing. */
class JavaSoundSinkTest {
    @Test
    void anUnknownMixerNameIsNoDeviceNamingTheKeyAndWhatWasFound() {
        AudioSink sink = AudioSink.javaSound("no-such-sound-card-7f3a");
        AudioSink.NoDeviceException e = assertThrows(AudioSink.NoDeviceException.class, () -> sink.open(44100, 2));
        assertTrue(e.getMessage().contains("music.output") && e.getMessage().contains("sound cards found"), e.getMessage());
        assertEquals(0, sink.sampleRate());
        assertThrows(AudioSink.NoDeviceException.class, () -> sink.write(new short[4], 2), "writing while closed");
        sink.close();
    }

    @Test
    void theDefaultDeviceOpensOrSaysWhyNot() {
        AudioSink sink = AudioSink.javaSound("");
        try {
            sink.open(44100, 2);
            assertEquals(44100, sink.sampleRate());
            sink.write(new short[2048], 1024); // 23 ms of silence
            sink.flush();
        } catch (AudioSink.NoDeviceException e) {
            assertTrue(e.getMessage().equals("no sound card found"), e.getMessage());
        } finally {
            sink.close();
        }
        assertEquals(0, sink.sampleRate());
    }
}
