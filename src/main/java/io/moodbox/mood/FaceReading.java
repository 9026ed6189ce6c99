package io.moodbox.mood;

import io.moodbox.emotion.EmotionScores;

/**
 * One face's expression in one frame, with what decides how much it counts in the room:
 * {@code sidePx} is the face box's side in frame pixels (nearer faces read more reliably) and
 * {@code confidence} the detector's confidence, 0..1.
 */
public record FaceReading(EmotionScores scores, double sidePx, double confidence) {
    public FaceReading {
        if (!(sidePx >= 0) || !(confidence >= 0 && confidence <= 1))
            throw new IllegalArgumentException("side " + sidePx + " px and confidence " + confidence + " must be >= 0 and 0..1");
    }
}
