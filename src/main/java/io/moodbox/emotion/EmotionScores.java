package io.moodbox.emotion;

import java.util.Arrays;

/** One face's expression as probabilities over {@link Emotion}, summing to about 1. */
public record EmotionScores(float[] probabilities) {
    public EmotionScores {
        if (probabilities.length != Emotion.values().length)
            throw new IllegalArgumentException("expected 7 scores, got " + probabilities.length);
        probabilities = probabilities.clone();
    }

    public float get(Emotion e) { return probabilities[e.ordinal()]; }

    public Emotion top() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
        return Emotion.values()[best];
    }

    @Override public float[] probabilities() { return probabilities.clone(); }

    @Override public String toString() { return "EmotionScores" + Arrays.toString(probabilities); }
}
