package io.moodbox.web;

import io.moodbox.music.Track;
import io.moodbox.testing.AudioFaults;
import io.moodbox.testing.TaggedAudio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * GET /api/tracks/{id}/cover over real HTTP for tracks on disk: the picture embedded in the
 * track before the folder's, its type from its bytes, the browser's copy revalidated by ETag,
 * and a plain 404 where there is no usable picture.
 */
class CoverRouteTest {
    @TempDir Path dir;
    TestServer t;
    byte[] embeddedJpeg, folderPng;

    @BeforeEach
    void start() throws Exception {
        t = new TestServer(dir, false);
        t.setUp();
        embeddedJpeg = TaggedAudio.picture("jpg", 48, 48, Color.ORANGE);
        folderPng = TaggedAudio.picture("png", 8, 8, Color.BLUE);
    }

    @AfterEach
    void stop() {
        if (t != null) t.close();
    }

    @Test
    void theEmbeddedPictureWinsOverTheFolderPictureAndIsRevalidatedByItsETag() throws Exception {
        Path album = Files.createDirectories(dir.resolve("music/Both"));
        Files.write(album.resolve("cover.png"), folderPng);
        add("e1", "Tagged", AudioFaults.write(album.resolve("tagged.mp3"), TaggedAudio.mp3(embeddedJpeg, "image/png", 3)));
        add("e2", "Plain", AudioFaults.write(album.resolve("plain.flac"), AudioFaults.flac(2, 440)));

        HttpResponse<byte[]> r = get("/api/tracks/e1/cover", null);
        assertEquals(200, r.statusCode());
        assertArrayEquals(embeddedJpeg, r.body(), "the exact bytes of the tag's picture");
        assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElseThrow(), "by its bytes, not the tag's claim");
        String etag = r.headers().firstValue("ETag").orElseThrow();
        String modified = r.headers().firstValue("Last-Modified").orElseThrow();
        assertEquals(Files.getLastModifiedTime(album.resolve("tagged.mp3")).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                java.time.ZonedDateTime.parse(modified, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), modified);
        assertTrue(modified.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), modified);
        HttpResponse<byte[]> again = get("/api/tracks/e1/cover", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);

        // The untagged track in the same folder gets the folder's picture, with its own ETag.
        HttpResponse<byte[]> folder = get("/api/tracks/e2/cover", etag);
        assertEquals(200, folder.statusCode());
        assertArrayEquals(folderPng, folder.body());
        assertEquals("image/png", folder.headers().firstValue("Content-Type").orElseThrow());
        assertNotEquals(etag, folder.headers().firstValue("ETag").orElseThrow());

        // A PNG in an MP4's covr atom, beside no folder picture.
        Path single = Files.createDirectories(dir.resolve("music/Single"));
        byte[] png = TaggedAudio.picture("png", 20, 10, Color.GREEN);
        add("e3", "Single", AudioFaults.write(single.resolve("single.m4a"), TaggedAudio.m4a(png, true)));
        HttpResponse<byte[]> m4a = get("/api/tracks/e3/cover", null);
        assertEquals(200, m4a.statusCode());
        assertArrayEquals(png, m4a.body());
        assertEquals("image/png", m4a.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aDamagedPictureFallsBackToTheFolderOrIsAPlain404() throws Exception {
        byte[] noise = AudioFaults.concat(AudioFaults.id3(10, 5000), AudioFaults.mp3(2, 440));
        Path withFolder = Files.createDirectories(dir.resolve("music/Folder"));
        Files.write(withFolder.resolve("folder.png"), folderPng);
        add("d1", "Noise", AudioFaults.write(withFolder.resolve("noise.mp3"), noise));
        Path alone = Files.createDirectories(dir.resolve("music/Alone"));
        Files.writeString(alone.resolve("cover.jpg"), "jpeg?");   // named like a picture, is not one
        add("d2", "Noise", AudioFaults.write(alone.resolve("noise.mp3"), noise));

        HttpResponse<byte[]> r = get("/api/tracks/d1/cover", null);
        assertEquals(200, r.statusCode());
        assertArrayEquals(folderPng, r.body());

        HttpResponse<String> none = t.get("/api/tracks/d2/cover");
        assertEquals(404, none.statusCode());
        assertEquals("no cover picture for Noise: its picture is damaged or not a JPEG or PNG, and no JPEG or PNG named "
                + "cover.jpg, folder.jpg (or the like) beside it", TestServer.json(none).get("error").asText());
        assertEquals(200, t.get("/api/tracks?q=noise").statusCode(), "the library still answers");
        assertEquals(404, t.get("/api/tracks/nope/cover").statusCode());
    }

    private void add(String id, String title, Path file) {
        t.library.add(new Track(id, file, title, "Artist", file.getParent().getFileName().toString(), 2, 0.3, 0.3, "happy", "tags"));
    }

    private HttpResponse<byte[]> get(String path, String ifNoneMatch) throws Exception {
        var b = t.request(path).GET();
        if (ifNoneMatch != null) b.header("If-None-Match", ifNoneMatch);
        return t.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
