package io.moodbox.vision;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real-face set ({@code ops/real-faces/manifest.tsv}) is whole: the fetch script brings every
 * image (from its cache in a second, else from npm and Debian: then a few minutes), each file has
 * the manifest's sha256 and size, and every box lies inside its image. A set that cannot be
 * fetched fails here, saying why; it is not skipped.
 */
class RealFacesTest {
    /**
     * What the set holds at least. Issue 22 asks for 150 faces in 30 images; the packages these
     * machines reach gave 107 so far (the bench prints the count); raise these as faces are added.
     */
    static final int MIN_FACES = 150, MIN_FACE_IMAGES = 30, MIN_EMPTY_IMAGES = 10, MIN_EXPRESSIONS = 60;
    static final Set<String> FLAGS = Set.of("profile", "tilted", "dark", "glasses", "occluded", "gray", "cut", "ignore");
    static final Set<String> EXPRESSIONS = Set.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

    static List<RealFaces.Image> images;

    @BeforeAll
    static void fetch() throws Exception {
        var fetched = RealFaces.fetch();
        if (fetched.status() != 0)
            fail("ops/fetch-real-faces.sh could not bring the real-face images (exit " + fetched.status() + "): " + fetched.output());
        images = RealFaces.read();
    }

    @Test
    void holdsEnoughFacesImagesAndEmptyRooms() {
        long faces = images.stream().flatMap(i -> i.faces().stream()).filter(f -> !f.ignored()).count();
        long withFaces = images.stream().filter(i -> i.faces().stream().anyMatch(f -> !f.ignored())).count();
        long empty = images.stream().filter(i -> i.faces().isEmpty()).count();
        long expressions = images.stream().flatMap(i -> i.faces().stream()).filter(f -> f.expression() != null).count();
        assertTrue(faces >= MIN_FACES, "faces: " + faces);
        assertTrue(withFaces >= MIN_FACE_IMAGES, "images with faces: " + withFaces);
        assertTrue(empty >= MIN_EMPTY_IMAGES, "images with no face: " + empty);
        assertTrue(expressions >= MIN_EXPRESSIONS, "faces with an expression: " + expressions);
    }

    @Test
    void everyFileIsTheOneListed() throws Exception {
        var ids = new HashSet<String>();
        for (var image : images) {
            assertTrue(ids.add(image.id()), "two images are called " + image.id());
            assertTrue(image.source().matches("npm:.+@.+|deb:.+=.+"), image.id() + ": source " + image.source());
            assertTrue(!image.licence().isBlank(), image.id() + " names no licence");
            assertEquals(image.sha256(), sha256(image), image.id() + ": sha256 of " + image.file());
            var size = imageSize(image);
            assertEquals(image.width() + "x" + image.height(), size, image.id() + ": size");
        }
    }

    @Test
    void everyBoxLiesInsideItsImageWithKnownFlags() {
        for (var image : images) {
            for (var f : image.faces()) {
                String where = image.id() + " face " + f;
                assertTrue(f.w() >= 8 && f.h() >= 8, where + " is smaller than 8 px");
                assertTrue(f.x() >= 0 && f.y() >= 0 && f.x() + f.w() <= image.width() && f.y() + f.h() <= image.height(),
                        where + " reaches outside the " + image.width() + "x" + image.height() + " image");
                assertTrue(FLAGS.containsAll(f.flags()), where + " has an unknown flag; known: " + FLAGS);
                assertTrue(f.expression() == null || EXPRESSIONS.contains(f.expression()), where + " has an unknown expression");
            }
        }
    }

    static String sha256(RealFaces.Image image) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(image.file())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Width x height from the PNG or JPEG header, without decoding the picture. */
    static String imageSize(RealFaces.Image image) throws IOException {
        byte[] b = Files.readAllBytes(image.file());
        if (b.length > 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
            return be32(b, 16) + "x" + be32(b, 20);
        if (b.length > 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
            int i = 2;
            while (i + 9 < b.length) {
                if ((b[i] & 0xff) != 0xff) { i++; continue; }
                int marker = b[i + 1] & 0xff;
                if (marker == 0xff) { i++; continue; }
                int len = be16(b, i + 2);
                // Start of frame: any SOFn but DHT (c4), JPG (c8) and DAC (cc).
                if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
                    return be16(b, i + 7) + "x" + be16(b, i + 5);
                i += 2 + len;
            }
        }
        return "unknown (neither PNG nor JPEG)";
    }

    private static int be16(byte[] b, int i) { return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff); }

    private static int be32(byte[] b, int i) { return be16(b, i) << 16 | be16(b, i + 2); }
}
