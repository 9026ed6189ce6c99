package io.moodbox.music;

import io.moodbox.config.MoodboxException;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;

import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes real audio files through FFmpegFrameRecorder: the codec follows the extension (flac,
 * mp3, ogg = Vorbis, opus, m4a = AAC, wav = PCM). Stereo from mono, container tags from
 * {@code tags}. Written to a temp name and renamed, so a half-written file never looks like music.
 */
final class AudioWriter {
    private AudioWriter() {}

    static void write(Path file, float[] mono, int rate, Map<String, String> tags) {
        String ext = FileMusicLibrary.extension(file.getFileName().toString());
        int codec = switch (ext) {
            case "flac" -> avcodec.AV_CODEC_ID_FLAC;
            case "mp3" -> avcodec.AV_CODEC_ID_MP3;
            case "ogg" -> avcodec.AV_CODEC_ID_VORBIS;
            case "opus" -> avcodec.AV_CODEC_ID_OPUS;
            case "m4a" -> avcodec.AV_CODEC_ID_AAC;
            case "wav" -> avcodec.AV_CODEC_ID_PCM_S16LE;
            default -> throw new MoodboxException("cannot write ." + ext + " files; use flac, mp3, ogg, opus, m4a or wav");
        };
        if (codec == avcodec.AV_CODEC_ID_OPUS && rate != 48000) {
            mono = resample(mono, rate, 48000);
            rate = 48000;
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".part." + ext);
        AudioFile.quietFfmpeg();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FFmpegFrameRecorder r = new FFmpegFrameRecorder(tmp.toFile(), 2);
            try {
                r.setFormat(switch (ext) { case "m4a" -> "ipod"; case "opus" -> "ogg"; default -> ext; });
                r.setAudioCodec(codec);
                r.setSampleRate(rate);
                r.setAudioBitrate(160_000);
                tags.forEach(r::setMetadata);
                r.start();
                short[] pcm = new short[mono.length * 2];
                for (int i = 0; i < mono.length; i++) {
                    short v = (short) Math.round(Math.max(-1, Math.min(1, mono[i])) * 32767);
                    pcm[2 * i] = v;
                    pcm[2 * i + 1] = v;
                }
                r.recordSamples(rate, 2, ShortBuffer.wrap(pcm));
                r.stop();
            } finally {
                r.release();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (java.io.IOException ignored) {
                // the write failed already; that is the error to report
            }
            throw new MoodboxException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Linear-interpolation resampling; fine for synthesized test material. */
    static float[] resample(float[] x, int from, int to) {
        int n = (int) ((long) x.length * to / from);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double src = (double) i * from / to;
            int k = (int) src;
            double f = src - k;
            float a = x[Math.min(k, x.length - 1)], b = x[Math.min(k + 1, x.length - 1)];
            y[i] = (float) (a + (b - a) * f);
        }
        return y;
    }
}
