package io.moodbox.music;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample library: a dozen short pieces the project synthesizes itself (tempo, mode, timbre
 * and energy chosen per mood) written as real FLAC, MP3, Ogg, Opus, M4A and WAV files into
 * {@code <dir>/samples/<mood>/}. Entry point of {@code moodbox samples [DIR]}. No copyrighted or
 * downloaded audio is involved. Runs on the caller's thread.
 */
public final class SampleLibrary {
    private static final Logger log = LoggerFactory.getLogger(SampleLibrary.class);
    private static final String[] FORMATS = {"flac", "mp3", "ogg", "wav", "opus", "m4a"};
    private static final int RATE = 44100;

    private SampleLibrary() {}

    /** {@code moodbox samples [DIR]}: writes the pieces (default DIR {@code audio-library}), prints where each lands. */
    public static int run(String[] args) {
        PrintStream out = System.out;
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("usage: moodbox samples [DIR]   (writes DIR/samples/<mood>/..., default DIR audio-library)");
            return 2;
        }
        Path dir = Path.of(args.length == 1 ? args[0] : "audio-library");
        List<Path> files;
        try {
            files = generate(dir);
        } catch (RuntimeException e) {
            System.err.println("Could not write the sample library into " + dir + ": " + e.getMessage());
            return 1;
        }
        out.printf(Locale.ROOT, "%d sample pieces in %s%n", files.size(), dir.resolve("samples"));
        out.printf(Locale.ROOT, "%-36s %-9s %7s %6s %6s %-9s %6s %6s  %s%n", "file", "folder", "bpm", "dB", "cent", "key",
                "val", "aro", "quadrant");
        Analyzer analyzer = new Analyzer();
        int right = 0;
        for (Path f : files) {
            TrackAnalysis a = analyzer.analyse(AudioFile.decodeExcerpt(f, 60).mono());
            String folder = f.getParent().getFileName().toString();
            String quadrant = MoodPoints.quadrant(a.valence(), a.arousal());
            boolean ok = quadrant.equals(MoodPoints.quadrant(MoodPoints.point(folder).valence(), MoodPoints.point(folder).arousal()));
            if (ok) right++;
            out.printf(Locale.ROOT, "%-36s %-9s %7.1f %6.1f %6.0f %-9s %+6.2f %+6.2f  %s%s%n",
                    dir.resolve("samples").relativize(f), folder, a.tempoBpm(), a.loudnessDb(), a.brightnessHz(), a.key(),
                    a.valence(), a.arousal(), quadrant, ok ? "" : "  (folder says otherwise)");
        }
        out.printf(Locale.ROOT, "analysis puts %d of %d in their folder's quadrant%n", right, files.size());
        return 0;
    }

    /** Writes any missing piece into {@code dir/samples/<mood>/}; returns all pieces' files in order. */
    public static List<Path> generate(Path dir) {
        List<Path> files = new ArrayList<>();
        List<Synth.Piece> pieces = SamplePieces.ALL;
        for (int i = 0; i < pieces.size(); i++) {
            Synth.Piece p = pieces.get(i);
            String ext = FORMATS[i % FORMATS.length];
            Path f = dir.resolve("samples").resolve(p.mood()).resolve(String.format(Locale.ROOT, "%02d-%s.%s", i + 1, p.name(), ext));
            if (!Files.isRegularFile(f)) {
                log.info("Synthesizing sample {} ({} bpm, {}, {})", f, p.bpm(), p.major() ? "major" : "minor", p.timbre());
                AudioWriter.write(f, Synth.render(p, RATE), RATE, Map.of(
                        "title", titleCase(p.name()), "artist", "moodbox", "album", "moodbox sample library",
                        "genre", "Synth", "BPM", Integer.toString((int) p.bpm())));
            }
            files.add(f);
        }
        return files;
    }

    /** Generates the samples into {@code dir} if it holds no audio file at all; true if it did. */
    public static boolean generateIfEmpty(Path dir) {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                if (s.anyMatch(p -> FileMusicLibrary.EXTENSIONS.contains(FileMusicLibrary.extension(p.getFileName().toString()))))
                    return false;
            } catch (IOException e) {
                log.warn("Could not look into {} ({}); not generating samples", dir, e.getMessage());
                return false;
            }
        }
        generate(dir);
        return true;
    }

    private static String titleCase(String name) {
        StringBuilder sb = new StringBuilder();
        for (String w : name.split("-")) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return sb.toString();
    }
}
