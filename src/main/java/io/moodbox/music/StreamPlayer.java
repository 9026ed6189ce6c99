package io.moodbox.music;

import io.moodbox.music.PlayerStatus.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Player} decoding with FFmpeg ({@link PcmDecoder}) into an {@link AudioSink} on its own
 * thread. Commands set flags under the monitor; the audio loop reads them between buffers and
 * does all decoding, gain, fading and writing without holding the lock.
 */
final class StreamPlayer implements Player {
    private static final Logger log = LoggerFactory.getLogger(StreamPlayer.class);
    private static final int CHUNK_FRAMES = 1024;
    /** Short ramps that keep pause, resume and skip free of clicks. */
    private static final double DECLICK_SECONDS = 0.03;
    /**
     * The position is saved every half second without fsync (a crash or kill -9 loses at most that;
     * the page cache survives), and with fsync on every state change and every {@link #SYNC_EVERY_MS}
     * (a power cut loses at most that) — a flash card is not fsynced twice a second for ever.
     */
    private static final long SAVE_EVERY_MS = 500, SYNC_EVERY_MS = 30_000, POSITION_EVERY_MS = 1000;
    /** A resumed track starts this much before the saved position: a moment of context. */
    static final double RESUME_CONTEXT_SECONDS = 0.25;
    private final long retryDeviceMs;
    /** Normalisation never boosts more than this (quiet tracks would clip and pump). */
    private static final double MAX_BOOST_DB = 9, MAX_CUT_DB = -18;

    private final MusicConfig config;
    private final AudioSink sink;
    private final TrackSource source;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;

    // Commands (guarded by this).
    private boolean wantPlaying, skipRequested, moodChangeRequested, closed;
    private int volume;
    /** Counts commands, so an idle audio thread wakes for any of them (a volume change while paused). */
    private long commands;
    /** {@link #commands} when the audio loop last read them: one arriving since then ends any idle at once. */
    private long seenCommands;
    private final Deque<Track> queue = new ArrayDeque<>();

    // Audio thread only.
    private Current cur;
    private double restoredPosition;
    private double env = 1, envTarget = 1, envStep;
    private Switch pending = Switch.NONE;
    private double appliedVolumeGain = -1;
    private boolean deviceOk;
    private long lastSave, lastSync, lastPosition;
    private volatile PlayerStatus status;

    private enum Switch { NONE, SKIP, MOOD, PAUSE }

    private static final class Current {
        final TrackPicker.Pick pick;
        final PcmDecoder decoder;
        final double startSeconds, gain;
        long frames;

        Current(TrackPicker.Pick pick, PcmDecoder decoder, double startSeconds, double gain) {
            this.pick = pick;
            this.decoder = decoder;
            this.startSeconds = startSeconds;
            this.gain = gain;
        }

        double position() { return startSeconds + (double) frames / decoder.sampleRate(); }
    }

    StreamPlayer(MusicConfig config, AudioSink sink, TrackSource source) {
        this(config, sink, source, 5000, true);
    }

    /**
     * {@code retryDeviceMs}: how often a missing output is looked for again; {@code playOnFirstStart}:
     * start playing at once when there is no saved state (an appliance plays when plugged in).
     */
    StreamPlayer(MusicConfig config, AudioSink sink, TrackSource source, long retryDeviceMs, boolean playOnFirstStart) {
        this.retryDeviceMs = retryDeviceMs;
        this.config = config;
        this.sink = sink;
        this.source = source;
        PlayerState saved = PlayerState.load(config.playerStateFile());
        TrackPicker.Pick resume = null;
        if (saved == null) {
            volume = Math.min(config.volume(), config.maxStartVolume());
            wantPlaying = playOnFirstStart;
        } else {
            // Never start loud after a reboot: whatever it was, the cap applies.
            volume = Math.max(0, Math.min(saved.volume(), config.maxStartVolume()));
            for (String id : saved.queue()) source.find(id).ifPresent(queue::add);
            Optional<Track> t = saved.trackId().isBlank() ? Optional.empty() : source.find(saved.trackId());
            if (t.isPresent()) {
                resume = new TrackPicker.Pick(t.get(), t.get().valence(), t.get().arousal(), "Resumed where it was before the restart.");
                restoredPosition = Math.max(0, saved.positionSeconds() - RESUME_CONTEXT_SECONDS);
            }
            wantPlaying = saved.playing();
        }
        status = new PlayerStatus(State.STOPPED, resume == null ? null : resume.track(), resume == null ? "" : resume.reason(),
                volume, restoredPosition, sink.describe(), sink.audible());
        TrackPicker.Pick first = resume;
        thread = new Thread(() -> run(first), "moodbox-audio");
        thread.setDaemon(true);
        thread.start();
    }

    // ---- commands: any thread ----

    @Override public synchronized void play() { wantPlaying = true; wake(); }

    @Override public synchronized void pause() { wantPlaying = false; wake(); }

    @Override public synchronized void next() { skipRequested = true; wantPlaying = true; wake(); }

    @Override public synchronized void moodChanged() { moodChangeRequested = true; wake(); }

    @Override
    public synchronized void setVolume(int percent) {
        volume = Math.max(0, Math.min(100, percent));
        wake();
    }

    @Override public synchronized void enqueue(Track track) { queue.addLast(track); wake(); }

    @Override public synchronized void playNow(Track track) { queue.addFirst(track); skipRequested = true; wantPlaying = true; wake(); }

    @Override public synchronized void clearQueue() { queue.clear(); wake(); }

    @Override public synchronized void libraryChanged() { wake(); }

    private void wake() {
        commands++;
        notifyAll();
    }

    @Override public synchronized List<Track> queue() { return List.copyOf(queue); }

    @Override public PlayerStatus status() { return status; }

    @Override public void addListener(Listener l) { listeners.add(l); }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the audio thread ----

    private void run(TrackPicker.Pick resume) {
        log.info("Audio thread started; volume {}%", volume);
        short[] buf = new short[CHUNK_FRAMES * PcmDecoder.CHANNELS];
        try {
            if (resume != null) {
                try {
                    cur = openTrack(resume, restoredPosition);
                } catch (AudioFile.Unreadable e) {
                    log.warn("Cannot resume {}: {}", resume.track().path(), e.getMessage());
                }
            }
            ensureDevice(cur == null ? 44100 : cur.decoder.sampleRate());
            while (true) {
                boolean playing, skip, mood;
                int vol;
                synchronized (this) {
                    if (closed) break;
                    playing = wantPlaying;
                    skip = skipRequested;
                    mood = moodChangeRequested;
                    skipRequested = false;
                    moodChangeRequested = false;
                    vol = volume;
                    seenCommands = commands;
                }
                if (vol != status.volumePercent() && (!playing || !deviceOk)) {
                    // Not writing, so applyGain will not see it: show and keep the new volume now.
                    setState(status.state(), null);
                    saveState(playing, true);
                }
                if (!deviceOk && cur != null && (skip || mood)) {
                    // Nothing is heard, so there is nothing to fade: the new pick is loaded at once and
                    // shows on the page, ready for when the speaker is back.
                    if (skip) source.finished(cur.pick.track(), true);
                    closeCurrent();
                    pending = Switch.NONE;
                    startNext(mood && !skip);
                    continue;
                }
                if (skip && cur != null) beginFadeOut(Switch.SKIP, DECLICK_SECONDS * 3);
                else if (skip) pending = Switch.NONE;
                if (mood && cur != null && config.moodChange() == MusicConfig.MoodChange.FADE && pending == Switch.NONE) {
                    if (playing) beginFadeOut(Switch.MOOD, config.fadeMs() / 1000.0);
                    else closeCurrent(); // paused: the next play starts with a fresh pick
                }
                if (!playing && pending == Switch.NONE && cur != null && status.state() == State.PLAYING)
                    beginFadeOut(Switch.PAUSE, DECLICK_SECONDS);

                if (!playing && pending == Switch.NONE) {
                    if (!deviceOk && !ensureDevice(cur == null ? 44100 : cur.decoder.sampleRate())) {
                        idle(retryDeviceMs); // keep looking, so the page shows the device as soon as it is there
                        continue;
                    }
                    setState(cur == null ? State.STOPPED : State.PAUSED, null);
                    if (cur != null) saveState(false, true);
                    idle(0);
                    if (cur != null) fadeIn(DECLICK_SECONDS); // resuming: ramp up, no click
                    continue;
                }
                if (cur == null && !startNext(false)) {
                    // A missing speaker stays the headline: the empty library is the page's own problem line.
                    if (deviceOk || ensureDevice(44100)) setState(State.STOPPED, "Nothing to play: the music library is empty.");
                    idle(retryDeviceMs);
                    continue;
                }
                if (!deviceOk && !ensureDevice(cur.decoder.sampleRate())) {
                    idle(retryDeviceMs);
                    continue;
                }
                int n = cur.decoder.read(buf, CHUNK_FRAMES);
                if (n < 0) {
                    // The end of the track; gapless into the next unless a fade was under way.
                    boolean wasFading = pending != Switch.NONE;
                    pending = Switch.NONE;
                    source.finished(cur.pick.track(), false);
                    closeCurrent();
                    if (startNext(false) && wasFading) fadeIn(DECLICK_SECONDS);
                    continue;
                }
                applyGain(buf, n);
                if (!write(buf, n)) continue;
                cur.frames += n;
                if (pending != Switch.NONE && env <= 0) {
                    finishFadeOut();   // may have paused: the loop's top says what state we are in now
                    continue;
                }
                tick();
            }
        } catch (RuntimeException e) {
            log.error("The audio thread failed; music stops until a restart", e);
            setState(State.STOPPED, "The music player stopped after an internal error; restart the box "
                    + "(the log has the details).");
        } finally {
            saveState(wantPlayingNow(), true);
            closeCurrent();
            sink.close();
            log.info("Audio thread stopped");
        }
    }

    private synchronized boolean wantPlayingNow() { return wantPlaying; }

    private void beginFadeOut(Switch what, double seconds) {
        pending = what;
        envTarget = 0;
        envStep = stepFor(seconds);
        if (envStep >= 1) env = 0;
    }

    private void fadeIn(double seconds) {
        env = 0;
        envTarget = 1;
        envStep = stepFor(seconds);
    }

    private double stepFor(double seconds) {
        int rate = cur == null ? 44100 : cur.decoder.sampleRate();
        return seconds <= 0 ? 1 : 1.0 / (seconds * rate);
    }

    /** The fade-out reached silence: now do what it was for. */
    private void finishFadeOut() {
        Switch what = pending;
        pending = Switch.NONE;
        switch (what) {
            case PAUSE -> {
                sink.flush();
                setState(State.PAUSED, null);
                saveState(false, true);
                idleUntilPlayOrCommand();
            }
            case SKIP -> {
                source.finished(cur.pick.track(), true);
                closeCurrent();
                sink.flush();
                if (startNext(false)) fadeIn(DECLICK_SECONDS);
            }
            case MOOD -> {
                closeCurrent();
                if (startNext(true)) fadeIn(config.fadeMs() / 1000.0);
            }
            default -> { }
        }
    }

    private void idleUntilPlayOrCommand() {
        synchronized (this) {
            while (!closed && !wantPlaying && !skipRequested && commands == seenCommands) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
        fadeIn(DECLICK_SECONDS);
    }

    /** Takes the next track: the owner's queue first, else the source's pick. */
    private boolean startNext(boolean moodChange) {
        for (int attempt = 0; attempt < 5; attempt++) {
            TrackPicker.Pick pick;
            Track queued;
            synchronized (this) {
                queued = queue.pollFirst();
            }
            if (queued != null) pick = new TrackPicker.Pick(queued, queued.valence(), queued.arousal(), "Queued by the owner.");
            else pick = source.next().orElse(null);
            if (pick == null) return false;
            try {
                int oldRate = sink.sampleRate();
                cur = openTrack(pick, 0);
                if (moodChange) log.info("Mood changed: {} ({})", pick.track().displayName(), pick.reason());
                else log.info("Playing {} ({})", pick.track().displayName(), pick.reason());
                if (deviceOk && oldRate != cur.decoder.sampleRate()) {
                    // Different rate: the line must be reopened (the one place a gap is unavoidable).
                    sink.drain();
                    ensureDevice(cur.decoder.sampleRate());
                }
                if (deviceOk) setState(State.PLAYING, null);
                else setState(State.NO_DEVICE, status.reason());   // picked, ready for when the speaker is back
                saveState(true, true);
                return true;
            } catch (AudioFile.Unreadable e) {
                log.warn("Cannot play {}: {}; trying the next pick", pick.track().path(), e.getMessage());
            }
        }
        return false;
    }

    private Current openTrack(TrackPicker.Pick pick, double startSeconds) {
        PcmDecoder d = new PcmDecoder(pick.track().path(), startSeconds);
        return new Current(pick, d, startSeconds, normalisationGain(config, pick.track()));
    }

    /** Linear gain that levels this track: ReplayGain tag, else measured loudness, per config. */
    static double normalisationGain(MusicConfig config, Track t) {
        double db = 0;
        switch (config.normalise()) {
            case REPLAYGAIN -> db = !Double.isNaN(t.gainDb()) ? t.gainDb() : loudnessDb(config, t);
            case LOUDNESS -> db = loudnessDb(config, t);
            case OFF -> db = 0;
        }
        db = Math.max(MAX_CUT_DB, Math.min(MAX_BOOST_DB, db));
        return Math.pow(10, db / 20);
    }

    private static double loudnessDb(MusicConfig config, Track t) {
        return t.analysis() == null ? 0 : config.targetLoudnessDb() - t.analysis().loudnessDb();
    }

    /** Volume (square law, ramped across the buffer), normalisation and fade, then a hard clip. */
    private void applyGain(short[] buf, int frames) {
        int vol;
        synchronized (this) {
            vol = volume;
        }
        double targetVolume = (vol / 100.0) * (vol / 100.0);
        if (appliedVolumeGain < 0) appliedVolumeGain = targetVolume;
        double volStep = (targetVolume - appliedVolumeGain) / frames;
        double g = appliedVolumeGain;
        for (int i = 0; i < frames; i++) {
            if (env != envTarget) env = env < envTarget ? Math.min(envTarget, env + envStep) : Math.max(envTarget, env - envStep);
            g += volStep;
            double k = g * cur.gain * env;
            for (int c = 0; c < PcmDecoder.CHANNELS; c++) {
                int idx = i * PcmDecoder.CHANNELS + c;
                double v = buf[idx] * k;
                buf[idx] = (short) Math.max(-32768, Math.min(32767, Math.round(v)));
            }
        }
        appliedVolumeGain = targetVolume;
        if (vol != status.volumePercent()) {
            setState(status.state(), null);
            saveState(true, false);
        }
    }

    private boolean write(short[] buf, int n) {
        try {
            sink.write(buf, n);
            return true;
        } catch (AudioSink.NoDeviceException e) {
            deviceLost(e);
            return false;
        }
    }

    private boolean ensureDevice(int rate) {
        if (deviceOk && sink.sampleRate() == rate) return true;
        try {
            sink.open(rate, PcmDecoder.CHANNELS);
            if (!deviceOk) log.info("Audio output ready");
            deviceOk = true;
            if (status.state() == State.NO_DEVICE) setState(cur == null ? State.STOPPED : State.PLAYING, "");
            return true;
        } catch (AudioSink.NoDeviceException e) {
            deviceLost(e);
            return false;
        }
    }

    private void deviceLost(AudioSink.NoDeviceException e) {
        if (status.state() != State.NO_DEVICE)
            log.warn("No audio output: {}. The box keeps running and retries every {} s", e.getMessage(), retryDeviceMs / 1000);
        deviceOk = false;
        setState(State.NO_DEVICE, "No sound: " + e.getMessage() + ". Music starts as soon as it is there.");
    }

    private void closeCurrent() {
        if (cur != null) {
            cur.decoder.close();
            cur = null;
        }
    }

    private void idle(long ms) {
        synchronized (this) {
            if (closed || skipRequested || moodChangeRequested || commands != seenCommands) return;
            try {
                if (ms > 0) wait(ms);
                else while (!closed && !wantPlaying && !skipRequested && commands == seenCommands) wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
    }

    private void tick() {
        long now = System.currentTimeMillis();
        if (status.state() != State.PLAYING || now - lastPosition >= POSITION_EVERY_MS) {
            lastPosition = now;
            setState(State.PLAYING, null);
        }
        if (now - lastSave >= SAVE_EVERY_MS) saveState(true, false);
        if (!status.output().equals(sink.describe())) setState(State.PLAYING, null);   // auto found or lost a card
    }

    private void setState(State state, String reason) {
        int vol;
        synchronized (this) {
            vol = volume;
        }
        Track t = cur != null ? cur.pick.track() : state == State.STOPPED && reason != null ? null : status.track();
        String why = reason != null ? reason : cur != null ? cur.pick.reason() : status.reason();
        double pos = cur != null ? cur.position() : status.positionSeconds();
        PlayerStatus s = new PlayerStatus(state, t, why, vol, pos, sink.describe(), sink.audible());
        if (s.equals(status)) return;
        status = s;
        for (Listener l : listeners) {
            try {
                l.statusChanged(s);
            } catch (RuntimeException e) {
                log.warn("Player listener {} failed; carrying on", l, e);
            }
        }
    }

    private void saveState(boolean playing, boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastSave < 200) return;
        lastSave = now;
        boolean sync = force || now - lastSync >= SYNC_EVERY_MS;
        if (sync) lastSync = now;
        List<String> q = new ArrayList<>();
        int vol;
        synchronized (this) {
            for (Track t : queue) q.add(t.id());
            vol = volume;
        }
        Track t = cur != null ? cur.pick.track() : status.track();
        double pos = cur != null ? cur.position() : status.positionSeconds();
        new PlayerState(vol, t == null ? "" : t.id(), pos, playing, q).save(config.playerStateFile(), sync);
    }
}
