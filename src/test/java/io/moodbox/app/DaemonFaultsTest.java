package io.moodbox.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.moodbox.config.Settings;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.testing.AudioFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The faults of issue 20 against the real daemon, started as systemd starts it ({@link Daemon}:
 * {@code moodbox --config FILE run} in a child JVM): each start checks several. The box must
 * come up, with its page and login, say on the page what it ignored, log it, and lose nothing.
 */
class DaemonFaultsTest {
    @TempDir Path dir;

    Path config() { return dir.resolve("moodbox.properties"); }

    @Test
    void aSettingsFileThatNoLongerParsesStartsTheBoxOnItsLastGoodCopy() throws Exception {
        Daemon.ownerFile(dir.resolve("owner.properties"));
        Files.createDirectories(dir.resolve("music"));
        String good = Daemon.baseConfig(dir) + "privacy.enabled = true\nmood.hold-s = 2\n";
        Files.writeString(dir.resolve("moodbox.properties.last-good"), good);
        // What a power cut can leave of a file the kernel had not written out: zeros, then a torn line.
        byte[] torn = new byte[600];
        byte[] tail = "\nmood.hold-s = 1\\u12".getBytes();
        System.arraycopy(tail, 0, torn, torn.length - tail.length, tail.length);
        Files.write(config(), torn);

        try (Daemon box = Daemon.start(config(), dir.resolve("box.log"))) {
            JsonNode s = box.status();
            assertEquals("running", s.get("phase").asText());
            assertTrue(s.get("privacy").asBoolean(), "privacy from the last good copy: " + s);
            List<String> problems = box.problems();
            assertTrue(problems.stream().anyMatch(p -> p.contains(config().toString()) && p.contains("binary data")
                    && p.contains("last good copy") && p.contains("moodbox.properties.broken")), problems.toString());
            assertFalse(box.logLines("ERROR", "cannot be used").isEmpty(), "an ERROR in the journal:\n" + box.tail());
            // The page and its login are there to mend it.
            assertEquals(200, box.get("/").statusCode());
            assertEquals(200, box.get("/settings.html").statusCode());
            box.login();
            assertEquals(200, box.get("/api/settings").statusCode());
            assertArrayEquals(torn, Files.readAllBytes(config()), "the owner's file is left as it was");
            assertArrayEquals(torn, Files.readAllBytes(dir.resolve("moodbox.properties.broken")), "and kept");

            // Mending it from the page: a good file again, started from the last good copy, and the problem goes.
            HttpResponse<String> r = box.post("/api/settings", "{\"mood.half-life-s\":\"1.5\"}");
            assertEquals(200, r.statusCode(), r.body());
            box.await("the settings problem cleared", st -> !st.get("problems").toString().contains("settings"));
            Settings mended = Settings.load(config(), Map.of(), Map.of());
            assertTrue(mended.problems().isEmpty(), mended.problems().toString());
            assertTrue(mended.daemon().privacy());
            assertEquals(Duration.ofSeconds(2), mended.mood().minHold());
        }
    }

    @Test
    void badValuesOfEveryKindABrokenModelAndABadLibraryStillStartTheBoxAndAVanishedCameraComesBack() throws Exception {
        Daemon.ownerFile(dir.resolve("owner.properties"));
        Path frames = Files.createDirectories(dir.resolve("frames"));
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 240; y++) for (int x = 0; x < 320; x++) img.setRGB(x, y, ((x + i * 40) % 256) * 0x010101);
            ImageIO.write(img, "jpg", frames.resolve("frame" + i + ".jpg").toFile());
        }
        byte[] model = Files.readAllBytes(EmotionConfig.DEFAULT_MODEL);
        Path truncatedModel = Files.write(dir.resolve("emotion-truncated.tflite"), Arrays.copyOf(model, model.length / 2));
        Path notAModel = Files.writeString(dir.resolve("face.tflite"), "not a model\n");

        // The music folder a real owner might have: good files, broken ones, odd ones.
        Path music = dir.resolve("music");
        byte[] tone = AudioFaults.tone(6, 220), mp3 = AudioFaults.mp3(3, 330);
        AudioFaults.write(music.resolve("calm/good.wav"), tone);
        AudioFaults.write(music.resolve("truncated.flac"), AudioFaults.truncated(AudioFaults.flac(6, 220)));
        AudioFaults.write(music.resolve("empty.flac"), new byte[0]);
        AudioFaults.write(music.resolve("notes.mp3"), "a text file with a music name\n".repeat(50).getBytes());
        AudioFaults.write(music.resolve("cover-art.mp3"), AudioFaults.concat(AudioFaults.id3(100_000, 8 << 20), mp3));
        AudioFaults.write(music.resolve("giant-tags.mp3"), AudioFaults.concat(AudioFaults.id3(10, 40 << 20), mp3));
        Path locked = AudioFaults.write(music.resolve("locked.wav"), tone);
        Files.setPosixFilePermissions(locked, Set.of());
        // Tests run as root, and root reads a mode-000 file anyway: then it is honestly music to the box.
        boolean rootReads = Files.isReadable(locked);
        AudioFaults.write(music.resolve("readme.txt"), "not music by name\n".getBytes());

        Files.writeString(config(), Daemon.baseConfig(dir).replace("camera.source = none", "camera.source = " + frames)
                + "camera.retry-min-s = 0.2\ncamera.retry-max-s = 1\n"
                + "camera.fps = 15\\u0000\n"                         // text: a NUL
                + "music.mixer = USB\\u0007\n"                       // text: a bell
                + "mood.half-life-s = soon\n"                        // a number
                + "daemon.error-limit = lots\n"                      // a whole number
                + "web.preview = perhaps\n"                          // true/false
                + "vision.ssd-precision = int4\n"                    // one of a list
                + "vision.detector = blazeface\nvision.blazeface-model = " + notAModel + "\n"   // a model path
                + "emotion.model = " + truncatedModel + "\n");      // a truncated model

        try (Daemon box = Daemon.start(config(), dir.resolve("box.log"))) {
            assertEquals("running", box.status().get("phase").asText());
            List<String> problems = box.problems();
            String all = String.join("\n", problems);
            for (String key : List.of("camera.fps", "music.mixer", "mood.half-life-s", "daemon.error-limit", "web.preview",
                    "vision.ssd-precision")) {
                assertTrue(problems.stream().anyMatch(p -> p.startsWith("Setting " + key + " in moodbox.properties is not valid")),
                        key + " is reported:\n" + all);
                assertFalse(box.logLines("ERROR", key + " = ").isEmpty(), key + " in the journal:\n" + box.tail());
            }
            assertTrue(all.contains("'15\\u0000'") && all.contains("'USB\\u0007'"), "control characters shown escaped:\n" + all);
            assertTrue(problems.stream().anyMatch(p -> p.contains("The emotion model " + truncatedModel + " could not be loaded")
                    && p.contains("built-in model")), all);
            assertTrue(problems.stream().anyMatch(p -> p.contains("face detector") && p.contains("built-in detectors")), all);
            assertTrue(problems.stream().noneMatch(p -> p.contains("Exception")), "no exception names on the page:\n" + all);
            assertFalse(box.logLines("ERROR", "emotion.model " + truncatedModel + " does not load").isEmpty(), box.tail());

            // The camera (a folder) works, then vanishes, then comes back.
            box.await("the camera live", s -> s.at("/camera/state").asText().equals("live"));
            Path away = Files.move(frames, dir.resolve("frames-away"));
            box.await("the camera retrying, said on the page", s -> s.at("/camera/state").asText().equals("retrying")
                    && s.get("problems").toString().contains("frames"));
            Files.move(away, frames);
            box.await("the camera back and its problem gone", s -> s.at("/camera/state").asText().equals("live")
                    && !s.get("problems").toString().contains("retrying"));

            // The library scan skips each bad file with a reason and finishes.
            box.awaitLog("Music library: ", Duration.ofSeconds(60));
            String summary = box.logLines("INFO", "Music library: ").getFirst();
            assertTrue(summary.contains((rootReads ? 3 : 2) + " tracks"), summary);
            for (String[] bad : new String[][]{{"truncated.flac", "truncated"}, {"empty.flac", "the file is empty"},
                    {"notes.mp3", "not an audio file"}, {"giant-tags.mp3", "its tags (an ID3 block"}}) {
                assertFalse(box.logLines("WARN", "Music library: " + music.resolve(bad[0]) + ": " + bad[1]).isEmpty(),
                        bad[0] + " skipped with a reason:\n" + box.tail());
            }
            if (!rootReads) assertFalse(box.logLines("WARN", "locked.wav: the box may not read it").isEmpty(), box.tail());
            assertTrue(box.logLines("WARN", "readme.txt").isEmpty(), "other files are ignored quietly");
            box.login();
            JsonNode library = Daemon.JSON.readTree(box.get("/api/library").body());
            assertEquals(rootReads ? 3 : 2, sum(library.get("moods")), library.toString());
            assertTrue(box.process.isAlive());
        }
    }

    private static int sum(JsonNode moods) {
        int n = 0;
        for (JsonNode m : moods) n += m.get("count").asInt();
        return n;
    }

    @Test
    void killNineDuringSavesAndAScanLosesNothingAndTheScanFinishesOnTheNextStart() throws Exception {
        Daemon.ownerFile(dir.resolve("owner.properties"));
        // Enough music that the scan outlasts the saves below even on an idle machine (about 6 s there).
        byte[] tone = AudioFaults.tone(2.5, 440);
        int files = 400;
        for (int i = 0; i < files; i++) AudioFaults.write(dir.resolve("music/calm/tone-%03d.wav".formatted(i)), tone);
        Files.writeString(config(), Daemon.baseConfig(dir));
        Path cache = dir.resolve("state/library-cache.tsv");

        ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        AtomicInteger saved = new AtomicInteger();
        try (Daemon box = Daemon.start(config(), dir.resolve("first.log"))) {
            box.login();
            AtomicBoolean go = new AtomicBoolean(true);
            List<Thread> savers = new ArrayList<>();
            AtomicInteger n = new AtomicInteger();
            for (int t = 0; t < 3; t++) {
                savers.add(Thread.ofPlatform().start(() -> {
                    while (go.get()) {
                        int i = n.getAndIncrement() % 26;
                        // Two keys that belong together, one long: a torn or mixed file would show.
                        String letter = String.valueOf((char) ('a' + i));
                        sent.add(letter);
                        try {
                            if (box.post("/api/settings", "{\"music.mixer\":\"" + letter.repeat(2000) + "\",\"mood.half-life-s\":\""
                                    + (i + 1) + "\"}").statusCode() == 200) saved.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            return;   // the box is gone
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.exists(cache) || saved.get() < 20) {
                assertTrue(System.nanoTime() < deadline, "no cache written within 90 s:\n" + box.tail());
                Thread.sleep(5);
            }
            assertFalse(box.log().contains("Music library: "), "the scan must still be running when the box is killed:\n" + box.tail());
            box.kill9();
            go.set(false);
            for (Thread t : savers) t.join();
        }
        assertTrue(saved.get() >= 20, saved.get() + " saves");

        // The owner's file is one whole save, never a mix of two.
        Settings after = Settings.load(config(), Map.of(), Map.of());
        assertTrue(after.problems().isEmpty(), after.problems().toString());
        String mixer = after.get("music.mixer");
        assertEquals(2000, mixer.length(), mixer);
        char letter = mixer.charAt(0);
        assertTrue(mixer.chars().allMatch(c -> c == letter), "one value, not two: " + mixer);
        assertEquals(letter - 'a' + 1, Double.parseDouble(after.get("mood.half-life-s")), 1e-9, "both keys of the same save");
        // The cache is whole: its header and every line of it parse.
        List<String> lines = Files.readAllLines(cache);
        assertEquals("moodbox-music-cache\t2", lines.getFirst());
        assertTrue(lines.size() > 1 && lines.size() <= files + 1, lines.size() + " lines");
        for (String l : lines.subList(1, lines.size())) assertEquals(25, l.split("\t", -1).length, l);

        // The next start goes on from the cache and finishes the scan.
        try (Daemon box = Daemon.start(config(), dir.resolve("second.log"))) {
            box.awaitLog("Music library: ", Duration.ofSeconds(90));
            String summary = box.logLines("INFO", "Music library: ").getFirst();
            Matcher m = Pattern.compile("(\\d+) tracks \\((\\d+) analysed, (\\d+) from the cache").matcher(summary);
            assertTrue(m.find(), summary);
            assertEquals(files, Integer.parseInt(m.group(1)), summary);
            assertTrue(Integer.parseInt(m.group(3)) >= lines.size() - 1, "resumed from the cache: " + summary);
            assertFalse(box.logLines("WARN", "The last library scan stopped while reading").isEmpty(), box.tail());
            assertTrue(box.problems().stream().noneMatch(p -> p.toLowerCase(java.util.Locale.ROOT).contains("setting")), box.problems().toString());
        }
    }

    @Test
    void aFullDiskWhileSavingKeepsTheBoxRunningShowsAProblemAndKeepsTheOldFilesWhole() throws Exception {
        Daemon.ownerFile(dir.resolve("owner.properties"));
        Path disk = Files.createDirectories(dir.resolve("disk"));
        boolean mounted = mountTmpfs(disk, "64k");
        try {
            for (int i = 0; i < 3; i++) AudioFaults.write(dir.resolve("music/calm/t" + i + ".wav"), AudioFaults.tone(1.5, 200 + 100 * i));
            Path conf = disk.resolve("moodbox.properties");
            Files.writeString(conf, Daemon.baseConfig(dir).replace(dir.resolve("state").toString(), disk.resolve("state").toString()));
            Path cache = disk.resolve("state/library-cache.tsv");
            try (Daemon box = Daemon.start(conf, dir.resolve("box.log"))) {
                box.login();
                box.awaitLog("Music library: ", Duration.ofSeconds(60));
                assertEquals(200, box.post("/api/settings", "{\"mood.hold-s\":\"1\"}").statusCode());
                byte[] settingsBefore = Files.readAllBytes(conf), cacheBefore = Files.readAllBytes(cache);

                Path moved = null;
                if (mounted) fill(disk);
                else moved = breakWrites(disk);   // no tmpfs here: the folder becomes a file, so every write fails
                Path filesAt = mounted ? disk : moved;

                HttpResponse<String> r = box.post("/api/settings", "{\"mood.hold-s\":\"2\"}");
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("nothing was changed"), r.body());
                box.await("a save problem on the page", s -> s.get("problems").toString().contains("could not be saved"));
                // The button and the page still work; privacy applies although it cannot be saved.
                assertEquals(200, box.post("/api/controls/privacy", "{\"on\":true}").statusCode());
                box.await("privacy on", s -> s.get("privacy").asBoolean());
                assertEquals(200, box.post("/api/controls/rescan", "").statusCode());
                box.awaitLog("Could not save the music cache", Duration.ofSeconds(30));
                assertEquals("running", box.status().get("phase").asText());
                assertArrayEquals(settingsBefore, Files.readAllBytes(filesAt.resolve("moodbox.properties")), "the old settings whole");
                assertArrayEquals(cacheBefore, Files.readAllBytes(filesAt.resolve("state/library-cache.tsv")), "the old cache whole");
                try (var left = Files.walk(filesAt)) {
                    // The settings' and the library cache's own temporary files (the player keeps its own state).
                    List<Path> temps = left.filter(p -> p.getFileName().toString().matches("\\.(moodbox\\.properties|library-cache\\.tsv).*\\.tmp"))
                            .toList();
                    assertTrue(temps.isEmpty(), "no half-written temporary files: " + temps);
                }

                if (mounted) Files.delete(disk.resolve("filler"));
                else mendWrites(disk, moved);
                assertEquals(200, box.post("/api/settings", "{\"mood.hold-s\":\"2\"}").statusCode());
                box.await("the save problem gone", s -> !s.get("problems").toString().contains("could not be saved"));
                assertEquals(Duration.ofSeconds(2), Settings.load(conf, Map.of(), Map.of()).mood().minHold());
            }
        } finally {
            if (mounted) new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    /** A small tmpfs, where this test may mount one (root, CAP_SYS_ADMIN); false where it may not. */
    static boolean mountTmpfs(Path at, String size) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            boolean ok = p.waitFor() == 0;
            if (!ok) System.out.println("Cannot mount a tmpfs here (" + out.strip() + "); simulating the failed writes instead");
            return ok;
        } catch (IOException e) {
            System.out.println("No mount command (" + e.getMessage() + "); simulating the failed writes instead");
            return false;
        }
    }

    /** Writes a filler file until the disk is full. */
    static void fill(Path disk) throws IOException {
        byte[] block = new byte[1024];
        try (var out = Files.newOutputStream(disk.resolve("filler"))) {
            for (int i = 0; i < 1 << 20; i++) out.write(block);
            fail("the tmpfs never filled");
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
    }

    private Path breakWrites(Path disk) throws IOException {
        Path moved = Files.move(disk, dir.resolve("disk-away"));
        Files.writeString(disk, "not a folder");
        return moved;
    }

    private void mendWrites(Path disk, Path moved) throws IOException {
        Files.delete(disk);
        Files.move(moved, disk);
    }
}
