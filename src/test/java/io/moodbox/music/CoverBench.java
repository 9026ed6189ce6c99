package io.moodbox.music;

import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.TaggedAudio;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an embedded-cover lookup costs on this machine: median and 90th-percentile wall time of
 * {@link CoverArt#read} (FFmpeg opening the file and copying the picture out, no cache) per kind
 * of file, and of a cache hit; then the process's RSS over 20,000 more reads (run with a fixed
 * small heap, so that growth would be FFmpeg's native memory). The real file is the one {@code ops/real-music/covers.tsv} lists
 * (run {@code RealCoverTest} or the fetch script first). Run:
 * {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/cp.txt &&
 * java -Xmx32m -Xms32m -XX:+UseSerialGC -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.music.CoverBench [ROUNDS]}
 */
public final class CoverBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("moodbox-cover-bench");
        byte[] jpeg = TaggedAudio.picture("jpg", 500, 500, Color.ORANGE);
        List<Path> files = new ArrayList<>(List.of(
                AudioFaults.write(dir.resolve("no-art.mp3"), AudioFaults.mp3(30, 440)),
                AudioFaults.write(dir.resolve("no-art.flac"), AudioFaults.flac(30, 440)),
                AudioFaults.write(dir.resolve("art.mp3"), TaggedAudio.mp3(jpeg, "image/jpeg", 3)),
                AudioFaults.write(dir.resolve("art.flac"), TaggedAudio.flac(jpeg, "image/jpeg")),
                AudioFaults.write(dir.resolve("art.opus"), TaggedAudio.opus(jpeg, "image/jpeg")),
                AudioFaults.write(dir.resolve("art.m4a"), TaggedAudio.m4a(jpeg, false))));
        Path real = RealCoverTest.cacheDir().resolve("nakarada-beat-thee.mp3");
        if (Files.isRegularFile(real)) files.add(real);
        System.out.printf(Locale.ROOT, "embedded cover lookups, %d rounds each (%d-byte 500x500 JPEG in the generated files)%n",
                rounds, jpeg.length);
        for (Path f : files) {
            CoverArt.read(f);   // warm: the native libraries load once
            double[] ms = new double[rounds];
            String what = "";
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                CoverArt.Lookup l = CoverArt.read(f);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                what = l.picture().map(p -> p.contentType() + " " + p.bytes().length + " B").orElse(l.problem());
            }
            print(f.getFileName() + " (" + Files.size(f) / 1024 + " KiB)", ms, what);
        }
        CoverArt cache = new CoverArt(4L << 20, 4096);
        cache.embedded(files.get(2));
        double[] ms = new double[rounds * 10];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            cache.embedded(files.get(2));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        print("cache hit (art.mp3)", ms, "");
        // Native memory: FFmpeg's allocations are not JavaCPP's, so the process's RSS tells a leak.
        StringBuilder rss = new StringBuilder("  RSS (KiB) at the start and after each 5000 uncached reads:");
        for (int round = 0; round < 5; round++) {
            if (round > 0) for (int i = 0; i < 5000; i++) CoverArt.read(files.get(i % files.size()));
            rss.append(' ').append(rssKiB());
        }
        System.out.println(rss);
        for (Path f : files) if (f.startsWith(dir)) Files.delete(f);
        Files.delete(dir);
    }

    private static long rssKiB() throws java.io.IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    private static void print(String name, double[] ms, String what) {
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "  %-32s median %7.3f ms  p90 %7.3f ms  %s%n", name, ms[ms.length / 2], ms[ms.length * 9 / 10], what);
    }
}
