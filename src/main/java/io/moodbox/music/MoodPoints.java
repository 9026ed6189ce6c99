package io.moodbox.music;

import io.moodbox.emotion.Emotion;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Named music moods and where they sit on the valence/arousal plane. Folder names, mood tags and
 * catalog entries are looked up here; the seven emotion labels are accepted too, so a folder
 * called {@code angry} or a tag {@code Melancholy} both mean something.
 */
final class MoodPoints {
    /** A point on the plane, both coordinates in [-1, 1]. */
    record Point(double valence, double arousal) {
        Point {
            valence = clamp(valence);
            arousal = clamp(arousal);
        }

        double distance(Point o) { return Math.hypot(valence - o.valence, arousal - o.arousal); }

        Point toward(Point target, double fraction) {
            return new Point(valence + (target.valence - valence) * fraction, arousal + (target.arousal - arousal) * fraction);
        }

        @Override public String toString() { return String.format(Locale.ROOT, "(v %+.2f, a %+.2f)", valence, arousal); }
    }

    /** The canonical moods, the names the sample library and the uplift table use. */
    static final Map<String, Point> CANONICAL = new LinkedHashMap<>();
    private static final Map<String, String> SYNONYMS = new LinkedHashMap<>();

    static {
        CANONICAL.put("happy", new Point(0.70, 0.40));
        CANONICAL.put("energetic", new Point(0.50, 0.80));
        CANONICAL.put("calm", new Point(0.45, -0.60));
        CANONICAL.put("sad", new Point(-0.60, -0.50));
        CANONICAL.put("tense", new Point(-0.55, 0.65));
        CANONICAL.put("neutral", new Point(0.05, -0.05));
        syn("happy", "joy", "joyful", "cheerful", "upbeat", "sunny", "uplifting", "feelgood", "feel-good", "bright");
        syn("energetic", "energy", "party", "dance", "excited", "exciting", "pumped", "workout", "surprise", "lively");
        syn("calm", "relaxed", "relaxing", "chill", "chillout", "peaceful", "serene", "mellow", "ambient", "soothing", "quiet");
        syn("sad", "melancholy", "melancholic", "gloomy", "blue", "sorrow", "sorrowful", "somber", "sombre", "depressing", "disgust");
        syn("tense", "angry", "anger", "aggressive", "dark", "fear", "scary", "agitated", "intense", "tension", "nervous");
        syn("neutral", "background", "focus");
    }

    private static void syn(String canonical, String... names) {
        SYNONYMS.put(canonical, canonical);
        for (String n : names) SYNONYMS.put(n, canonical);
    }

    private MoodPoints() {}

    /** The canonical mood for a folder name, tag value or catalog word; empty if unknown. */
    static Optional<String> canonical(String word) {
        if (word == null) return Optional.empty();
        String w = word.trim().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
        return Optional.ofNullable(SYNONYMS.get(w));
    }

    private static final Map<String, String> GENRES = new LinkedHashMap<>();

    static {
        genre("calm", "ambient", "new age", "chillout", "chill-out", "lounge", "easy listening", "meditation", "lullaby", "downtempo");
        genre("tense", "metal", "heavy metal", "death metal", "black metal", "thrash metal", "hardcore", "industrial", "horror", "grindcore");
        genre("energetic", "dance", "disco", "house", "techno", "trance", "eurodance", "drum & bass", "drum and bass", "edm", "electro");
        genre("sad", "blues", "doom metal", "funeral doom", "sad", "requiem");
        genre("happy", "pop", "reggae", "ska", "funk", "soul", "children's music", "kids");
    }

    private static void genre(String mood, String... names) {
        for (String n : names) GENRES.put(n, mood);
    }

    /**
     * The mood a genre tag implies where one clearly does ("Ambient" calm, "Death Metal" tense,
     * "Disco" energetic); empty for genres that say little about mood ("Soundtrack", "Rock",
     * "Classical"). Several genres ("Pop; Dance") take the first one known.
     */
    static Optional<String> genreMood(String genre) {
        if (genre == null || genre.isBlank()) return Optional.empty();
        for (String g : genre.split("[;/,]")) {
            String w = g.trim().toLowerCase(Locale.ROOT);
            if (GENRES.containsKey(w)) return Optional.of(GENRES.get(w));
        }
        return Optional.empty();
    }

    /** A folder name that is exactly a canonical mood or an emotion label; empty otherwise. */
    static Optional<String> folderMood(String name) {
        String w = name.trim().toLowerCase(Locale.ROOT);
        if (CANONICAL.containsKey(w)) return Optional.of(w);
        for (Emotion e : Emotion.values()) if (e.label().equals(w)) return canonical(w);
        return Optional.empty();
    }

    static Point point(String canonical) {
        Point p = CANONICAL.get(canonical);
        if (p == null) throw new IllegalArgumentException("unknown mood " + canonical);
        return p;
    }

    static Point of(Emotion e) { return new Point(e.valence(), e.arousal()); }

    /** The canonical mood nearest a point (used to name analysed tracks and targets). */
    static String nearest(Point p) {
        String best = "neutral";
        double bestD = Double.MAX_VALUE;
        for (var e : CANONICAL.entrySet()) {
            double d = e.getValue().distance(p);
            if (d < bestD) { bestD = d; best = e.getKey(); }
        }
        return best;
    }

    /** Quadrant name of a point: happy (+,+), calm (+,-), sad (-,-), tense (-,+). */
    static String quadrant(double valence, double arousal) {
        if (valence >= 0) return arousal >= 0 ? "happy" : "calm";
        return arousal >= 0 ? "tense" : "sad";
    }

    static double clamp(double x) { return Math.max(-1, Math.min(1, x)); }
}
