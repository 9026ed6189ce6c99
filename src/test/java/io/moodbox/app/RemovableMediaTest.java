package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.Required;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real FAT file system (a vfat image made by dosfstools' mkfs.vfat, filled by mtools' mcopy)
 * mounted read-only under the running daemon's {@code music.removable-root}, as the Ansible role's
 * udev rule mounts a USB stick: it is found and scanned, played from, and pulled while a track of
 * its plays (the file system's process killed, so reads fail as on a yanked stick): the player
 * skips on, the library drops its tracks, the daemon keeps running, and the stick comes back from
 * the cache. The image's bytes are the same at the end: nothing was written to it.
 *
 * <p>The kernel's vfat driver mounts it where the kernel has one (the Pi); where it has not (this
 * CI's container kernel), fusefat mounts the same image read-only through FUSE.
 */
class RemovableMediaTest {
    @TempDir Path dir;
    private final List<Process> fuse = new ArrayList<>();
    private Path mountPoint;

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) run("umount", "-l", mountPoint.toString());
        for (Process p : fuse) p.destroyForcibly();
    }

    @Test
    void aStickIsScannedPlayedPulledMidTrackAndComesBackFromTheCache() throws Exception {
        Required.that(isRoot() && onPath("mkfs.vfat") && onPath("mcopy") && (onPath("fusefat") || kernelHasVfat()),
                "needs root, dosfstools, mtools and fusefat (or a kernel with vfat) to mount a FAT image (./moodbox-dev test installs them)");
        Path image = stickImage();
        String before = sha256(image);

        Files.createDirectories(dir.resolve("music"));
        Files.write(dir.resolve("music/own.mp3"), AudioFaults.mp3(40, 440));
        Path media = Files.createDirectories(dir.resolve("media"));
        Daemon.ownerFile(dir.resolve("owner.properties"));
        Path config = dir.resolve("moodbox.properties");
        Files.writeString(config, Daemon.baseConfig(dir) + "music.removable-root = " + media + "\nmusic.output = null\n");

        try (Daemon box = Daemon.start(config, dir.resolve("box.log"))) {
            box.login();
            awaitLibrary(box, "the box's own track", l -> total(l) == 1 && !l.get("scan").get("running").asBoolean());

            mountPoint = Files.createDirectories(media.resolve("MUSIC"));
            Process fs = mount(image, mountPoint);
            JsonNode lib = awaitLibrary(box, "the stick's 3 tracks", l -> total(l) == 4 && source(l, "USB stick MUSIC") == 3);
            assertEquals(4, total(lib));
            box.awaitLog("USB stick MUSIC found at " + mountPoint, Duration.ofSeconds(5));

            // Played from: skip until a track of the stick plays.
            for (int i = 0; i < 12 && !playing(box).startsWith("STICK"); i++) {
                box.post("/api/controls/next", "");
                Thread.sleep(700);
            }
            assertTrue(playing(box).startsWith("STICK"), "never played from the stick: " + box.get("/api/player").body());
            String stickTrack = player(box).get("track").get("id").asText();

            // Pulled mid-track: reads fail from now on (a killed FUSE process; the kernel mount is detached).
            if (fs != null) fs.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            else run("umount", "-l", mountPoint.toString());
            awaitLibrary(box, "the stick's tracks to leave", l -> total(l) == 1 && source(l, "USB stick MUSIC") < 0);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (playing(box).startsWith("STICK") && System.nanoTime() < deadline) Thread.sleep(200);
            assertEquals("playing", player(box).get("state").asText());
            assertFalse(playing(box).startsWith("STICK"), "the player did not skip on: " + box.get("/api/player").body());
            assertTrue(box.process.isAlive());
            assertEquals(List.of(), box.logLines("ERROR", ""), box.tail());
            // The skip was the stick's going, not the owner's: the taste file does not count it.
            Path taste = dir.resolve("state/taste.properties");
            assertFalse(Files.exists(taste) && Files.readString(taste).contains(stickTrack + "."), Daemon.read(taste));

            // Back again (the dead mount point cleaned up as the role's unit does): from the cache, nothing decoded twice.
            run("umount", "-l", mountPoint.toString());
            fs = mount(image, mountPoint);
            lib = awaitLibrary(box, "the stick's return", l -> total(l) == 4 && !l.get("scan").get("running").asBoolean());
            assertTrue(lib.get("scan").get("message").asText().contains("(0 analysed, 4 from the cache"), lib.toString());
            // What the daemon said, for the record in the test's output.
            box.log().lines().filter(l -> l.matches(".*(USB stick|Playing|Cannot play|on the stick|Music library:|went away).*"))
                    .forEach(l -> System.out.println("daemon: " + l));
        }
        run("umount", "-l", mountPoint.toString());
        mountPoint = null;
        assertEquals(before, sha256(image), "the stick's bytes changed");
    }

    /** A 16 MB FAT image labelled MUSIC with three tracks (8.3 names: fusefat shows no long names). */
    private Path stickImage() throws Exception {
        Path image = dir.resolve("stick.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(16L << 20);
        }
        run("mkfs.vfat", "-n", "MUSIC", image.toString());
        Path src = Files.createDirectories(dir.resolve("stick-src"));
        int i = 1;
        for (double hz : new double[] {330, 550, 660}) {
            Path f = src.resolve("STICK" + i++ + ".MP3");
            Files.write(f, AudioFaults.mp3(40, hz));
            run("mcopy", "-i", image.toString(), f.toString(), "::" + f.getFileName());
        }
        return image;
    }

    /** Mounts read-only: the kernel's vfat if it has one (null back), else fusefat in the foreground (its process back). */
    private Process mount(Path image, Path at) throws Exception {
        if (kernelHasVfat()) {
            run("mount", "-t", "vfat", "-o", "loop,ro,nosuid,nodev,noexec", image.toString(), at.toString());
            return null;
        }
        Process p = new ProcessBuilder("fusefat", "-o", "ro", "-f", image.toString(), at.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("fusefat.log").toFile()).start();
        fuse.add(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(Path.of("/proc/self/mounts")).contains(" " + at + " fuse.fusefat ro,")) {
            if (!p.isAlive() || System.nanoTime() > deadline) fail("fusefat did not mount " + image + ": " + Files.readString(dir.resolve("fusefat.log")));
            Thread.sleep(50);
        }
        return p;
    }

    private JsonNode awaitLibrary(Daemon box, String what, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode l = library(box);
        while (!ok.test(l)) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + ": " + l + "\n" + box.tail());
            Thread.sleep(200);
            l = library(box);
        }
        return l;
    }

    private static JsonNode library(Daemon box) throws Exception {
        HttpResponse<String> r = box.get("/api/library");
        assertEquals(200, r.statusCode(), r.body());
        return Daemon.JSON.readTree(r.body());
    }

    private static int total(JsonNode lib) {
        int n = 0;
        for (JsonNode m : lib.get("moods")) n += m.get("count").asInt();
        return n;
    }

    /** The tracks of the source named so, or -1 when it is not listed. */
    private static int source(JsonNode lib, String name) {
        for (JsonNode s : lib.get("sources")) if (s.get("name").asText().equals(name)) return s.get("tracks").asInt();
        return -1;
    }

    private static JsonNode player(Daemon box) throws Exception {
        return Daemon.JSON.readTree(box.get("/api/player").body()).get("player");
    }

    private static String playing(Daemon box) throws Exception {
        JsonNode t = player(box).get("track");
        return t == null || t.isNull() ? "" : t.get("title").asText();
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private static boolean isRoot() {
        try {
            return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").concat(":/usr/sbin:/sbin").split(":"))
            if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    private static boolean kernelHasVfat() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).lines().anyMatch(l -> l.strip().equals("vfat"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            if (cmd[0].equals("umount")) return;   // already gone
            fail(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
