package io.moodbox.music;

import java.nio.file.Path;

/**
 * A track in the owner's library with its place on the valence/arousal plane ([-1, 1] each)
 * and where that place came from ({@code moodSource}: folder, tag, catalog or analysis).
 */
public record Track(String id, Path path, String title, String artist, String album, double durationSeconds,
                    double valence, double arousal, String mood, String moodSource) {}
