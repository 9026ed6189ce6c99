package io.moodbox.mood;

import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.mood.MoodState.Presence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;

/**
 * Exponential smoothing in real time plus hysteresis. A new mood needs to lead the settled one by
 * {@code switchMargin} on {@link #MIN_FRAMES} frames in a row spanning at least {@code minHold};
 * since each frame counts for at most {@code maxStep} of time, one odd frame can neither swamp the
 * estimate nor confirm itself.
 */
final class RoomMoodTracker implements MoodTracker {
    private static final Logger log = LoggerFactory.getLogger(RoomMoodTracker.class);
    private static final int N = Emotion.values().length;
    private static final long NONE = Long.MIN_VALUE;
    /** Frames a new mood must lead on, at any frame rate: an odd frame plus one noisy one is not enough. */
    static final int MIN_FRAMES = 3;

    private final InstantSource clock;
    private MoodConfig config;

    private final double[] smoothed = new double[N];
    private boolean hasEstimate;
    private Emotion settled = Emotion.NEUTRAL;
    private Emotion candidate;
    private long candidateSince = NONE;
    private int candidateFrames;
    private long lastFrame = NONE;
    private long lastFace = NONE;
    private Presence presence = Presence.UNKNOWN;
    private int faces;
    private MoodState locked;   // the state frozen by the owner, or null
    private MoodState current;

    RoomMoodTracker(MoodConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.current = MoodState.initial(clock.instant());
    }

    @Override
    public synchronized MoodState observe(List<FaceReading> readings, long nanos) {
        faces = readings.size();
        if (readings.isEmpty()) {
            if (presence == Presence.UNKNOWN) lastFace = nanos;   // start the empty-room timer now
            if (presence != Presence.NOBODY && nanos - lastFace >= config.nobodyAfter().toNanos()) {
                if (presence == Presence.PRESENT) log.info("Nobody seen for {} s: the room is empty", config.nobodyAfter().toSeconds());
                presence = Presence.NOBODY;
                forget();
            } else if (presence == Presence.UNKNOWN) {
                presence = Presence.NOBODY;
            }
            lastFrame = nanos;
            return publish();
        }
        double[] frame = combine(readings);
        if (!hasEstimate) {
            // Start from "no idea" rather than from this frame, so an arrival settles like any change.
            Arrays.fill(smoothed, 1.0 / N);
            hasEstimate = true;
            lastFrame = NONE;
        }
        long step = lastFrame == NONE ? config.maxStep().toNanos()
                : Math.min(Math.max(nanos - lastFrame, 0), config.maxStep().toNanos());
        double alpha = 1 - Math.pow(0.5, step / (double) config.halfLife().toNanos());
        for (int i = 0; i < N; i++) smoothed[i] += alpha * (frame[i] - smoothed[i]);
        lastFrame = nanos;
        lastFace = nanos;
        if (presence != Presence.PRESENT) log.info("Someone is here ({} face{})", faces, faces == 1 ? "" : "s");
        presence = Presence.PRESENT;
        settle(nanos);
        return publish();
    }

    private void settle(long nanos) {
        Emotion top = settled;
        for (Emotion e : Emotion.values()) if (smoothed[e.ordinal()] > smoothed[top.ordinal()]) top = e;
        if (top == settled || smoothed[top.ordinal()] - smoothed[settled.ordinal()] < config.switchMargin()) {
            candidate = null;
            return;
        }
        if (top != candidate) {
            candidate = top;
            candidateSince = nanos;
            candidateFrames = 1;
            return;
        }
        candidateFrames++;
        if (candidateFrames >= MIN_FRAMES && nanos - candidateSince >= config.minHold().toNanos()) {
            log.info("Room mood {} -> {} ({}%)", settled.label(), top.label(), Math.round(100 * smoothed[top.ordinal()]));
            settled = top;
            candidate = null;
        }
    }

    /** The frame's faces as one distribution, each face weighted by confidence times side. */
    private static double[] combine(List<FaceReading> readings) {
        double[] out = new double[N];
        double total = 0;
        for (FaceReading r : readings) total += r.confidence() * r.sidePx();
        for (FaceReading r : readings) {
            double w = total > 0 ? r.confidence() * r.sidePx() / total : 1.0 / readings.size();
            float[] p = normalised(r.scores());
            for (int i = 0; i < N; i++) out[i] += w * p[i];
        }
        return out;
    }

    private static float[] normalised(EmotionScores s) {
        float[] p = s.probabilities();
        float sum = 0;
        for (int i = 0; i < N; i++) {
            if (!(p[i] > 0)) p[i] = 0;   // also clears NaN
            sum += p[i];
        }
        if (sum <= 0) Arrays.fill(p, 1f / N);
        else for (int i = 0; i < N; i++) p[i] /= sum;
        return p;
    }

    @Override
    public synchronized MoodState notWatching(long nanos) {
        if (presence != Presence.UNKNOWN) log.info("Not watching the room");
        presence = Presence.UNKNOWN;
        faces = 0;
        forget();
        return publish();
    }

    private void forget() {
        Arrays.fill(smoothed, 0);
        hasEstimate = false;
        candidate = null;
        lastFrame = NONE;
    }

    @Override
    public synchronized MoodState lock(boolean lock) {
        if (lock && locked == null) {
            locked = current;
            log.info("Mood locked by the owner at {}", current.mood().label());
        } else if (!lock && locked != null) {
            locked = null;
            log.info("Mood lock released");
        }
        return publish();
    }

    @Override
    public synchronized MoodState current() { return current; }

    @Override
    public synchronized void configure(MoodConfig config) { this.config = config; }

    private MoodState publish() {
        MoodState live = liveState();
        current = locked == null ? live
                : new MoodState(live.presence(), locked.mood(), locked.emotions(), locked.valence(), locked.arousal(),
                        locked.confidence(), live.faces(), true, live.at());
        return current;
    }

    private MoodState liveState() {
        float[] emotions = new float[N];
        double valence = 0, arousal = 0, confidence = 0;
        if (presence == Presence.PRESENT) {
            for (Emotion e : Emotion.values()) {
                double p = smoothed[e.ordinal()];
                emotions[e.ordinal()] = (float) p;
                valence += p * e.valence();
                arousal += p * e.arousal();
            }
            confidence = smoothed[settled.ordinal()];
        }
        return new MoodState(presence, settled, emotions, valence, arousal, confidence, faces, false, clock.instant());
    }
}
