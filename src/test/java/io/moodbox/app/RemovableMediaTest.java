package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.Required;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private FatStick stick;

    @AfterEach
    void unmount() throws Exception {
        if (stick != null) stick.close();
    }

    @Test
    void aStickIsScannedPlayedPulledMidTrackAndComesBackFromTheCache() throws Exception {
        Required.that(FatStick.possible(), FatStick.NEEDS);
        stick = stickImage();
        String before = sha256(stick.image);

        Path config = FatStick.daemonConfig(dir);
        Files.write(dir.resolve("music/own.mp3"), AudioFaults.mp3(40, 440));

        try (Daemon box = Daemon.start(config, dir.resolve("box.log"))) {
            box.login();
            awaitLibrary(box, "the box's own track", l -> total(l) == 1 && !l.get("scan").get("running").asBoolean());

            Path mountPoint = Files.createDirectories(dir.resolve("media/MUSIC"));
            stick.plugIn(mountPoint);
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
            stick.pull();
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
            stick.unmount();
            stick.plugIn(mountPoint);
            lib = awaitLibrary(box, "the stick's return", l -> total(l) == 4 && !l.get("scan").get("running").asBoolean());
            assertTrue(lib.get("scan").get("message").asText().contains("(0 analysed, 4 from the cache"), lib.toString());
            // What the daemon said, for the record in the test's output.
            box.log().lines().filter(l -> l.matches(".*(USB stick|Playing|Cannot play|on the stick|Music library:|went away).*"))
                    .forEach(l -> System.out.println("daemon: " + l));
        }
        stick.close();
        assertEquals(before, sha256(stick.image), "the stick's bytes changed");
    }

    /** A FAT image labelled MUSIC with three tracks and 16 MB to spare. */
    private FatStick stickImage() throws Exception {
        Path src = Files.createDirectories(dir.resolve("stick-src"));
        Map<String, Path> tracks = new LinkedHashMap<>();
        int i = 1;
        for (double hz : new double[] {330, 550, 660}) {
            String name = "STICK" + i++ + ".MP3";
            tracks.put(name, Files.write(src.resolve(name), AudioFaults.mp3(40, hz)));
        }
        return FatStick.make(dir.resolve("stick.img"), "MUSIC", tracks, 16L << 20);
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
}
