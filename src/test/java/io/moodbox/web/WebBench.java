package io.moodbox.web;

import io.moodbox.emotion.Emotion;
import io.moodbox.testing.TestStates;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints the web side's figures: what one login costs (PBKDF2 at the shipped strength), how fast
 * the status API answers, and how long a state change takes to reach open pages over SSE.
 * Run on demand:
 * <pre>mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.moodbox.web.WebBench</pre>
 */
public final class WebBench {
    public static void main(String[] args) throws Exception {
        System.out.printf("cpus %d, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        hashing();
        Path dir = Files.createTempDirectory("moodbox-webbench");
        try (TestServer t = new TestServer(dir, false)) {
            t.setUp();
            status(t);
            events(t);
        }
    }

    private static void hashing() {
        byte[] salt = new byte[16];
        OwnerAccount.derive("warm up the JIT", salt, 20_000);
        int n = 5;
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            OwnerAccount.derive("a long enough password", salt, OwnerAccount.DEFAULT_ITERATIONS);
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf("login hash  PBKDF2-HMAC-SHA256 x %d: median %d ms, min %d ms (%d runs)%n",
                OwnerAccount.DEFAULT_ITERATIONS, ms[n / 2], ms[0], n);
    }

    private static void status(TestServer t) throws Exception {
        for (int i = 0; i < 200; i++) t.get("/api/status");
        int n = 2000;
        long[] us = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = t.get("/api/status");
            if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode());
            us[i] = (System.nanoTime() - t0) / 1000;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(us);
        System.out.printf("GET /api/status  %d sequential requests: %.0f req/s, p50 %.2f ms, p99 %.2f ms, body %d bytes%n",
                n, n / seconds, us[n / 2] / 1000.0, us[n * 99 / 100] / 1000.0, t.get("/api/status").body().length());
    }

    private static void events(TestServer t) throws Exception {
        int clients = 10, changes = 40;
        ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>(); // {change number, nanos}
        List<Thread> readers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            HttpResponse<Stream<String>> r = t.http.sendAsync(t.request("/api/events").header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
            Thread th = new Thread(() -> r.body().forEach(line -> {
                int at = line.indexOf("\"faces\":");
                if (line.startsWith("data:") && at > 0) {
                    int end = at + 8;
                    while (Character.isDigit(line.charAt(end))) end++;
                    arrivals.add(new long[]{Integer.parseInt(line.substring(at + 8, end)), System.nanoTime()});
                }
            }), "bench-sse-" + c);
            th.setDaemon(true);
            th.start();
            readers.add(th);
        }
        Thread.sleep(1000);
        arrivals.clear();
        long[] sent = new long[changes + 100];
        for (int i = 0; i < changes; i++) {
            int faces = 100 + i;
            Emotion mood = i % 2 == 0 ? Emotion.HAPPY : Emotion.SAD;
            sent[i] = System.nanoTime();
            t.state.update(s -> TestStates.withMood(s, mood, faces));
            // Slower than the 4/s cap so every change is its own event.
            Thread.sleep(400);
        }
        Thread.sleep(1000);
        List<Long> ms = new ArrayList<>();
        for (long[] a : arrivals) if (a[0] >= 100) ms.add((a[1] - sent[(int) a[0] - 100]) / 1000);
        ms.sort(null);
        System.out.printf("SSE  %d changes to %d open pages: %d of %d delivered, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                changes, clients, ms.size(), changes * clients, ms.get(ms.size() / 2) / 1000.0,
                ms.get(ms.size() * 99 / 100) / 1000.0, ms.get(ms.size() - 1) / 1000.0);
    }
}
