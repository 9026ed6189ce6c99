package io.moodbox.emotion;

import java.util.Locale;

/**
 * The seven FER2013 expressions, in the model's output order, each placed on Russell's
 * circumplex: valence (unpleasant -1 .. pleasant +1) and arousal (calm -1 .. excited +1).
 */
public enum Emotion {
    ANGRY(-0.60, 0.70),
    DISGUST(-0.70, 0.30),
    FEAR(-0.60, 0.60),
    HAPPY(0.80, 0.50),
    SAD(-0.70, -0.40),
    SURPRISE(0.30, 0.80),
    NEUTRAL(0.00, -0.10);

    private final double valence, arousal;

    Emotion(double valence, double arousal) {
        this.valence = valence;
        this.arousal = arousal;
    }

    public double valence() { return valence; }

    public double arousal() { return arousal; }

    /** Lower-case name as shown to people and written in config ("happy"). */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    public static Emotion parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
