package io.moodbox.music;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;
import io.moodbox.emotion.Emotion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The music stage's settings ({@code music.*} keys). Validates itself: a bad value throws
 * {@link ConfigException} naming the key and the allowed values.
 *
 * @param roots          folders scanned for music ({@code music.roots}, comma-separated)
 * @param stateDir       where the library cache, the owner's plays/skips and the player state live
 * @param policy         how the room's mood becomes a target ({@code match}, {@code uplift}, {@code iso})
 * @param uplift         the uplift table: room emotion -> mood of the music to play
 * @param isoSteps       tracks the iso policy takes to walk from the room's mood to the target
 * @param repeatWindow   a track is not replayed within this many picks
 * @param analysisSeconds excerpt analysed per track, from its middle (0 = whole track)
 * @param output         where the sound goes ({@code music.output}): see {@link Output}
 * @param volume         volume on a first start, percent
 * @param maxStartVolume a restored volume is capped to this after a restart, percent
 * @param moodChange     when the mood changes mid-track: {@code fade} now, or wait for {@code track-end}
 * @param fadeMs         fade-out / fade-in length, milliseconds
 * @param normalise      {@code replaygain} (falls back to measured loudness), {@code loudness}, or {@code off}
 * @param targetLoudnessDb RMS level tracks are brought to by loudness normalisation, dBFS
 * @param sampleLibrary  generate the sample library into the first root when no music is found
 */
public record MusicConfig(List<Path> roots, Path stateDir, Policy policy, Map<Emotion, String> uplift, int isoSteps,
                          int repeatWindow, double analysisSeconds, Output output, int volume, int maxStartVolume,
                          MoodChange moodChange, int fadeMs, Normalise normalise, double targetLoudnessDb,
                          boolean sampleLibrary) {

    public enum Policy { MATCH, UPLIFT, ISO }

    public enum MoodChange { FADE, TRACK_END }

    public enum Normalise { REPLAYGAIN, LOUDNESS, OFF }

    /**
     * Where the player's sound goes ({@code music.output}): {@code auto} (the system's default sound
     * card, else silence so the box still moves through tracks, with a problem on the page),
     * {@code null} (decoded and paced in real time, then discarded), {@code file:PATH.wav} (exactly
     * what the speaker would get, written to a WAV file) or a mixer name (part of a sound card's
     * Java Sound/ALSA name, such as {@code USB} or {@code Headphones}).
     */
    public record Output(Kind kind, String value) {
        public enum Kind { AUTO, NULL, FILE, MIXER }

        public static final Output AUTO = new Output(Kind.AUTO, "");

        public Output {
            if (kind == null) throw new ConfigException("music.output must be auto, null, file:PATH.wav or a mixer name");
            value = value == null ? "" : value;
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i)))
                    throw new ConfigException("music.output must not contain control characters, was '"
                            + value.replaceAll("\\p{Cntrl}", "?") + "'");
            }
            if (kind == Kind.FILE && !value.toLowerCase(Locale.ROOT).endsWith(".wav"))
                throw new ConfigException("music.output file:PATH must name a .wav file (file:/tmp/moodbox.wav), was 'file:"
                        + value + "'");
            if (kind == Kind.MIXER && value.isBlank())
                throw new ConfigException("music.output must be auto, null, file:PATH.wav or a mixer name, was empty");
        }

        /** "auto", "null", "file:out.wav" or a mixer name; {@code legacyMixer} is the old music.mixer key's value. */
        public static Output parse(String spec, String legacyMixer) {
            // Checked before trim(), which would quietly strip a trailing NUL or newline.
            if (spec != null) new Output(Kind.NULL, spec);
            String v = spec == null ? "" : spec.trim();
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.isEmpty() || lower.equals("auto"))
                return legacyMixer == null || legacyMixer.isBlank() ? AUTO : new Output(Kind.MIXER, legacyMixer.trim());
            if (lower.equals("null") || lower.equals("none")) return new Output(Kind.NULL, "");
            if (lower.startsWith("file:")) return new Output(Kind.FILE, v.substring(5).trim());
            return new Output(Kind.MIXER, v);
        }

        public Path file() { return kind == Kind.FILE ? Path.of(value) : null; }

        @Override public String toString() {
            return switch (kind) {
                case AUTO -> "auto";
                case NULL -> "null";
                case FILE -> "file:" + value;
                case MIXER -> value;
            };
        }
    }

    /** The seeds' map: lift what is low, calm what is agitated, keep joy going. */
    public static final String DEFAULT_UPLIFT =
            "angry:calm, disgust:sad, fear:calm, happy:happy, sad:happy, surprise:energetic, neutral:energetic";

    public MusicConfig {
        if (roots == null || roots.isEmpty()) throw new ConfigException("music.roots must name at least one folder");
        roots = List.copyOf(roots);
        if (stateDir == null) throw new ConfigException("music.state-dir must be set");
        if (policy == null) throw new ConfigException("music.policy must be one of match, uplift, iso");
        uplift = Map.copyOf(uplift == null ? parseUplift(DEFAULT_UPLIFT) : uplift);
        for (var entry : uplift.entrySet()) {
            if (!MoodPoints.CANONICAL.containsKey(entry.getValue())) throw new ConfigException("music.uplift maps "
                    + entry.getKey().label() + " to '" + entry.getValue() + "'; allowed moods are "
                    + String.join(", ", MoodPoints.CANONICAL.keySet()));
        }
        for (Emotion e : Emotion.values()) {
            if (!uplift.containsKey(e)) throw new ConfigException("music.uplift has no entry for " + e.label()
                    + "; it needs one per emotion (" + labels() + ")");
        }
        range("music.iso-steps", isoSteps, 1, 20);
        range("music.repeat-window", repeatWindow, 0, 1000);
        if (!(analysisSeconds == 0 || (analysisSeconds >= 10 && analysisSeconds <= 3600)))
            throw new ConfigException("music.analysis-seconds must be 0 (whole track) or 10..3600, was " + analysisSeconds);
        if (output == null) output = Output.AUTO;
        range("music.volume", volume, 0, 100);
        range("music.max-start-volume", maxStartVolume, 0, 100);
        if (moodChange == null) throw new ConfigException("music.mood-change must be fade or track-end");
        range("music.fade-ms", fadeMs, 0, 20000);
        if (normalise == null) throw new ConfigException("music.normalise must be replaygain, loudness or off");
        if (!(targetLoudnessDb >= -40 && targetLoudnessDb <= -6))
            throw new ConfigException("music.target-loudness-db must be -40..-6 dBFS, was " + targetLoudnessDb);
    }

    /** Defaults for one library folder; the state goes next to it in {@code state/music}. */
    public static MusicConfig defaults(Path root, Path stateDir) {
        return from(Reader.of(Map.of("music.roots", root.toString(), "music.state-dir", stateDir.toString())));
    }

    /**
     * Builds the record from {@code music.*} string values; {@code get} returns null for a
     * missing key, which then takes its default.
     */
    public static MusicConfig parse(Function<String, String> get) {
        return from(Reader.of(get));
    }

    /** The {@code music.*} keys. */
    public static MusicConfig from(Reader reader) {
        Reader r = reader.group("music", "Music");
        List<Path> roots = new ArrayList<>();
        for (String root : r.string("roots", "audio-library", "Music folders", "Folders scanned for music, comma-separated; files under audio-library/<mood>/ take that folder's mood.").split(","))
            if (!root.isBlank()) roots.add(Path.of(root.trim()));
        return new MusicConfig(roots,
                Path.of(r.string("state-dir", "state/music", "State folder", "Folder for the library cache, the owner's plays and skips, and the player's queue, position and volume.")),
                r.choice("policy", Policy.UPLIFT, "Policy", "How the room's mood picks music: match (mirror the room), uplift (the table below), iso (start at the room's mood, step toward the uplift target)."),
                upliftOverDefaults(r.string("uplift", DEFAULT_UPLIFT, "Uplift table", "Room emotion -> mood of the music to play; moods: happy, energetic, calm, sad, tense, neutral. Rows left out keep these defaults.")),
                r.integer("iso-steps", 4, "Iso steps", "Tracks (1..20) the iso policy takes to walk from the room's mood to the target."),
                r.integer("repeat-window", 8, "No repeat within", "A track is not replayed within this many picks (0..1000)."),
                r.decimal("analysis-seconds", 60, "Seconds analysed", "Seconds of each track analysed, from its middle (10..3600; 0 = the whole track)."),
                Output.parse(r.string("output", "auto", "Sound output", "auto (the system's sound card; without one the box plays silently and says so), null (silent on purpose), file:PATH.wav, or part of a sound card's name (e.g. Headphones, USB)."),
                        r.string("mixer", "", "Sound card (old key)", "Old name of music.output for a sound card's name; used only while music.output is auto.")),
                r.integer("volume", 30, "First volume", "Volume in percent (0..100) on the very first start."),
                r.integer("max-start-volume", 40, "Loudest start", "After a restart or power cut the restored volume is capped to this percent (0..100), so the box never starts loud."),
                r.choice("mood-change", MoodChange.TRACK_END, "On a mood change", "When the room's settled mood changes mid-track: track-end (let the track finish) or fade (fade out now, fade a new pick in)."),
                r.integer("fade-ms", 3000, "Fade length", "Length of a fade-out or fade-in in milliseconds (0..20000)."),
                r.choice("normalise", Normalise.REPLAYGAIN, "Even loudness", "Even loudness between tracks: replaygain (tags, else measured loudness), loudness (measured), or off."),
                r.decimal("target-loudness-db", -20, "Target loudness", "RMS level in dBFS (-40..-6) that loudness normalisation brings tracks to."),
                r.bool("sample-library", true, "Sample library", "Write the synthesized sample library into the first music folder when it holds no music."));
    }

    /** The owner's entries over the seeds' table, so "sad:calm" alone changes just that row. */
    private static Map<Emotion, String> upliftOverDefaults(String table) {
        Map<Emotion, String> m = parseUplift(DEFAULT_UPLIFT);
        m.putAll(parseUplift(table));
        return m;
    }

    /** "angry:calm, sad:happy, ..." -> table; unknown emotions are an error naming the key. */
    public static Map<Emotion, String> parseUplift(String table) {
        Map<Emotion, String> m = new EnumMap<>(Emotion.class);
        for (String entry : table.split(",")) {
            if (entry.isBlank()) continue;
            String[] kv = entry.split(":");
            if (kv.length != 2) throw new ConfigException("music.uplift entry '" + entry.trim()
                    + "' must look like emotion:mood, e.g. sad:happy");
            Emotion e;
            try {
                e = Emotion.parse(kv[0]);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException("music.uplift: '" + kv[0].trim() + "' is not an emotion; allowed: " + labels());
            }
            String mood = kv[1].trim().toLowerCase(Locale.ROOT);
            m.put(e, MoodPoints.canonical(mood).orElse(mood));
        }
        return m;
    }

    public Path cacheFile() { return stateDir.resolve("library-cache.tsv"); }

    public Path tasteFile() { return stateDir.resolve("taste.properties"); }

    public Path playerStateFile() { return stateDir.resolve("player.properties"); }

    private static String labels() {
        return String.join(", ", Arrays.stream(Emotion.values()).map(Emotion::label).toList());
    }

    private static void range(String key, int v, int lo, int hi) {
        if (v < lo || v > hi) throw new ConfigException(key + " must be " + lo + ".." + hi + ", was " + v);
    }

}
