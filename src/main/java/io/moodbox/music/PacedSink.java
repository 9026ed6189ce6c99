package io.moodbox.music;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * An {@link AudioSink} that behaves like a sound card without one: it plays at the sample rate
 * in real time (a write blocks while its 0.25 s "device buffer" is full, drain waits for it to
 * empty, flush throws away what is not yet heard), so the player's position, fades and track ends
 * are as real as with a speaker. What it "plays" is discarded ({@code music.output=null}, and
 * auto's stand-in when there is no sound card) or appended to a WAV file ({@code file:PATH.wav}):
 * exactly the samples a speaker would have sounded, flushed parts left out. The WAV header is
 * rewritten after each append, so the file is whole up to the last buffer even after a kill -9.
 * Called only from the player's audio thread.
 */
final class PacedSink implements AudioSink {
    private static final Logger log = LoggerFactory.getLogger(PacedSink.class);
    /** The same device buffer as {@link JavaSoundSink}. */
    static final double BUFFER_SECONDS = 0.25;

    private final Path file;
    private final double speed;
    private final LongSupplier nanos;
    private int rate, channels;
    /** Written but not yet heard: a FIFO of interleaved samples. */
    private short[] ring = new short[0];
    private int head, count;     // in samples
    /** When the device will have played everything written (System.nanoTime scale). */
    private long endNs;
    private Wav wav;
    private int fileIndex;

    private PacedSink(Path file, double speed, LongSupplier nanos) {
        if (!(speed > 0)) throw new IllegalArgumentException("speed must be > 0, was " + speed);
        this.file = file;
        this.speed = speed;
        this.nanos = nanos;
    }

    /** Paced, discarded: {@code music.output=null}. */
    static PacedSink silent() { return new PacedSink(null, 1, System::nanoTime); }

    /** Paced, written to {@code file} (created or truncated on the first open). */
    static PacedSink toFile(Path file) { return new PacedSink(file, 1, System::nanoTime); }

    /** For tests: {@code speed} times real time (2 = a 4 s track takes 2 s). */
    static PacedSink toFile(Path file, double speed) { return new PacedSink(file, speed, System::nanoTime); }

    @Override
    public void open(int sampleRate, int channels) {
        if (rate == sampleRate && this.channels == channels) {
            flush();
            return;
        }
        // Nothing written yet at the old rate (the player opens early, before it knows the track's):
        // the same file starts over in the new format rather than leaving an empty one behind.
        if (rate != 0) advance();
        if (wav != null && wav.dataBytes == 0) fileIndex--;
        close();
        this.rate = sampleRate;
        this.channels = channels;
        ring = new short[((int) Math.ceil(sampleRate * BUFFER_SECONDS) + 8192) * channels];
        head = count = 0;
        endNs = nanos.getAsLong();
        if (file != null) {
            // One WAV holds one format: a later open at another rate goes on in name-2.wav, name-3.wav, ...
            Path target = fileIndex == 0 ? file : numbered(file, fileIndex + 1);
            fileIndex++;
            try {
                wav = new Wav(target, sampleRate, channels);
            } catch (IOException e) {
                rate = 0;
                throw new NoDeviceException("cannot write the sound to " + target + " (" + e.getMessage() + ")", e);
            }
            log.info("Audio output: writing what the speaker would get to {} ({} Hz, {} channels)", target, sampleRate, channels);
        }
    }

    static Path numbered(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot), ext = dot < 0 ? "" : name.substring(dot);
        return file.resolveSibling(stem + "-" + n + ext);
    }

    @Override
    public int sampleRate() { return rate; }

    @Override
    public void write(short[] pcm, int frames) {
        if (rate == 0) throw new NoDeviceException("the output is not open");
        int samples = frames * channels, off = 0;
        while (off < samples) {
            advance();
            int room = ring.length - count;
            if (room == 0 || unheardNs() > bufferNs()) {
                sleepNs(Math.max(1_000_000L, unheardNs() - bufferNs()));
                continue;
            }
            int n = Math.min(room, samples - off);
            n -= n % channels;
            for (int i = 0; i < n; i++) ring[(head + count + i) % ring.length] = pcm[off + i];
            count += n;
            long now = nanos.getAsLong();
            if (endNs < now) endNs = now;   // the device had run dry: it starts again now
            endNs += framesToNs(n / channels);
            off += n;
        }
    }

    @Override
    public void drain() {
        if (rate == 0) return;
        long left;
        while ((left = unheardNs()) > 0) sleepNs(left);
        advance();
    }

    @Override
    public void flush() {
        if (rate == 0) return;
        advance();
        head = count = 0;
        endNs = nanos.getAsLong();
    }

    @Override
    public void close() {
        if (rate == 0) return;
        advance();   // what was heard before the close stays; the rest is lost, as with a real line
        head = count = 0;
        rate = channels = 0;
        if (wav != null) {
            wav.close();
            wav = null;
        }
    }

    @Override
    public String describe() {
        return file == null ? "none (music.output is null)" : "written to the file " + file + " (music.output)";
    }

    @Override
    public boolean audible() { return false; }

    /** Moves what the device has played by now out of the ring (into the file, if any). */
    private void advance() {
        long unheardFrames = (long) Math.ceil(unheardNs() * rate * speed / 1e9);
        int heard = count - (int) Math.min(count, unheardFrames * channels);
        heard -= heard % channels;
        if (heard <= 0) return;
        if (wav != null) {
            try {
                wav.append(ring, head, heard);
            } catch (IOException e) {
                log.warn("Cannot write the sound to {} ({}); from now on it is discarded", wav.path, e.getMessage());
                wav.close();
                wav = null;
            }
        }
        head = (head + heard) % ring.length;
        count -= heard;
    }

    private long unheardNs() { return Math.max(0, endNs - nanos.getAsLong()); }

    private long bufferNs() { return (long) (BUFFER_SECONDS * 1e9 / speed); }

    private long framesToNs(long frames) { return (long) (frames * 1e9 / rate / speed); }

    private static void sleepNs(long ns) {
        LockSupport.parkNanos(ns);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new NoDeviceException("interrupted while playing");
        }
    }

    /** A 16-bit PCM WAV file whose sizes are kept current after each append. */
    private static final class Wav {
        final Path path;
        final FileChannel ch;
        final ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        final int rate, channels;
        ByteBuffer bytes = ByteBuffer.allocate(0);
        long dataBytes;

        Wav(Path path, int rate, int channels) throws IOException {
            this.path = path;
            this.rate = rate;
            this.channels = channels;
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            writeHeader();
        }

        void append(short[] ring, int from, int samples) throws IOException {
            if (bytes.capacity() < samples * 2) bytes = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
            bytes.clear();
            for (int i = 0; i < samples; i++) bytes.putShort(ring[(from + i) % ring.length]);
            bytes.flip();
            long at = 44 + dataBytes;
            while (bytes.hasRemaining()) at += ch.write(bytes, at);
            dataBytes += samples * 2L;
            writeHeader();   // data first, then the sizes: the header never claims more than is there
        }

        private void writeHeader() throws IOException {
            long riff = Math.min(0xFFFFFFFFL, 36 + dataBytes), data = Math.min(0xFFFFFFFFL, dataBytes);
            header.clear();
            header.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) riff)
                    .put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                    .putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                    .putShort((short) (channels * 2)).putShort((short) 16)
                    .put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) data);
            header.flip();
            long at = 0;
            while (header.hasRemaining()) at += ch.write(header, at);
        }

        void close() {
            try {
                ch.close();
            } catch (IOException e) {
                log.warn("Closing {} failed ({})", path, e.getMessage());
            }
        }
    }
}
