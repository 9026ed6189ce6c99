package io.moodbox.music;

/**
 * What content analysis measured in a track's decoded audio, and where that places it.
 * {@code tempoBpm} beats per minute; {@code loudnessDb} RMS level in dB full scale;
 * {@code brightnessHz} mean spectral centroid; {@code onsetsPerSecond} note/drum onsets;
 * {@code key} e.g. "A minor" with {@code modeStrength} (major minus minor key-profile
 * correlation, positive = major); {@code valence}/{@code arousal} in [-1, 1];
 * {@code analysedSeconds} how much audio was looked at (an excerpt of long tracks).
 */
public record TrackAnalysis(double tempoBpm, double loudnessDb, double brightnessHz, double onsetsPerSecond,
                            String key, boolean major, double modeStrength, double valence, double arousal,
                            double analysedSeconds) {}
