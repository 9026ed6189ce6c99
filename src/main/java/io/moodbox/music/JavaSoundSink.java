package io.moodbox.music;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@link AudioSink} over a Java Sound {@link SourceDataLine}; the mixer is chosen by name. */
final class JavaSoundSink implements AudioSink {
    private static final Logger log = LoggerFactory.getLogger(JavaSoundSink.class);
    /** Device buffer: long enough to ride out GC pauses on a Pi, short enough for snappy skips. */
    private static final double BUFFER_SECONDS = 0.25;

    private final String mixerName;
    private SourceDataLine line;
    private int rate, channels;
    private byte[] bytes = new byte[0];

    JavaSoundSink(String mixerName) {
        this.mixerName = mixerName == null ? "" : mixerName.trim();
    }

    @Override
    public void open(int sampleRate, int channels) {
        close();
        AudioFormat fmt = new AudioFormat(sampleRate, 16, channels, true, false);
        DataLine.Info info = new DataLine.Info(SourceDataLine.class, fmt);
        try {
            SourceDataLine l;
            if (mixerName.isEmpty()) {
                l = (SourceDataLine) AudioSystem.getLine(info);
            } else {
                Mixer.Info chosen = null;
                List<String> names = new ArrayList<>();
                for (Mixer.Info mi : AudioSystem.getMixerInfo()) {
                    Mixer m = AudioSystem.getMixer(mi);
                    if (!m.isLineSupported(info)) continue;
                    names.add(mi.getName());
                    String n = (mi.getName() + " " + mi.getDescription()).toLowerCase(Locale.ROOT);
                    if (chosen == null && n.contains(mixerName.toLowerCase(Locale.ROOT))) chosen = mi;
                }
                if (chosen == null) throw new NoDeviceException("the sound card '" + mixerName
                        + "' (music.output) is not connected; sound cards found: " + (names.isEmpty() ? "none" : String.join(", ", names)));
                l = (SourceDataLine) AudioSystem.getMixer(chosen).getLine(info);
            }
            l.open(fmt, (int) (sampleRate * BUFFER_SECONDS) * channels * 2);
            l.start();
            line = l;
            rate = sampleRate;
            this.channels = channels;
            log.info("Audio output open: {} Hz, {} channels, {}", sampleRate, channels,
                    mixerName.isEmpty() ? "system default device" : "mixer '" + mixerName + "'");
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            log.debug("Java Sound refused the output", e);
            throw new NoDeviceException(mixerName.isEmpty() ? "no sound card found"
                    : "the sound card '" + mixerName + "' cannot play (it may be busy or unplugged)", e);
        }
    }

    @Override
    public int sampleRate() { return line == null ? 0 : rate; }

    @Override
    public String describe() {
        return mixerName.isEmpty() ? "the system's sound card" : "sound card '" + mixerName + "'";
    }

    @Override
    public void write(short[] pcm, int frames) {
        if (line == null) throw new NoDeviceException("audio output is not open");
        int n = frames * channels * 2;
        if (bytes.length < n) bytes = new byte[n];
        for (int i = 0; i < frames * channels; i++) {
            short s = pcm[i];
            bytes[2 * i] = (byte) s;
            bytes[2 * i + 1] = (byte) (s >> 8);
        }
        int off = 0;
        while (off < n) {
            int w = line.write(bytes, off, n - off);
            if (w <= 0 && !line.isOpen()) throw new NoDeviceException("the audio output was closed (device unplugged?)");
            off += Math.max(0, w);
        }
    }

    @Override
    public void drain() { if (line != null) line.drain(); }

    @Override
    public void flush() { if (line != null) line.flush(); }

    @Override
    public void close() {
        if (line != null) {
            line.close();
            line = null;
            rate = 0;
        }
    }
}
