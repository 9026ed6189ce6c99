package io.moodbox.music;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.ShortBuffer;
import java.nio.file.Path;

/**
 * Decodes one track to interleaved 16-bit stereo at the file's own rate (capped at 48 kHz, the
 * rate every Pi output takes), so tracks with the same rate keep the output line open between
 * them: no gap. Owns a native FFmpeg grabber, freed in {@link #close()}. Audio thread only.
 */
final class PcmDecoder implements AutoCloseable {
    static final int CHANNELS = 2;
    private final FFmpegFrameGrabber grabber;
    private final int rate;
    private short[] pending = new short[0];
    private int pendingOff, pendingLen;

    PcmDecoder(Path file, double startSeconds) {
        AudioFile.quietFfmpeg();
        if (!java.nio.file.Files.isReadable(file)) throw new AudioFile.Unreadable(file + " is gone or unreadable");
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        g.setSampleMode(FrameGrabber.SampleMode.SHORT);
        g.setAudioChannels(CHANNELS);
        try {
            g.start();
            if (!g.hasAudio()) throw new AudioFile.Unreadable(file + " has no audio stream");
            if (g.getSampleRate() > 48000) {
                // Restart with a resampler: hi-res files play at 48 kHz.
                g.stop();
                g.setSampleRate(48000);
                g.start();
            }
            rate = g.getSampleRate();
            if (startSeconds > 0) g.setTimestamp((long) (startSeconds * 1e6));
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                g.release();
            } catch (FrameGrabber.Exception ignored) {
                // the open failure is the error worth reporting
            }
            if (e instanceof AudioFile.Unreadable u) throw u;
            throw new AudioFile.Unreadable(file + " cannot be decoded: " + e.getMessage(), e);
        }
        grabber = g;
    }

    int sampleRate() { return rate; }

    /**
     * Fills {@code out} with up to {@code maxFrames} frames; returns the frames read, or -1 at the
     * end of the track. A decode error mid-track ends the track (what was decoded still plays).
     */
    int read(short[] out, int maxFrames) {
        int want = maxFrames * CHANNELS, got = 0;
        while (got < want) {
            if (pendingLen == 0) {
                Frame f;
                try {
                    f = grabber.grabSamples();
                } catch (FrameGrabber.Exception e) {
                    f = null;
                }
                if (f == null) break;
                if (f.samples == null || f.samples.length == 0) continue;
                ShortBuffer sb = (ShortBuffer) f.samples[0];
                int n = sb.remaining();
                if (pending.length < n) pending = new short[n];
                sb.get(pending, 0, n);
                pendingOff = 0;
                pendingLen = n;
            }
            int take = Math.min(pendingLen, want - got);
            System.arraycopy(pending, pendingOff, out, got, take);
            pendingOff += take;
            pendingLen -= take;
            got += take;
        }
        return got == 0 ? -1 : got / CHANNELS;
    }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            // closing after the end of a track; nothing left to lose
        }
    }
}
