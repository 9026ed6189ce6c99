package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.config.Settings;
import io.moodbox.emotion.Emotion;
import io.moodbox.music.PlayerStatus.State;
import io.moodbox.testing.Required;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The MPD server of the real wiring, driven by Debian's real {@code mpc} and by a raw socket for
 * what mpc does not show: ACK lines, command lists, idle and noidle, the password.
 */
class MpdClientTest {
    static final String PASSWORD = "mpd-test-pass-7";
    static final Path MPC = Path.of("/usr/bin/mpc");

    @TempDir Path dir;
    Moodbox box;

    @BeforeEach
    void needMpc() {
        Required.that(Files.isExecutable(MPC), "Debian's mpc is needed to test the MPD server (apt-get install mpc)");
    }

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    Moodbox start(Map<String, String> more) throws Exception { return start(more, new Moodbox.Parts(null, null)); }

    Moodbox start(Map<String, String> more, Moodbox.Parts parts) throws Exception {
        Path music = dir.resolve("music");
        Map<String, String> env = new HashMap<>(Map.of("MOODBOX_MUSIC_ROOTS", music.toString(),
                "MOODBOX_MPD_ENABLED", "true", "MOODBOX_MPD_PORT", "0", "MOODBOX_MPD_PASSWORD", PASSWORD));
        more.forEach((k, v) -> { if (v.isEmpty()) env.remove(k); else env.put(k, v); });
        Settings s = TestSettings.load(dir, env);
        for (String mood : new String[]{"calm", "happy", "energetic"}) TestSettings.tone(music, mood, 30);
        box = Moodbox.start(s, parts);
        await("a track playing", b -> b.player().state() == State.PLAYING && b.player().track() != null);
        await("the whole library", b -> box.library().tracks().size() == 3);
        return box;
    }

    void await(String what, Predicate<BoxState> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.test(box.state().current())) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; state " + box.state().current());
            Thread.sleep(20);
        }
    }

    record Run(int exit, String out) {}

    Run mpc(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(MPC.toString(), "-h", PASSWORD + "@127.0.0.1", "-p", Integer.toString(box.mpdPort())));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    static Run run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    Run ok(String... args) throws Exception {
        Run r = mpc(args);
        assertEquals(0, r.exit(), "mpc " + String.join(" ", args) + ": " + r.out());
        return r;
    }

    @Test
    void mpcShowsAndSteersTheBox() throws Exception {
        start(Map.of());
        String title = box.state().current().player().track().title();
        Run status = ok("status");
        assertTrue(status.out().contains("[playing]"), status.out());
        assertTrue(status.out().contains(title), status.out());
        assertTrue(status.out().matches("(?s).*volume:\\s*\\d+%.*"), status.out());

        // The current song's comment carries the room's mood (no camera here: unknown), and the track's.
        Run current = ok("-f", "%file% ~ %title% ~ %comment%", "current");   // '|' would be mpc's "or"
        String mood = box.state().current().player().track().mood();
        assertTrue(current.out().startsWith(mood + "/tone.wav ~ tone ~ "), current.out());
        assertTrue(current.out().contains("room mood unknown; track mood " + mood + "."), current.out());

        ok("volume", "47");
        await("the volume set through mpc", b -> b.player().volumePercent() == 47);
        assertTrue(ok("volume").out().contains("47%"), "mpc reads it back");

        ok("pause");
        await("paused through mpc", b -> b.player().state() == State.PAUSED);
        assertTrue(ok("status").out().contains("[paused]"));
        ok("play");
        await("playing again", b -> b.player().state() == State.PLAYING);

        String before = box.state().current().player().track().id();
        ok("next");
        await("the next track", b -> b.player().track() != null && !b.player().track().id().equals(before));
        String after = box.state().current().player().track().id();
        ok("prev");
        await("back to the track before", b -> b.player().track() != null && b.player().track().id().equals(before));
        assertNotEquals(before, after);

        // The library: folders, search, list, stats; each mood a playlist.
        Run ls = ok("ls");
        // As MPD does, the root lists the stored playlists too.
        assertEquals(List.of("calm", "energetic", "happy", "mood-calm", "mood-energetic", "mood-happy"),
                ls.out().lines().sorted().toList(), ls.out());
        assertEquals(List.of("happy/tone.wav"), ok("ls", "happy").out().lines().toList());
        assertEquals(List.of("calm/tone.wav"), ok("search", "comment", "CAL").out().lines().toList(), "search: any case, part");
        assertEquals(3, ok("search", "title", "tone").out().lines().count());
        assertEquals(List.of("calm/tone.wav"), ok("find", "comment", "calm").out().lines().toList());
        assertEquals("", ok("find", "comment", "CALM").out(), "find is exact");
        assertEquals(List.of("mood-calm", "mood-energetic", "mood-happy"), ok("lsplaylists").out().lines().sorted().toList());
        assertEquals(List.of("energetic/tone.wav"), ok("-f", "%file%", "playlist", "mood-energetic").out().lines().toList());
        String stats = ok("stats").out();
        assertTrue(stats.matches("(?s).*Songs:\\s+3\n.*"), stats);

        // The queue is the playlist after the current track; add, load and clear act through Controls.
        ok("add", "happy/tone.wav");
        await("the queue holds the added track", b -> box.library().queue().size() == 1);
        ok("load", "mood-calm");
        await("a mood playlist loaded into the queue", b -> box.library().queue().size() == 2);
        List<String> playlist = ok("-f", "%file%", "playlist").out().lines().toList();
        assertEquals(3, playlist.size(), "current + 2 queued: " + playlist);
        assertEquals(List.of("happy/tone.wav", "calm/tone.wav"), playlist.subList(1, 3));
        ok("clear");
        await("the queue cleared", b -> box.library().queue().isEmpty());
        assertEquals(1, ok("playlist").out().lines().count(), "the current track stays");

        // A refused command is an error with the box's own words.
        Run bad = mpc("add", "no/such.wav");
        assertNotEquals(0, bad.exit());
        assertTrue(bad.out().contains("No such directory or song"), bad.out());
    }

    @Test
    void mpcIdleWakesForThePlayerAndTheMixer() throws Exception {
        start(Map.of());
        Process idle = new ProcessBuilder(MPC.toString(), "-h", PASSWORD + "@127.0.0.1", "-p", Integer.toString(box.mpdPort()),
                "idle", "mixer").redirectErrorStream(true).start();
        Thread.sleep(500);
        assertTrue(idle.isAlive(), "idle waits for a change");
        box.controls().setVolume(33);
        assertTrue(idle.waitFor(10, TimeUnit.SECONDS), "a volume change ends the idle");
        assertEquals("mixer", new String(idle.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());

        idle = new ProcessBuilder(MPC.toString(), "-h", PASSWORD + "@127.0.0.1", "-p", Integer.toString(box.mpdPort()),
                "idle", "player").redirectErrorStream(true).start();
        Thread.sleep(500);
        box.controls().pause();
        assertTrue(idle.waitFor(10, TimeUnit.SECONDS), "pausing ends the idle");
        assertEquals("player", new String(idle.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    @Test
    void ncmpcppShowsTheCurrentSongWithTheRoomsMood() throws Exception {
        Path ncmpcpp = Path.of("/usr/bin/ncmpcpp");
        Required.that(Files.isExecutable(ncmpcpp), "Debian's ncmpcpp is needed to test the MPD server (apt-get install ncmpcpp)");
        start(Map.of());
        ProcessBuilder pb = new ProcessBuilder(ncmpcpp.toString(), "-h", PASSWORD + "@127.0.0.1", "-p", Integer.toString(box.mpdPort()),
                "--current-song=%f ~ %t ~ %C").redirectErrorStream(true);
        pb.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());   // its config and logs go there
        Process p = pb.start();
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "ncmpcpp --current-song exits");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String mood = box.state().current().player().track().mood();
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("tone.wav ~ tone ~ room mood unknown; track mood " + mood + "."), out);   // %f: the file name
    }

    @Test
    void withoutThePasswordNothingIsShownOrDone() throws Exception {
        start(Map.of());
        Run r = run(List.of(MPC.toString(), "-h", "127.0.0.1", "-p", Integer.toString(box.mpdPort()), "status"));
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("you don't have permission for \"status\""), r.out());
        r = run(List.of(MPC.toString(), "-h", "wrong-password@127.0.0.1", "-p", Integer.toString(box.mpdPort()), "pause"));
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("incorrect password"), r.out());
        assertEquals(State.PLAYING, box.state().current().player().state(), "nothing was done");
    }

    // ---- raw protocol ----

    /** A raw connection: sends lines, reads answers up to OK or ACK. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        final String greeting;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            greeting = in.readLine();
        }

        void send(String... lines) throws IOException {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Lines up to and including the final OK or ACK line. */
        List<String> answer() throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = in.readLine();
                if (l == null) {
                    lines.add("<closed>");
                    return lines;
                }
                lines.add(l);
                if (l.equals("OK") || l.startsWith("ACK ")) return lines;
            }
        }

        List<String> ask(String... lines) throws IOException {
            send(lines);
            return answer();
        }

        @Override public void close() throws IOException { socket.close(); }
    }

    @Test
    void rawProtocolAcksCommandListsAndIdle() throws Exception {
        start(Map.of());
        try (Raw c = new Raw(box.mpdPort())) {
            assertTrue(c.greeting.matches("OK MPD 0\\.\\d+\\.\\d+"), c.greeting);
            assertEquals(List.of("OK"), c.ask("ping"), "ping needs no password");
            assertEquals(List.of("ACK [4@0] {status} you don't have permission for \"status\""), c.ask("status"));
            assertEquals(List.of("ACK [3@0] {password} incorrect password"), c.ask("password nope"));
            assertEquals(List.of("OK"), c.ask("password \"" + PASSWORD + "\""));
            assertEquals(List.of("ACK [5@0] {} unknown command \"frobnicate\""), c.ask("frobnicate"));
            // A command the box refuses is an ACK with the box's own reply.
            assertEquals(List.of("ACK [52@0] {previous} There is no earlier track to go back to since the box started."),
                    c.ask("previous"));
            assertEquals(List.of("ACK [2@0] {setvol} Invalid volume value: 101 (0..100)"), c.ask("setvol 101"));
            assertEquals(List.of("ACK [2@0] {} Missing closing '\"'"), c.ask("find \"artist"));
            assertEquals(List.of("ACK [50@0] {listplaylistinfo} No such playlist"), c.ask("listplaylistinfo mood-grumpy"));

            // A command list answers once; the ok variant separates each command with list_OK.
            List<String> list = c.ask("command_list_ok_begin", "setvol 21", "getvol", "ping", "command_list_end");
            assertEquals(List.of("list_OK", "volume: 21", "list_OK", "list_OK", "OK"), list);
            // The first failure ends the list; its index says which command failed.
            list = c.ask("command_list_begin", "setvol 22", "nosuch", "setvol 99", "command_list_end");
            assertEquals(List.of("ACK [5@1] {} unknown command \"nosuch\""), list);
            assertEquals(List.of("volume: 22", "OK"), c.ask("getvol"), "commands before the failure ran, those after did not");
            list = c.ask("command_list_ok_begin", "getvol", "play 7", "command_list_end");
            assertEquals(List.of("volume: 22", "list_OK", "ACK [2@1] {play} Bad song index"), list);
            assertEquals(List.of("ACK [1@0] {command_list_end} not in command list mode"), c.ask("command_list_end"));

            // status and currentsong in MPD's shape
            List<String> status = c.ask("status");
            assertTrue(status.contains("state: play"), status.toString());
            assertTrue(status.contains("volume: 22"), status.toString());
            assertTrue(status.stream().anyMatch(l -> l.matches("elapsed: \\d+\\.\\d{3}")), status.toString());
            List<String> song = c.ask("currentsong");
            assertTrue(song.getFirst().matches("file: (calm|happy|energetic)/tone\\.wav"), song.toString());
            assertTrue(song.stream().anyMatch(l -> l.startsWith("Comment: room mood unknown; track mood ")), song.toString());
            assertTrue(song.contains("Pos: 0"), song.toString());

            // idle answers at once for what changed before it; noidle ends a quiet idle with a bare OK.
            box.controls().setVolume(60);
            Thread.sleep(1200);
            assertEquals(List.of("changed: mixer", "OK"), c.ask("idle mixer"));
            c.send("idle database");
            Thread.sleep(300);
            assertEquals(List.of("OK"), c.ask("noidle"));
            assertEquals(List.of("ACK [2@0] {idle} Unrecognized idle event: weather"), c.ask("idle weather"));
            c.send("idle playlist");
            Thread.sleep(300);
            try (Raw other = new Raw(box.mpdPort())) {
                other.ask("password " + PASSWORD);
                assertEquals(List.of("OK"), other.ask("add \"happy/tone.wav\""));
            }
            assertEquals(List.of("changed: playlist", "OK"), c.answer());
            List<String> pl = c.ask("playlistinfo");
            assertTrue(pl.contains("file: happy/tone.wav") && pl.contains("Pos: 1"), pl.toString());
            assertEquals(List.of("OK"), c.ask("clear"));

            // search and find by the old pairs and by MPD 0.21 filter expressions.
            assertEquals(List.of("file: calm/tone.wav"), files(c.ask("find \"(comment == 'calm')\"")));
            assertEquals(List.of("file: energetic/tone.wav", "file: happy/tone.wav"),
                    files(c.ask("search \"(!(file contains 'CALM'))\"")));
            assertEquals(List.of("file: happy/tone.wav"), files(c.ask("find \"((base 'happy') AND (title == 'tone'))\"")));
            assertEquals(List.of("ACK [2@0] {find} Unknown filter type: colour"), c.ask("find colour red"));
            assertEquals(List.of("Title: tone", "OK"), c.ask("list title"));
            List<String> root = c.ask("lsinfo");
            assertTrue(root.containsAll(List.of("directory: calm", "directory: happy", "playlist: mood-calm")), root.toString());

            c.send("close");
            assertNull(c.in.readLine(), "close ends the connection");
        }
    }

    @Test
    void clientsSeeTheRoomsMoodAndNothingAboutFaces() throws Exception {
        MoodboxTest.ScriptedSource camera = new MoodboxTest.ScriptedSource();
        camera.showing = Emotion.HAPPY;
        start(Map.of(), new Moodbox.Parts(camera, new MoodboxTest.FakeAnalyzer()));
        await("a happy face seen", b -> b.mood().faces() == 1 && b.mood().mood() == Emotion.HAPPY);
        try (Raw c = new Raw(box.mpdPort())) {
            c.ask("password " + PASSWORD);
            List<String> all = new ArrayList<>();
            for (String cmd : List.of("currentsong", "status", "playlistinfo", "stats", "listplaylists", "listallinfo", "outputs"))
                all.addAll(c.ask(cmd));
            assertTrue(all.stream().anyMatch(l -> l.startsWith("Comment: room mood happy; track mood ")), all.toString());
            for (String l : all)
                assertFalse(l.toLowerCase(java.util.Locale.ROOT).matches(".*(face|frame|image|camera frame|person|people).*"),
                        "nothing about faces or pictures: " + l);
        }
    }

    private static List<String> files(List<String> answer) {
        return answer.stream().filter(l -> l.startsWith("file: ")).sorted().toList();
    }

    @Test
    void mpdCanBeTurnedOnAndOffLiveAndStaysOffByDefault() throws Exception {
        start(Map.of("MOODBOX_MPD_ENABLED", "", "MOODBOX_MPD_PORT", "", "MOODBOX_MPD_PASSWORD", ""));
        assertEquals(-1, box.mpdPort(), "off by default and when off");
        box.settings().update(Map.of("mpd.enabled", "true", "mpd.port", "0", "mpd.password", PASSWORD));
        assertTrue(box.settings().isLive("mpd.enabled"));
        assertTrue(box.mpdPort() > 0, "on, live");
        assertTrue(ok("status").out().contains("[playing]"));
        box.settings().update(Map.of("mpd.enabled", "false"));
        assertEquals(-1, box.mpdPort());
    }
}
