package io.moodbox.music;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark of library scan + analysis: synthesizes 4-minute tracks in each format into a temp
 * folder, scans them with an empty cache on this one thread, and prints wall and CPU time per
 * track and tracks per hour (the target is >= 1,000/hour on one Pi-class core). Run it pinned
 * to one core: {@code taskset -c 0 java -cp ... io.moodbox.music.ScanBench [tracksPerFormat] [analysisSeconds]}.
 */
public final class ScanBench {
    private ScanBench() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args));
    }

    private static void writeTrack(Path f, int i) {
        Synth.Piece p = SamplePieces.ALL.get(i % SamplePieces.ALL.size());
        float[] loop = Synth.render(p, 44100);
        float[] x = new float[240 * 44100];
        for (int j = 0; j < x.length; j++) x[j] = loop[j % loop.length];
        AudioWriter.write(f, x, 44100, Map.of("title", p.name()));
    }

    /** CPU time of the whole process (all threads, FFmpeg's included), nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static int run(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("--write")) {
            // --write DIR N EXT: N four-minute tracks, for a scan elsewhere (the arm64 count)
            Path out = Path.of(args[1]);
            for (int i = 0; i < Integer.parseInt(args[2]); i++) writeTrack(out.resolve(i + "." + args[3]), i);
            return 0;
        }
        if (args.length >= 2 && args[0].equals("--scan")) {
            // --scan DIR [SECONDS]: one scan of existing files with an empty cache, nothing else
            Path state = Files.createTempDirectory("moodbox-scanbench-state");
            MusicConfig d = MusicConfig.defaults(Path.of(args[1]), state);
            double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 60;
            MusicConfig c = new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), d.isoSteps(), d.repeatWindow(),
                    seconds, d.output(), 30, 40, d.moodChange(), d.fadeMs(), d.normalise(), d.targetLoudnessDb(), false);
            try (MusicLibrary lib = MusicLibrary.open(c)) {
                MusicLibrary.ScanReport r = lib.scan(null);
                System.out.printf(Locale.ROOT, "scanned %d tracks (%d skipped) in %d ms%n", r.tracks(), r.skipped(), r.took().toMillis());
                for (Track t : lib.tracks()) System.out.println("  " + t.path().getFileName() + " " + t.analysis());
            }
            return 0;
        }
        int perFormat = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double excerpt = args.length > 1 ? Double.parseDouble(args[1]) : 60;
        String[] formats = {"mp3", "flac", "ogg", "m4a", "opus", "wav"};
        Path dir = Files.createTempDirectory("moodbox-scanbench");
        try {
            System.out.printf(Locale.ROOT, "Writing %d four-minute tracks per format (%s) into %s ...%n", perFormat,
                    String.join(", ", formats), dir);
            List<Synth.Piece> pieces = SamplePieces.ALL;
            int k = 0;
            for (String ext : formats) {
                for (int i = 0; i < perFormat; i++, k++) {
                    Synth.Piece p = pieces.get(k % pieces.size());
                    float[] loop = Synth.render(p, 44100);
                    float[] x = new float[240 * 44100];
                    for (int j = 0; j < x.length; j++) x[j] = loop[j % loop.length];
                    AudioWriter.write(dir.resolve("music").resolve(ext).resolve(k + "-" + p.name() + "." + ext), x, 44100,
                            Map.of("title", p.name()));
                }
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (double seconds : new double[] {excerpt, 0}) {
                MusicConfig d = MusicConfig.defaults(dir.resolve("music"), dir.resolve("state-" + seconds));
                MusicConfig c = new MusicConfig(d.roots(), d.stateDir(), d.policy(), d.uplift(), d.isoSteps(), d.repeatWindow(),
                        seconds, d.output(), 30, 40, d.moodChange(), d.fadeMs(), d.normalise(), d.targetLoudnessDb(), false);
                // Per format: time each file's decode + analysis alone.
                System.out.printf(Locale.ROOT, "%nAnalysis of %s per 4-minute track (one thread):%n",
                        seconds == 0 ? "the whole track" : String.format(Locale.ROOT, "a %.0f s excerpt", seconds));
                Analyzer an = new Analyzer();
                for (String ext : formats) {
                    List<Path> files;
                    try (Stream<Path> s = Files.list(dir.resolve("music").resolve(ext))) {
                        files = s.sorted().toList();
                    }
                    long cpu0 = mx.getCurrentThreadCpuTime(), t0 = System.nanoTime(), dec = 0;
                    for (Path f : files) {
                        long a = System.nanoTime();
                        AudioFile.Decoded dd = AudioFile.decodeExcerpt(f, seconds);
                        dec += System.nanoTime() - a;
                        an.analyse(dd.mono());
                    }
                    double wall = (System.nanoTime() - t0) / 1e6 / files.size(), cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / files.size();
                    System.out.printf(Locale.ROOT, "  %-5s %7.0f ms wall (%4.0f ms decoding), %7.0f ms CPU on this thread%n", ext, wall,
                            dec / 1e6 / files.size(), cpu);
                }
                try (MusicLibrary lib = MusicLibrary.open(c)) {
                    long cpu0 = processCpuNanos(), t0 = System.nanoTime();
                    MusicLibrary.ScanReport r = lib.scan(null);
                    double wallS = (System.nanoTime() - t0) / 1e9, cpuS = (processCpuNanos() - cpu0) / 1e9;
                    // CPU time is the honest figure on a shared machine; wall time includes waiting for the core.
                    System.out.printf(Locale.ROOT, "Full scan, empty cache: %d tracks in %.1f s wall, %.1f s process CPU -> "
                                    + "%.0f tracks/hour per core by CPU time (%.0f ms CPU per track), %.0f tracks/hour by wall time%n",
                            r.tracks(), wallS, cpuS, r.tracks() / cpuS * 3600, cpuS * 1000 / r.tracks(), r.tracks() / wallS * 3600);
                    t0 = System.nanoTime();
                    MusicLibrary.ScanReport again = lib.scan(null);
                    System.out.printf(Locale.ROOT, "Re-scan, warm cache: %d tracks (%d analysed) in %.0f ms%n", again.tracks(),
                            again.analysed(), (System.nanoTime() - t0) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "%nCPU: %s, %d processors visible to the JVM, Java %s%n",
                    System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
