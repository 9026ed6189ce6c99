package io.moodbox.music;

import io.moodbox.config.MoodboxException;

/**
 * Where the player's PCM goes: signed 16-bit little-endian interleaved samples. The real one is
 * a Java Sound {@code SourceDataLine} (ALSA on the Pi); tests use a capture sink that records
 * what would have been heard. Called only from the player's audio thread ({@code moodbox-audio}).
 */
public interface AudioSink extends AutoCloseable {

    /** No output device, or it went away; the message says which and what was found. */
    final class NoDeviceException extends MoodboxException {
        public NoDeviceException(String message) { super(message); }
        public NoDeviceException(String message, Throwable cause) { super(message, cause); }
    }

    /** Opens the output for this format, closing any other first. Throws {@link NoDeviceException}. */
    void open(int sampleRate, int channels);

    /** Sample rate of the open output, or 0 when closed. */
    int sampleRate();

    /** Writes {@code frames} interleaved frames; blocks while the device buffer is full (this paces playback). */
    void write(short[] pcm, int frames);

    /** Waits until everything written has been heard. */
    void drain();

    /** Throws away what was written but not yet heard (skip, stop). */
    void flush();

    @Override
    void close();

    /** How often {@code music.output=auto} looks for a sound card again while it plays silently. */
    int AUTO_PROBE_SECONDS = 30;

    /** Where the sound goes now, in words for the page: "speaker (system default)", "none: silent ...". */
    default String describe() { return "audio output"; }

    /** False when nothing is heard however loud: the null output, a file, or auto without a sound card. */
    default boolean audible() { return true; }

    /** The output {@code music.output} names. Opening it is left to the player (it may fail then). */
    static AudioSink of(MusicConfig.Output output) {
        return switch (output.kind()) {
            case AUTO -> new AutoSink(new JavaSoundSink(""), PacedSink.silent(), System::nanoTime);
            case NULL -> PacedSink.silent();
            case FILE -> PacedSink.toFile(output.file());
            case MIXER -> new JavaSoundSink(output.value());
        };
    }

    /** The Java Sound output; {@code mixer} a part of the mixer's name, or "" for the system default. */
    static AudioSink javaSound(String mixer) {
        return new JavaSoundSink(mixer);
    }
}
