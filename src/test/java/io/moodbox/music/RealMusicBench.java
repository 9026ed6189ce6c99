package io.moodbox.music;

import java.util.List;
import java.util.Locale;

/**
 * Prints what the analysis makes of the real recordings ({@code ops/real-music/manifest.tsv},
 * fetched by {@code ops/fetch-real-music.sh}): each track's tempo against aubio's, its place
 * against the labels (from titles and descriptions, not by ear), the confusion table, and the
 * CPU time of analysing the tracks of about four minutes, as the scan does (60 s excerpt) and
 * whole. Run on one core:
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/cp.txt && sh ops/fetch-real-music.sh &&
 * taskset -c 0 java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.music.RealMusicBench | grep -v ' INFO '}
 */
public final class RealMusicBench {
    private RealMusicBench() {}

    public static void main(String[] args) {
        List<RealMusic.Entry> entries = RealMusic.read();
        // Once untimed, so the JIT has compiled the analysis before anything is timed.
        RealMusic.analyse(entries.subList(0, 3), 60);
        List<RealMusic.Result> results = RealMusic.analyse(entries, 60);
        System.out.printf(Locale.ROOT, "%-26s %-6s %-6s %8s %8s %-5s %7s %6s %6s %-6s %s%n", "track", "label", "ours",
                "aubio", "ours", "tempo", "dBFS", "v", "a", "key", "cpu ms");
        for (RealMusic.Result r : results) {
            RealMusic.Entry e = r.entry();
            TrackAnalysis a = r.analysis();
            System.out.printf(Locale.ROOT, "%-26s %-6s %-6s %8.1f %8.1f %-5s %7.1f %+6.2f %+6.2f %-8s %.0f%n", e.id(),
                    e.labelled() ? e.quadrant() : "-", r.quadrant(), e.aubioBpm(), a.tempoBpm(),
                    !e.steady() ? "-" : r.tempoAgrees() ? "ok" : "MISS", a.loudnessDb(), a.valence(), a.arousal(),
                    a.key().replace(" major", "maj").replace(" minor", "min"), r.cpuMs());
        }
        long steady = results.stream().filter(r -> r.entry().steady()).count();
        System.out.printf(Locale.ROOT, "%ntempo: %.0f%% of %d steady-beat tracks within %.0f%% of aubio (or at double/half)%n",
                100 * RealMusic.tempoAgreement(results), steady, 100 * RealMusic.TEMPO_TOLERANCE);
        List<RealMusic.Result> labelled = RealMusic.labelled(results);
        System.out.printf(Locale.ROOT, "quadrant: %.0f%% of %d labelled tracks in the labelled quadrant, %d in the opposite one%n%n",
                100 * RealMusic.quadrantAccuracy(results), labelled.size(), RealMusic.opposite(results).size());
        System.out.print(RealMusic.confusion(results));

        List<RealMusic.Entry> fourMinutes = entries.stream().filter(e -> {
            double s = AudioFile.probe(e.file()).durationSeconds();
            return s >= 200 && s <= 280;
        }).toList();
        for (double seconds : new double[]{60, 0}) {
            List<RealMusic.Result> timed = RealMusic.analyse(fourMinutes, seconds);
            double mean = timed.stream().mapToDouble(RealMusic.Result::cpuMs).average().orElse(0);
            double max = timed.stream().mapToDouble(RealMusic.Result::cpuMs).max().orElse(0);
            System.out.printf(Locale.ROOT, "%nanalysis of %d tracks of 200-280 s, %s: %.0f ms CPU each on average, %.0f ms at most (decode included)",
                    timed.size(), seconds > 0 ? "60 s excerpt (the scan's default)" : "whole track", mean, max);
        }
        System.out.println();
    }
}
