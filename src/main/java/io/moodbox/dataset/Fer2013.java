package io.moodbox.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * FER2013 with FER+ votes, read from the packed {@code fer2013.bin.gz} research file
 * (format: {@code ../shared/datasets/README.md}). Holds all 35,887 faces in memory (about 85 MB).
 *
 * <p>Research data: read it from where it lies, never copy it into the project or a release.
 * Immutable after {@link #load}; safe to share between threads.
 */
public final class Fer2013 {

    /** Environment variable naming the file itself, or the folder that holds it. */
    public static final String ENV = "MOODBOX_FER2013";
    public static final int SIZE = 48;
    public static final int CLASSES = 7;
    /** FER2013 label order, which is also the model's output order. */
    public static final List<String> LABELS =
            List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    /** FER+ vote columns, in {@code fer2013new.csv} order. */
    public static final List<String> FERPLUS_COLUMNS = List.of("neutral", "happiness", "surprise",
            "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF");

    private static final byte[] MAGIC = "FER2013\0".getBytes(StandardCharsets.US_ASCII);
    /** FER+ column -> FER2013 label, or -1 where FER2013 has no such class. */
    private static final int[] FERPLUS_TO_FER = {6, 3, 5, 4, 0, 1, 2, -1, -1, -1};

    /** The original {@code Usage} column. */
    public enum Split { TRAINING, PUBLIC_TEST, PRIVATE_TEST }

    /**
     * One face. {@code pixels} are 48x48 gray, row-major; {@code votes} are the 10 FER+ counts.
     * {@code quality} holds the README's provenance flags (0 = bit-exact original).
     */
    public record Face(int index, Split split, int label, int quality, byte[] pixels, byte[] votes) {
        /** Pixel value 0..255 at (x, y). */
        public int pixel(int x, int y) {
            return pixels[y * SIZE + x] & 0xFF;
        }

        /**
         * FER+ majority over the 7 FER2013 classes, or -1 when the majority is contempt,
         * unknown or not-a-face (or tied between classes).
         */
        public int ferPlusMajority() {
            int best = -1, bestVotes = 0;
            boolean tie = false;
            for (int c = 0; c < votes.length; c++) {
                int v = votes[c];
                if (v > bestVotes) { best = c; bestVotes = v; tie = false; }
                else if (v == bestVotes && v > 0) tie = true;
            }
            return best < 0 || tie ? -1 : FERPLUS_TO_FER[best];
        }

        /** FER+ votes over the 7 FER2013 classes as a distribution, or empty if none fall there. */
        public Optional<float[]> ferPlusDistribution() {
            float[] d = new float[CLASSES];
            float sum = 0;
            for (int c = 0; c < votes.length; c++) {
                int to = FERPLUS_TO_FER[c];
                if (to >= 0) { d[to] += votes[c]; sum += votes[c]; }
            }
            if (sum == 0) return Optional.empty();
            for (int i = 0; i < CLASSES; i++) d[i] /= sum;
            return Optional.of(d);
        }
    }

    private final Path source;
    private final List<Face> faces;

    private Fer2013(Path source, List<Face> faces) {
        this.source = source;
        this.faces = List.copyOf(faces);
    }

    /** Where the file is: {@value #ENV} if set, else {@code shared/datasets} beside this checkout. */
    public static Optional<Path> locate() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            return Optional.of(Files.isDirectory(p) ? p.resolve("fer2013.bin.gz") : p);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; dir != null && up < 5; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/datasets/fer2013.bin.gz");
            if (Files.isRegularFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Loads the file found by {@link #locate()}, or fails saying how to point at it. */
    public static Fer2013 load() throws IOException {
        Path p = locate().orElseThrow(() -> new NoSuchFileException("fer2013.bin.gz",
                null, "FER2013 not found: set " + ENV + " to the file or its folder (e.g. ../shared/datasets)"));
        return load(p);
    }

    /**
     * Loads only the faces of one split (the others are decoded and dropped), so the daemon's demo
     * source and the evaluator hold a few MB instead of the whole set.
     */
    public static Fer2013 load(Split only) throws IOException {
        Path p = locate().orElseThrow(() -> new NoSuchFileException("fer2013.bin.gz",
                null, "FER2013 not found: set " + ENV + " to the file or its folder (e.g. ../shared/datasets)"));
        return load(p, only);
    }

    /** Reads and decodes the whole file. A missing, truncated or foreign file fails with a clear message. */
    public static Fer2013 load(Path file) throws IOException {
        return load(file, null);
    }

    private static Fer2013 load(Path file, Split only) throws IOException {
        if (!Files.isRegularFile(file))
            throw new NoSuchFileException(file.toString(), null, "FER2013 file not found; set " + ENV);
        try (InputStream raw = Files.newInputStream(file)) {
            return read(raw, file, only);
        } catch (ZipException e) {
            throw new IOException(file + " is not a gzip file (" + e.getMessage() + ")", e);
        }
    }

    static Fer2013 read(InputStream raw, Path source, Split only) throws IOException {
        var in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        try {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC))
                throw new IOException(source + " is not a packed FER2013 file (bad magic)");
            int version = in.readUnsignedShort(), w = in.readUnsignedShort(), h = in.readUnsignedShort();
            int flags = in.readUnsignedShort(), n = in.readInt();
            if (version != 1) throw new IOException(source + ": unsupported format version " + version);
            if (w != SIZE || h != SIZE) throw new IOException(source + ": expected 48x48 faces, got " + w + "x" + h);
            if (n <= 0 || n > 1_000_000) throw new IOException(source + ": implausible record count " + n);
            boolean residuals = (flags & 2) != 0, hasVotes = (flags & 1) != 0;
            var faces = new ArrayList<Face>(n);
            byte[] stored = new byte[SIZE * SIZE];
            var splits = Split.values();
            for (int i = 0; i < n; i++) {
                int usage = in.readUnsignedByte(), label = in.readUnsignedByte(), quality = in.readUnsignedByte();
                if (usage > 2 || label >= CLASSES)
                    throw new IOException(source + ": record " + i + " is corrupt (usage " + usage + ", label " + label + ")");
                in.readFully(stored);
                if (only != null && splits[usage] != only) continue;
                byte[] p = residuals ? unpredict(stored) : stored.clone();
                faces.add(new Face(i, splits[usage], label, quality, p, new byte[10]));
            }
            if (hasVotes) {
                byte[] skip = new byte[10];
                int next = 0;
                for (int i = 0; i < n; i++) {
                    boolean kept = next < faces.size() && faces.get(next).index() == i;
                    in.readFully(kept ? faces.get(next++).votes() : skip);
                }
            }
            return new Fer2013(source, faces);
        } catch (EOFException e) {
            throw new IOException(source + " is truncated: it ends before all its records", e);
        }
    }

    /** Undoes the JPEG-LS MED prediction the file applies to every image. */
    private static byte[] unpredict(byte[] res) {
        byte[] p = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int a = x > 0 ? p[y * SIZE + x - 1] & 255 : 0;
                int b = y > 0 ? p[(y - 1) * SIZE + x] & 255 : 0;
                int c = x > 0 && y > 0 ? p[(y - 1) * SIZE + x - 1] & 255 : 0;
                int pred = c >= Math.max(a, b) ? Math.min(a, b) : c <= Math.min(a, b) ? Math.max(a, b) : a + b - c;
                p[y * SIZE + x] = (byte) ((res[y * SIZE + x] + pred) & 255);
            }
        }
        return p;
    }

    public Path source() { return source; }

    public List<Face> all() { return faces; }

    public List<Face> split(Split split) {
        return faces.stream().filter(f -> f.split() == split).toList();
    }
}
