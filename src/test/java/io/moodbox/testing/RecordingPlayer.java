package io.moodbox.testing;

import io.moodbox.music.AudioSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A capture sink, like Mopidy's dummy audio backend: records every sample the player would have
 * sent to the speaker (stereo 16-bit), every open/flush/drain, and can stand in for a missing
 * device. It does not pace in real time; {@link #holdAt} stops the audio thread inside
 * {@link #write} at a chosen frame so a test can act "mid-track", and a cap keeps a runaway
 * player from filling memory. Thread-safe: the player's audio thread writes, the test reads.
 */
public final class RecordingPlayer implements AudioSink {
    private short[] pcm = new short[1 << 16];
    private long frames;
    private int rate, channels;
    private boolean open;
    private long holdAt = Long.MAX_VALUE;
    private long capFrames;
    private int failOpens;
    private final List<String> events = new ArrayList<>();

    /** Captures at most {@code capSeconds} at 44.1 kHz; the player blocks after that until closed. */
    public RecordingPlayer(double capSeconds) {
        capFrames = (long) (capSeconds * 44100);
    }

    public RecordingPlayer() { this(120); }

    /** The next {@code n} opens fail as if no device were present. */
    public synchronized void failOpens(int n) { failOpens = n; }

    /** The audio thread blocks in write() once {@code frame} frames are captured, until {@link #release}. */
    public synchronized void holdAt(long frame) {
        holdAt = frame;
        notifyAll();
    }

    /** Lets the audio thread run on (also past the capture cap). */
    public synchronized void release() {
        holdAt = Long.MAX_VALUE;
        capFrames = Long.MAX_VALUE;
        notifyAll();
    }

    /** Waits until the audio thread is held at (or past) the hold frame; false on timeout. */
    public synchronized boolean awaitFrames(long frame, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (frames < frame) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized void open(int sampleRate, int channels) {
        if (failOpens > 0) {
            failOpens--;
            events.add("open-failed");
            throw new NoDeviceException("test: no device");
        }
        this.rate = sampleRate;
        this.channels = channels;
        open = true;
        events.add("open " + sampleRate + "x" + channels);
    }

    @Override
    public synchronized int sampleRate() { return open ? rate : 0; }

    @Override
    public synchronized void write(short[] data, int n) {
        if (!open) throw new NoDeviceException("test: not open");
        int need = (int) ((frames + n) * channels);
        if (need > pcm.length) pcm = Arrays.copyOf(pcm, Math.max(need, pcm.length * 2));
        System.arraycopy(data, 0, pcm, (int) (frames * channels), n * channels);
        frames += n;
        notifyAll();
        try {
            while ((frames >= holdAt || frames >= capFrames) && open) wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override public synchronized void drain() { events.add("drain@" + frames); }

    @Override public synchronized void flush() { events.add("flush@" + frames); }

    @Override
    public synchronized void close() {
        if (open) events.add("close");
        open = false;
        notifyAll();
    }

    public synchronized long frames() { return frames; }

    public synchronized int rate() { return rate; }

    public synchronized List<String> events() { return List.copyOf(events); }

    /** Left-channel samples captured so far, as [-1, 1] floats. */
    public synchronized float[] left() {
        float[] l = new float[(int) frames];
        for (int i = 0; i < frames; i++) l[i] = pcm[i * channels] / 32768f;
        return l;
    }
}
