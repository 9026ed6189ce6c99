package io.moodbox.music;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real recordings of {@code ops/real-music/manifest.tsv} (format in its header) and what the
 * analysis makes of them: the manifest read, the files found in the cache that
 * {@code ops/fetch-real-music.sh} fills, each analysed exactly as a library scan does (the
 * excerpt {@link AudioFile#decodeExcerpt} takes, then {@link Analyzer}), and the figures the test
 * asserts and the bench prints. The labels are from titles and descriptions, not by ear.
 */
final class RealMusic {
    static final Path MANIFEST = Path.of("ops/real-music/manifest.tsv");
    static final Path FETCH = Path.of("ops/fetch-real-music.sh");
    /** How far a tempo may be from aubio's (at 1x, 2x or 0.5x) and still count as agreeing. */
    static final double TEMPO_TOLERANCE = 0.04;

    /** One listed track; {@code valence}/{@code arousal} are "low", "high" or "?" (unlabelled). */
    record Entry(String id, String source, String path, String licence, String sha256, String valence, String arousal,
                 String labelFrom, double aubioBpm, boolean steady) {
        Path file() { return cacheDir().resolve(id + "." + path.substring(path.lastIndexOf('.') + 1)); }
        boolean labelled() { return !valence.equals("?") && !arousal.equals("?"); }
        /** The labelled quadrant in the picker's words: happy (+,+), calm (+,-), sad (-,-), tense (-,+). */
        String quadrant() { return MoodPoints.quadrant(valence.equals("high") ? 1 : -1, arousal.equals("high") ? 1 : -1); }
    }

    /** A track with what our analysis said of it and how long that took (CPU time of this thread). */
    record Result(Entry entry, TrackAnalysis analysis, double cpuMs) {
        String quadrant() { return MoodPoints.quadrant(analysis.valence(), analysis.arousal()); }
        boolean tempoAgrees() { return tempoAgrees(analysis.tempoBpm(), entry.aubioBpm()); }

        static boolean tempoAgrees(double ours, double reference) {
            for (double f : new double[]{1, 2, 0.5}) if (Math.abs(ours / (reference * f) - 1) <= TEMPO_TOLERANCE) return true;
            return false;
        }
    }

    private RealMusic() {}

    /** The cache the fetch script fills: {@code $MOODBOX_REAL_MUSIC}, else {@code ~/.cache/moodbox/real-music}. */
    static Path cacheDir() {
        return io.moodbox.testing.RealDataCache.dir("MOODBOX_REAL_MUSIC", "real-music");
    }

    static List<Entry> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(MANIFEST);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MANIFEST.toAbsolutePath(), e);
        }
        List<Entry> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 11 || !f[0].equals("track"))
                throw new IllegalArgumentException(MANIFEST + ":" + (n + 1) + ": a track line has 11 columns, this has " + f.length);
            out.add(new Entry(f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], Double.parseDouble(f[9]), f[10].equals("yes")));
        }
        return out;
    }

    record Fetched(int status, String output) {}

    static Fetched fetch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", FETCH.toString()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
        return new Fetched(p.exitValue(), new String(out).strip());
    }

    /** Analyses each entry as the scanner does (the default 60 s excerpt). */
    static List<Result> analyse(List<Entry> entries, double analysisSeconds) {
        Analyzer analyzer = new Analyzer();
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Result> out = new ArrayList<>();
        for (Entry e : entries) {
            long t0 = bean.getCurrentThreadCpuTime();
            AudioFile.Decoded d = AudioFile.decodeExcerpt(e.file(), analysisSeconds);
            TrackAnalysis a = analyzer.analyse(d);
            out.add(new Result(e, a, (bean.getCurrentThreadCpuTime() - t0) / 1e6));
        }
        return out;
    }

    /** Share of steady-beat tracks whose tempo agrees with aubio's. */
    static double tempoAgreement(List<Result> results) {
        long steady = results.stream().filter(r -> r.entry().steady()).count();
        long agree = results.stream().filter(r -> r.entry().steady() && r.tempoAgrees()).count();
        return steady == 0 ? 0 : (double) agree / steady;
    }

    static List<Result> labelled(List<Result> results) {
        return results.stream().filter(r -> r.entry().labelled()).toList();
    }

    static double quadrantAccuracy(List<Result> results) {
        List<Result> l = labelled(results);
        return l.isEmpty() ? 0 : (double) l.stream().filter(r -> r.quadrant().equals(r.entry().quadrant())).count() / l.size();
    }

    static final List<String> QUADRANTS = List.of("happy", "calm", "sad", "tense");
    private static final Map<String, String> OPPOSITE = Map.of("happy", "sad", "sad", "happy", "calm", "tense", "tense", "calm");

    /** Labelled tracks that landed in the quadrant opposite their label (both axes wrong). */
    static List<Result> opposite(List<Result> results) {
        return labelled(results).stream().filter(r -> r.quadrant().equals(OPPOSITE.get(r.entry().quadrant()))).toList();
    }

    /** Rows: the label's quadrant; columns: where the analysis put the track. */
    static String confusion(List<Result> results) {
        Map<String, Map<String, Integer>> m = new LinkedHashMap<>();
        for (String q : QUADRANTS) {
            m.put(q, new LinkedHashMap<>());
            for (String p : QUADRANTS) m.get(q).put(p, 0);
        }
        for (Result r : labelled(results)) m.get(r.entry().quadrant()).merge(r.quadrant(), 1, Integer::sum);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s", "label \\ analysis"));
        for (String p : QUADRANTS) b.append(String.format(Locale.ROOT, "%7s", p));
        b.append('\n');
        for (String q : QUADRANTS) {
            String name = q + (q.equals("happy") ? " (+v+a)" : q.equals("calm") ? " (+v-a)" : q.equals("sad") ? " (-v-a)" : " (-v+a)");
            b.append(String.format(Locale.ROOT, "%-16s", name));
            for (String p : QUADRANTS) b.append(String.format(Locale.ROOT, "%7d", m.get(q).get(p)));
            b.append('\n');
        }
        return b.toString();
    }
}
