package io.moodbox.web;

import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.Required;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Uploads over real HTTP: a real MP3 lands in the upload folder and starts a scan; text with an
 * audio name, a file too large (declared or streamed), a full disk (a real 256 KB tmpfs) and a
 * stranger are refused with a sentence, and a refused file leaves nothing behind.
 */
class UploadTest {
    static final long LIMIT = 400_000;

    @TempDir Path dir;
    TestServer t;
    Path uploads;
    final AtomicInteger scans = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        if (t != null) t.close();
        if (uploads != null && mounted) new ProcessBuilder("umount", uploads.toString()).inheritIO().start().waitFor();
    }

    boolean mounted;

    private TestServer server() throws IOException, InterruptedException {
        uploads = dir.resolve("uploads");
        t = new TestServer(dir, false);
        t.server.acceptUploads(uploads, LIMIT, scans::incrementAndGet);
        t.setUp();
        return t;
    }

    private HttpResponse<String> upload(String name, byte[] body, boolean declareLength) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher p = declareLength ? HttpRequest.BodyPublishers.ofByteArray(body)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));   // chunked: no length
        HttpRequest.Builder b = t.request(UploadHandler.PATH + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))
                .header("Content-Type", "application/octet-stream").POST(p);
        // A refusal can come before the body is read; with a length, the client waits for Jetty's go-ahead.
        if (declareLength) b.expectContinue(true);
        if (t.csrf != null) b.header(WebServer.CSRF_HEADER, t.csrf);
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> files() throws IOException {
        if (!Files.isDirectory(uploads)) return List.of();
        try (Stream<Path> s = Files.list(uploads)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String error(HttpResponse<String> r) throws IOException {
        return TestServer.json(r).get("error").asText();
    }

    @Test
    void aRealMp3IsAddedAtomicallyAndScannedTwiceNamedItKeepsBoth() throws Exception {
        server();
        byte[] mp3 = AudioFaults.mp3(3, 440);
        HttpResponse<String> r = upload("My Song.mp3", mp3, true);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("My Song.mp3 added; the library is being scanned", TestServer.json(r).get("message").asText());
        assertEquals(List.of("My Song.mp3"), files());
        assertArrayEquals(mp3, Files.readAllBytes(uploads.resolve("My Song.mp3")));
        assertEquals(1, scans.get());
        // Streamed without a length, and a path in the name: only its last part is kept, and no file is replaced.
        r = upload("C:\\Users\\me\\My Song.mp3", mp3, false);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(List.of("My Song (2).mp3", "My Song.mp3"), files());
        assertEquals(2, scans.get());
        // The library view says uploads are on.
        assertTrue(TestServer.json(t.get("/api/library")).get("uploads").asBoolean());
    }

    @Test
    void textWithAnAudioNameOrAnotherEndingIsNotAnAudioFile() throws Exception {
        server();
        HttpResponse<String> r = upload("notes.mp3", "just some text, not music\n".repeat(200).getBytes(), true);
        assertEquals(415, r.statusCode(), r.body());
        assertEquals("notes.mp3: this is not an audio file we can play (not an audio file FFmpeg can open)", error(r));
        r = upload("truncated.flac", AudioFaults.truncated(AudioFaults.flac(20, 440)), true);
        assertEquals(415, r.statusCode(), r.body());
        assertTrue(error(r).contains("this is not an audio file we can play"), error(r));
        r = upload("cover.jpg", AudioFaults.mp3(3, 440), true);
        assertEquals(415, r.statusCode(), r.body());
        assertTrue(error(r).startsWith("cover.jpg: this is not an audio file we can play (the box plays .aac, "), error(r));
        r = upload("../.hidden.mp3", AudioFaults.mp3(3, 440), true);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(List.of(), files(), "nothing is left behind");
        assertEquals(0, scans.get());
    }

    @Test
    void tooLargeIsRefusedDeclaredOrStreamed() throws Exception {
        server();
        byte[] big = AudioFaults.tone(12, 440);   // 529 KB of WAV, over the 400 KB limit
        assertTrue(big.length > LIMIT);
        for (boolean declared : new boolean[] {true, false}) {
            HttpResponse<String> r = upload("long.wav", big, declared);
            assertEquals(413, r.statusCode(), r.body());
            assertEquals("long.wav is too large: the box takes files up to 390 KB", error(r));
        }
        assertEquals(List.of(), files());
    }

    @Test
    void aFullDiskSaysSoAndLeavesNothing() throws Exception {
        server();
        Files.createDirectories(uploads);
        Required.that(mount(uploads), "needs root and a tmpfs mount to fill a real disk (CI runs as root)");
        byte[] wav = AudioFaults.tone(7, 440);   // 309 KB, over the 256 KB disk but under the size limit
        for (boolean declared : new boolean[] {true, false}) {
            HttpResponse<String> r = upload("song.wav", wav, declared);
            assertEquals(507, r.statusCode(), r.body());
            assertEquals("song.wav was not added: the box's disk is full (free some space, or use a USB stick)", error(r));
            assertEquals(List.of(), files(), "the part written is removed");
        }
        assertEquals(0, scans.get());
    }

    @Test
    void onlyTheLoggedInOwnerWithTheTokenMayUpload() throws Exception {
        server();
        String csrf = t.csrf;
        t.csrf = null;
        assertEquals(403, upload("a.mp3", AudioFaults.mp3(3, 440), true).statusCode());
        t.cookie = null;
        assertEquals(401, upload("a.mp3", AudioFaults.mp3(3, 440), true).statusCode());
        // Without a length the client may still be writing when Jetty answers 401 and closes the
        // connection, and then sees a broken pipe instead of the answer (seen once in CI). Either
        // way the upload is refused before its body is read, and nothing is written (below).
        try {
            assertEquals(401, upload("a.mp3", new byte[] {'I', 'D', '3'}, false).statusCode());
        } catch (IOException closedBeforeTheAnswerWasRead) {
            assertTrue(String.valueOf(closedBeforeTheAnswerWasRead.getMessage()).contains("header parser received no bytes")
                    || closedBeforeTheAnswerWasRead.getCause() != null, closedBeforeTheAnswerWasRead.toString());
        }
        t.csrf = csrf;
        assertEquals(List.of(), files());
    }

    private boolean mount(Path at) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", at.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            mounted = p.waitFor() == 0;
            if (!mounted) System.out.println("cannot mount a tmpfs: " + out.strip());
            return mounted;
        } catch (IOException e) {
            return false;
        }
    }
}
