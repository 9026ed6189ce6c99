package io.moodbox.music;

import io.moodbox.config.MoodboxException;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads audio files through JavaCV's FFmpegFrameGrabber (audio only): container tags, duration,
 * and a mono excerpt resampled for analysis. Every failure becomes an {@link Unreadable} with a
 * sentence for the owner. Stateless; any thread (each call opens its own grabber).
 */
final class AudioFile {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AudioFile.class);

    static {
        // Corrupt files make FFmpeg print pages of errors; we report each file once ourselves.
        avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    }

    /** A file that cannot be used as music; the message says why. */
    static final class Unreadable extends MoodboxException {
        Unreadable(String message) { super(message); }
        Unreadable(String message, Throwable cause) { super(message, cause); }
    }

    /** Tags and stream facts. {@code gainDb} NaN when untagged; {@code bpm} 0 when untagged. */
    record Info(String title, String artist, String album, String genre, String mood, double bpm, double gainDb,
                double durationSeconds, int sampleRate, int channels, String codec) {}

    static final double MAX_WHOLE_SECONDS = 1200;

    private AudioFile() {}

    /** Runs the static initializer above (FFmpeg's log level) before any native call. */
    static void quietFfmpeg() {}

    static Info probe(Path file) {
        checkSize(file);
        try (FFmpegFrameGrabber g = open(file, false)) {
            return info(file, g);
        } catch (FrameGrabber.Exception e) {
            throw new Unreadable("FFmpeg could not close it: " + e.getMessage(), e);
        }
    }

    /**
     * The analysis input and the file's info in one pass over the container. {@code loudnessDb}
     * is the RMS level of one channel as the player will send it (the file turned into stereo by
     * the same FFmpeg conversion the player uses), so levelling toward a target lands on it for
     * mono, centred and wide stereo alike; {@code mono} is the mean of the two channels.
     */
    record Decoded(Info info, float[] mono, double loudnessDb) {}

    /**
     * Decodes up to {@code maxSeconds} (the whole file, up to 20 minutes, if <= 0) of mono audio at {@link Analyzer#RATE},
     * taken from the middle of longer tracks (intros and fade-outs say little about a song).
     */
    static Decoded decodeExcerpt(Path file, double maxSeconds) {
        checkSize(file);
        try (FFmpegFrameGrabber g = open(file, true)) {
            Info info = info(file, g);
            // Whole-track analysis still stops at 20 minutes: an hour-long mix would need 300 MB of samples.
            double cap = maxSeconds > 0 ? maxSeconds : MAX_WHOLE_SECONDS;
            double start = 0, want = info.durationSeconds() > 0 ? Math.min(cap, info.durationSeconds()) : 0;
            if (info.durationSeconds() > cap) {
                start = (info.durationSeconds() - cap) / 2;
                g.setTimestamp((long) (start * 1e6));
            }
            int limit = (int) Math.ceil((want > 0 ? want : cap) * Analyzer.RATE);
            float[] buf = new float[Math.min(limit, Analyzer.RATE * 30)];
            float[] pair = new float[0];
            int n = 0;
            double sumSq = 0;
            Frame f;
            while (n < limit && (f = grab(g)) != null) {
                if (f.samples == null || f.samples.length == 0) continue;
                FloatBuffer fb = (FloatBuffer) f.samples[0];   // interleaved left, right
                int take = Math.min(fb.remaining() / 2, limit - n);
                if (n + take > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(n + take, Math.min(limit, buf.length * 2)));
                if (pair.length < 2 * take) pair = new float[2 * take];
                fb.get(pair, 0, 2 * take);
                for (int i = 0; i < take; i++) {
                    float l = pair[2 * i], r = pair[2 * i + 1];
                    sumSq += (double) l * l + (double) r * r;
                    buf[n + i] = 0.5f * (l + r);
                }
                n += take;
            }
            double got = (double) n / Analyzer.RATE;
            if (got < 1.0) throw new Unreadable(n == 0 ? "no audio could be decoded" : String.format(Locale.ROOT, "only %.1f s of audio could be decoded", got));
            if (want > 0 && got < 0.8 * want - 0.5) {
                throw new Unreadable(String.format(Locale.ROOT, "truncated: the header says %.0f s but only %.0f s could be decoded",
                        info.durationSeconds(), start + got));
            }
            double loudnessDb = 10 * Math.log10(sumSq / (2.0 * n) + 1e-12);
            return new Decoded(info, n == buf.length ? buf : java.util.Arrays.copyOf(buf, n), loudnessDb);
        } catch (FrameGrabber.Exception e) {
            throw new Unreadable("FFmpeg failed: " + e.getMessage(), e);
        }
    }

    private static Frame grab(FFmpegFrameGrabber g) {
        try {
            return g.grabSamples();
        } catch (FrameGrabber.Exception e) {
            throw new Unreadable("corrupt audio data: " + e.getMessage(), e);
        }
    }

    /** Tag blocks larger than this are not handed to FFmpeg, which reads them whole into memory at open. */
    static final long MAX_TAG_BYTES = 32L << 20;
    /** Longest tag text kept (titles, artists...): the page and the cache want a line, not a book. */
    static final int MAX_TAG_CHARS = 200;

    /**
     * What can be told before FFmpeg opens the file: it is empty, the box may not read it, or it
     * starts with an ID3 tag block so large (cover art, usually) that reading it could take the
     * memory the box runs in.
     */
    private static void checkSize(Path file) {
        try {
            if (Files.size(file) == 0) throw new Unreadable("the file is empty (0 bytes)");
            if (!Files.isReadable(file)) throw new Unreadable("the box may not read it (file permissions)");
            long tag = id3Size(file);
            if (tag > MAX_TAG_BYTES)
                throw new Unreadable(String.format(Locale.ROOT, "its tags (an ID3 block, usually cover art) take %.0f MB, more than "
                        + "the %d MB the box reads; save it with smaller cover art", tag / 1048576.0, MAX_TAG_BYTES >> 20));
        } catch (IOException e) {
            throw new Unreadable("cannot be read: " + e.getMessage(), e);
        }
    }

    /** The size of the ID3v2 block the file starts with (header, syncsafe size, footer), or 0. */
    static long id3Size(Path file) throws IOException {
        byte[] h = new byte[10];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(h, 0, 10) < 10) return 0;
        }
        if (h[0] != 'I' || h[1] != 'D' || h[2] != '3') return 0;
        long size = 0;
        for (int i = 6; i < 10; i++) size = (size << 7) | (h[i] & 0x7F);
        return 10 + size + ((h[5] & 0x10) != 0 ? 10 : 0);
    }

    private static FFmpegFrameGrabber open(Path file, boolean forAnalysis) {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        if (forAnalysis) {
            g.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            g.setSampleRate(Analyzer.RATE);
            // Two channels, as PcmDecoder asks for them: FFmpeg's own mono downmix adds the
            // channels at -3 dB each, so a centred stereo signal read 3 dB hotter than it plays.
            g.setAudioChannels(PcmDecoder.CHANNELS);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            release(g);
            throw new Unreadable("not an audio file FFmpeg can open (" + firstLine(e.getMessage()) + ")", e);
        }
        if (!g.hasAudio()) {
            release(g);
            throw new Unreadable("contains no audio stream");
        }
        return g;
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (FrameGrabber.Exception e) {
            // Already failing; the original error is the one worth reporting.
        }
    }

    private static Info info(Path file, FFmpegFrameGrabber g) {
        Map<String, String> tags = new HashMap<>();
        // Stream tags (Ogg, Opus) and container tags (ID3, FLAC, MP4) both count; container wins.
        g.getAudioMetadata().forEach((k, v) -> tags.put(k.toLowerCase(Locale.ROOT), v));
        g.getMetadata().forEach((k, v) -> tags.put(k.toLowerCase(Locale.ROOT), v));
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String title = first(tags, "title");
        if (title.isBlank()) title = dot > 0 ? name.substring(0, dot) : name;
        String artist = first(tags, "artist", "album_artist", "albumartist");
        double gain = parseDb(first(tags, "replaygain_track_gain"));
        if (Double.isNaN(gain)) {
            String r128 = first(tags, "r128_track_gain"); // Opus: Q7.8 dB relative to -23 LUFS
            try {
                if (!r128.isBlank()) gain = Integer.parseInt(r128.trim()) / 256.0 + 5.0;
            } catch (NumberFormatException e) {
                gain = Double.NaN;
            }
        }
        double duration = g.getLengthInTime() > 0 ? g.getLengthInTime() / 1e6 : 0;
        return new Info(title, artist, first(tags, "album"), first(tags, "genre"), first(tags, "mood", "tmoo"),
                parseNumber(first(tags, "bpm", "tbpm")), gain, duration, g.getSampleRate(), g.getAudioChannels(),
                String.valueOf(g.getAudioCodecName()));
    }

    private static String first(Map<String, String> tags, String... keys) {
        for (String k : keys) {
            String v = tags.get(k);
            if (v != null && !v.isBlank()) return clip(k, v);
        }
        return "";
    }

    /** Tag text as the page shows it: control characters dropped, one line, at most {@link #MAX_TAG_CHARS}. */
    static String clip(String tag, String v) {
        StringBuilder b = new StringBuilder(Math.min(v.length(), MAX_TAG_CHARS + 1));
        for (int i = 0; i < v.length() && b.length() <= MAX_TAG_CHARS; i++) {
            char c = v.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        String out = b.toString().strip();
        if (v.length() > MAX_TAG_CHARS) {
            log.warn("A '{}' tag of {} characters: only the first {} are kept", tag, v.length(), MAX_TAG_CHARS);
            out = out.substring(0, Math.min(out.length(), MAX_TAG_CHARS)).strip() + "\u2026";
        }
        return out;
    }


    /** "-6.20 dB" -> -6.2; NaN if absent or malformed. */
    static double parseDb(String s) {
        if (s == null || s.isBlank()) return Double.NaN;
        try {
            return Double.parseDouble(s.trim().replaceAll("(?i)\\s*db$", ""));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double parseNumber(String s) {
        try {
            return s.isBlank() ? 0 : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
