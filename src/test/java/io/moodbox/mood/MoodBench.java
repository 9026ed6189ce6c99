package io.moodbox.mood;

import io.moodbox.emotion.Emotion;
import io.moodbox.emotion.EmotionScores;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints how the room-mood tracker behaves with the shipped defaults on a simulated, imperfect
 * classifier: reaction time to a changed expression (median, 90th, 99th percentile, worst),
 * spurious mood changes while the room holds one expression, flips caused by a single odd frame,
 * and the tracker's cost per frame. Simulated time, so it runs in seconds on any machine.
 *
 * <p>Run: {@code mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp
 * target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.mood.MoodBench}
 * (optional arguments: classifier accuracy, default 0.6; trials, default 2000; then half-life and
 * hold in milliseconds to try other settings).
 */
public final class MoodBench {
    static final Emotion[] E = Emotion.values();

    public static void main(String[] args) {
        // Mood changes are logged at INFO; thousands of simulated ones would drown the figures.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.moodbox.mood"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        double accuracy = args.length > 0 ? Double.parseDouble(args[0]) : 0.6;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        MoodConfig d = MoodConfig.defaults();
        MoodConfig config = args.length > 3 ? new MoodConfig(java.time.Duration.ofMillis(Long.parseLong(args[2])), d.switchMargin(),
                java.time.Duration.ofMillis(Long.parseLong(args[3])), d.nobodyAfter(), d.maxStep()) : d;
        System.out.printf(Locale.ROOT, "mood tracker, defaults %s%n", config);
        System.out.printf(Locale.ROOT, "simulated classifier: right top label %.0f%% of the time, %d trials per row%n%n",
                accuracy * 100, trials);
        System.out.println("fps faces | reaction s: median    p90    p99    max  within 2 s | spurious changes/hour | single-odd-frame flips");
        for (int fps : new int[]{5, 10, 15, 30})
            for (int faces : new int[]{1, 3})
                row(config, accuracy, trials, fps, faces);
        cost(config);
    }

    static void row(MoodConfig config, double accuracy, int trials, int fps, int faces) {
        Random rnd = new Random(42 + fps * 10L + faces);
        long step = 1_000_000_000L / fps;
        double[] reaction = new double[trials];
        long spurious = 0, steadyFrames = 0, oddFlips = 0;
        for (int t = 0; t < trials; t++) {
            MoodTracker tracker = MoodTracker.create(config, InstantSource.fixed(Instant.EPOCH));
            Emotion a = E[rnd.nextInt(E.length)], b;
            do b = E[rnd.nextInt(E.length)]; while (b == a);
            long now = 0;
            // 20 s of A: settle, then count changes away from A (spurious).
            List<List<FaceReading>> first = new ArrayList<>();
            for (int i = 0; i < 20 * fps; i++) first.add(room(a, faces, accuracy, rnd));
            for (int i = 0; i < first.size(); i++) {
                Emotion before = tracker.current().mood();
                Emotion m = tracker.observe(first.get(i), now += step).mood();
                if (i >= 10 * fps) {
                    steadyFrames++;
                    if (m != before) spurious++;
                }
            }
            // One odd frame, then 5 s of A, against a twin that saw an ordinary frame in its place.
            MoodTracker twin = MoodTracker.create(config, InstantSource.fixed(Instant.EPOCH));
            long tw = 0;
            for (List<FaceReading> f : first) twin.observe(f, tw += step);
            Emotion settled = tracker.current().mood();
            tracker.observe(pure(settled == b ? a : b, faces), now += step);
            twin.observe(room(a, faces, accuracy, rnd), tw += step);
            boolean differed = false;
            for (int i = 0; i < 5 * fps; i++) {
                List<FaceReading> f = room(a, faces, accuracy, rnd);
                differed |= tracker.observe(f, now += step).mood() != twin.observe(f, tw += step).mood();
            }
            if (differed) oddFlips++;
            // Then B: how long until the settled mood is B.
            long changed = now;
            while (tracker.current().mood() != b && now - changed < 30_000_000_000L)
                tracker.observe(room(b, faces, accuracy, rnd), now += step);
            reaction[t] = (now - changed) / 1e9;
        }
        Arrays.sort(reaction);
        long within = Arrays.stream(reaction).filter(r -> r <= 2.0).count();
        double hours = steadyFrames / (double) fps / 3600;
        System.out.printf(Locale.ROOT, "%3d %5d |          %5.2f  %5.2f  %5.2f  %5.2f      %5.1f%% | %21.1f | %d of %d%n",
                fps, faces, pct(reaction, 0.5), pct(reaction, 0.9), pct(reaction, 0.99), reaction[trials - 1],
                100.0 * within / trials, spurious / hours, oddFlips, trials);
    }

    static void cost(MoodConfig config) {
        Random rnd = new Random(1);
        MoodTracker tracker = MoodTracker.create(config, InstantSource.system());
        List<List<FaceReading>> frames = new ArrayList<>();
        for (int i = 0; i < 1000; i++) frames.add(room(E[i / 100 % E.length], 3, 0.6, rnd));
        long now = 0;
        for (int i = 0; i < 200_000; i++) tracker.observe(frames.get(i % 1000), now += 33_000_000);   // warm-up
        int n = 1_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) tracker.observe(frames.get(i % 1000), now += 33_000_000);
        double ns = (System.nanoTime() - t0) / (double) n;
        System.out.printf(Locale.ROOT, "%ntracker cost: %.0f ns per frame with 3 faces (%d frames)%n", ns, n);
    }

    /** {@code faces} faces all showing {@code truth}, each read right with probability {@code accuracy}. */
    static List<FaceReading> room(Emotion truth, int faces, double accuracy, Random rnd) {
        List<FaceReading> out = new ArrayList<>(faces);
        for (int f = 0; f < faces; f++) {
            Emotion top = rnd.nextDouble() < accuracy ? truth : E[rnd.nextInt(E.length)];
            float[] p = new float[E.length];
            float rest = 0;
            for (int i = 0; i < p.length; i++) rest += p[i] = rnd.nextFloat();
            float peak = 0.4f + 0.5f * rnd.nextFloat();
            for (int i = 0; i < p.length; i++) p[i] = p[i] / rest * (1 - peak);
            p[top.ordinal()] += peak;
            out.add(new FaceReading(new EmotionScores(p), 60 + rnd.nextInt(140), 0.5 + 0.5 * rnd.nextDouble()));
        }
        return out;
    }

    static List<FaceReading> pure(Emotion e, int faces) {
        float[] p = new float[E.length];
        p[e.ordinal()] = 1;
        List<FaceReading> out = new ArrayList<>();
        for (int f = 0; f < faces; f++) out.add(new FaceReading(new EmotionScores(p), 150, 1));
        return out;
    }

    static double pct(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }
}
