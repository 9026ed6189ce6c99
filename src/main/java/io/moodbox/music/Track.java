package io.moodbox.music;

import java.nio.file.Path;

/**
 * A track in the owner's library with its place on the valence/arousal plane ([-1, 1] each)
 * and where that place came from ({@code moodSource}, in this order of trust: {@code you} (the
 * owner corrected it on the page), {@code folder}, {@code tag} (a mood tag), {@code catalog},
 * {@code genre} (a genre tag that implies a mood), {@code analysis+bpm} (the sound, with the
 * tempo from a BPM tag) or {@code analysis}). {@code bpm} from the tag or analysis (0 if unknown); {@code gainDb} the
 * ReplayGain track gain in dB (NaN if untagged); {@code popularity} 0..100 from the catalog
 * (-1 if unknown); {@code analysis} what the audio itself sounded like (null if not analysed).
 * Immutable; any thread.
 */
public record Track(String id, Path path, String title, String artist, String album, double durationSeconds,
                    double valence, double arousal, String mood, String moodSource,
                    String genre, double bpm, double gainDb, int popularity, TrackAnalysis analysis) {

    /** The original contract's shape: no tags beyond title/artist/album, no analysis. */
    public Track(String id, Path path, String title, String artist, String album, double durationSeconds,
                 double valence, double arousal, String mood, String moodSource) {
        this(id, path, title, artist, album, durationSeconds, valence, arousal, mood, moodSource, "", 0, Double.NaN, -1, null);
    }

    /** Which word decided the mood, as the page says it: "set by you", "from tags" or "from the sound". */
    public String decidedBy() {
        return switch (moodSource == null ? "" : moodSource) {
            case "you", "folder", "catalog" -> "set by you";
            case "tag", "genre" -> "from tags";
            default -> "from the sound";
        };
    }

    /** "Artist - Title", or just the title when the artist is unknown. */
    public String displayName() {
        return artist == null || artist.isBlank() ? title : artist + " - " + title;
    }
}
