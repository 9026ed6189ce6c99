package io.moodbox.testing;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Audio files as a music library collects them, good and bad, written at test time: tones as WAV,
 * and the same with an ID3v2 tag block in front (as taggers write one: a title frame and an
 * attached picture frame of any size), truncated, empty, or text with an audio name.
 */
public final class AudioFaults {
    private AudioFaults() {}

    /** {@code seconds} of a soft tone at {@code hz}, 22.05 kHz mono 16-bit WAV. */
    public static byte[] tone(double seconds, double hz) throws IOException {
        int rate = 22050, n = (int) (rate * seconds);
        byte[] pcm = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            short v = (short) (3000 * Math.sin(2 * Math.PI * hz * i / rate));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(rate, 16, 1, true, false), n),
                AudioFileFormat.Type.WAVE, out);
        return out.toByteArray();
    }

    /** The same tone as an MP3 (LAME through FFmpeg) without tags of its own: put {@link #id3} in front for those. */
    public static byte[] mp3(double seconds, double hz) throws IOException {
        return encode("mp3", "mp3", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3, 22050, seconds, hz, java.util.Map.of());
    }

    /** The same tone as FLAC, whose header knows its length: cut short, it is found truncated. */
    public static byte[] flac(double seconds, double hz) throws IOException {
        return encode("flac", "flac", org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_FLAC, 22050, seconds, hz, java.util.Map.of());
    }

    /**
     * A mono tone encoded by FFmpeg as {@code format} (file extension {@code ext}) with the given
     * metadata tags; an mp3 gets no ID3 tag and no Xing frame of FFmpeg's own.
     */
    public static byte[] encode(String format, String ext, int codec, int rate, double seconds, double hz,
                                java.util.Map<String, String> tags) throws IOException {
        int n = (int) (rate * seconds);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) pcm[i] = (short) (3000 * Math.sin(2 * Math.PI * hz * i / rate));
        Path tmp = Files.createTempFile("moodbox-tone", "." + ext);
        try {
            org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(tmp.toFile(), 1);
            try {
                r.setFormat(format);
                r.setAudioCodec(codec);
                r.setSampleRate(rate);
                r.setAudioBitrate(64_000);
                if (format.equals("mp3")) {
                    r.setOption("id3v2_version", "0");
                    r.setOption("write_xing", "0");
                }
                tags.forEach(r::setMetadata);
                r.start();
                r.recordSamples(rate, 1, java.nio.ShortBuffer.wrap(pcm));
                r.stop();
            } finally {
                r.release();
            }
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    /** The first third of the bytes, as a copy cut short leaves them. */
    public static byte[] truncated(byte[] whole) { return Arrays.copyOf(whole, whole.length / 3); }

    /**
     * An ID3v2.4 block: a TIT2 title of {@code titleChars} letters and an APIC "front cover" of
     * {@code pictureBytes} bytes (a JPEG header, then noise), to put in front of audio.
     */
    public static byte[] id3(int titleChars, int pictureBytes) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        byte[] title = new byte[1 + titleChars];
        title[0] = 3;   // UTF-8
        Arrays.fill(title, 1, title.length, (byte) 'T');
        frame(frames, "TIT2", title);
        if (pictureBytes > 0) {
            ByteArrayOutputStream pic = new ByteArrayOutputStream();
            pic.write(0);   // ISO-8859-1 description
            pic.write("image/jpeg".getBytes(StandardCharsets.ISO_8859_1));
            pic.write(0);
            pic.write(3);   // front cover
            pic.write(0);   // empty description
            byte[] jpeg = new byte[pictureBytes];
            new Random(1).nextBytes(jpeg);
            jpeg[0] = (byte) 0xFF;
            jpeg[1] = (byte) 0xD8;
            pic.write(jpeg);
            frame(frames, "APIC", pic.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{'I', 'D', '3', 4, 0, 0});
        out.write(syncsafe(frames.size()));
        frames.writeTo(out);
        return out.toByteArray();
    }

    private static void frame(ByteArrayOutputStream out, String id, byte[] body) throws IOException {
        out.write(id.getBytes(StandardCharsets.ISO_8859_1));
        out.write(syncsafe(body.length));
        out.write(new byte[]{0, 0});
        out.write(body);
    }

    private static byte[] syncsafe(int n) {
        return new byte[]{(byte) ((n >> 21) & 0x7F), (byte) ((n >> 14) & 0x7F), (byte) ((n >> 7) & 0x7F), (byte) (n & 0x7F)};
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
