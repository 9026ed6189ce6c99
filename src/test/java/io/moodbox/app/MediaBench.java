package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Figures for music sources on the real daemon: a FAT stick of real tracks mounted read-only under
 * {@code music.removable-root} (seconds until its tracks are in the library; until they are gone
 * after it is pulled; until they are back from the cache), and uploads of real tracks over HTTP
 * (milliseconds per file, decode check included). Needs root, dosfstools, mtools and fusefat
 * (or a kernel with vfat), like {@link RemovableMediaTest} (both through {@link FatStick}).
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.app.MediaBench [FOLDER] [STICK_TRACKS]</pre>
 * FOLDER: real audio files (default ~/.cache/moodbox/real-music); the first STICK_TRACKS (8) by
 * name go on the stick, the next three are uploaded.
 */
public final class MediaBench {
    public static void main(String[] args) throws Exception {
        Path src = Path.of(args.length > 0 ? args[0] : System.getProperty("user.home") + "/.cache/moodbox/real-music");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        List<Path> all;
        try (Stream<Path> s = Files.list(src)) {
            all = s.filter(p -> p.toString().matches(".*\\.(mp3|ogg|flac|opus|wav|m4a)$")).sorted().toList();
        }
        if (all.size() < n + 3) throw new IllegalArgumentException(src + " has " + all.size() + " audio files; need " + (n + 3));
        Path dir = Files.createTempDirectory("moodbox-media-bench");
        Map<String, Path> tracks = new LinkedHashMap<>();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            Path t = all.get(i);
            String ext = t.toString().substring(t.toString().lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
            tracks.put(String.format(Locale.ROOT, "T%02d.%s", i + 1, ext), t);
            bytes += Files.size(t);
        }
        try (FatStick stick = FatStick.make(dir.resolve("stick.img"), "MUSIC", tracks, 16L << 20)) {
            try (Daemon box = Daemon.start(FatStick.daemonConfig(dir), dir.resolve("box.log"))) {
                box.login();
                await(box, l -> !l.get("scan").get("running").asBoolean());
                Path mnt = Files.createDirectories(dir.resolve("media/MUSIC"));
                long t0 = System.nanoTime();
                stick.plugIn(mnt);
                await(box, l -> total(l) == n && !l.get("scan").get("running").asBoolean());
                double found = secs(t0);
                System.out.printf(Locale.ROOT, "stick: %d real tracks (%.1f MB) mounted -> all in the library after %.1f s (first scan: decode + analysis)%n",
                        n, bytes / 1e6, found);
                t0 = System.nanoTime();
                stick.pull();
                await(box, l -> total(l) == 0);
                System.out.printf(Locale.ROOT, "stick: pulled -> its tracks gone from the library after %.1f s%n", secs(t0));
                stick.unmount();
                t0 = System.nanoTime();
                stick.plugIn(mnt);
                await(box, l -> total(l) == n && !l.get("scan").get("running").asBoolean());
                System.out.printf(Locale.ROOT, "stick: plugged in again -> all back after %.1f s (from the cache)%n", secs(t0));

                HttpClient http = HttpClient.newHttpClient();
                for (Path up : all.subList(n, n + 3)) {
                    long size = Files.size(up);
                    t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(box.requestFor("/api/library/upload?name=" + up.getFileName())
                            .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(up)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    double ms = secs(t0) * 1000;
                    System.out.printf(Locale.ROOT, "upload: %s (%.1f MB) -> HTTP %d in %.0f ms (streamed, synced, decoded, renamed)%n",
                            up.getFileName(), size / 1e6, r.statusCode(), ms);
                }
                Path text = Files.writeString(dir.resolve("notes.mp3"), "not a song\n".repeat(100_000));
                t0 = System.nanoTime();
                HttpResponse<String> r = http.send(box.requestFor("/api/library/upload?name=notes.mp3")
                        .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(text)).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.printf(Locale.ROOT, "upload: notes.mp3 (1.1 MB of text) -> HTTP %d in %.0f ms: %s%n",
                        r.statusCode(), secs(t0) * 1000, Daemon.JSON.readTree(r.body()).get("error").asText());
                await(box, l -> total(l) == n + 3 && !l.get("scan").get("running").asBoolean());
                System.out.println("library: " + n + " stick + 3 uploaded tracks");
            }
        } finally {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }

    private static double secs(long t0) { return (System.nanoTime() - t0) / 1e9; }

    private static void await(Daemon box, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            JsonNode l = Daemon.JSON.readTree(box.get("/api/library").body());
            if (ok.test(l)) return;
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out: " + l);
            Thread.sleep(100);
        }
    }

    private static int total(JsonNode lib) {
        int t = 0;
        for (JsonNode m : lib.get("moods")) t += m.get("count").asInt();
        return t;
    }

    private MediaBench() {}
}
