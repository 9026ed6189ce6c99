package io.moodbox.vision;

import io.moodbox.camera.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real photographs of {@code ops/real-faces/manifest.tsv} (format in its header): the
 * manifest read, the images found in the cache that {@code ops/fetch-real-faces.sh} fills, and
 * each image put into a camera-sized frame the way the bench and the tests need it.
 */
final class RealFaces {
    static final Path MANIFEST = Path.of("ops/real-faces/manifest.tsv");
    static final Path FETCH = Path.of("ops/fetch-real-faces.sh");

    /** A labelled face, in the original image's pixels. */
    record Face(double x, double y, double w, double h, Set<String> flags, String expression) {
        boolean has(String flag) { return flags.contains(flag); }
        /** Left out of recall and precision: a box on it is neither a hit nor a false box. */
        boolean ignored() { return has("ignore"); }
    }

    record Image(String id, String source, String path, String licence, String sha256, int width, int height,
                 List<Face> faces) {
        String extension() { return path.substring(path.lastIndexOf('.') + 1); }
        Path file() { return cacheDir().resolve(id + "." + extension()); }
    }

    private RealFaces() {}

    /** The cache the fetch script fills: {@code $MOODBOX_REAL_FACES}, else {@code ~/.cache/moodbox/real-faces}. */
    static Path cacheDir() {
        return io.moodbox.testing.RealDataCache.dir("MOODBOX_REAL_FACES", "real-faces");
    }

    static List<Image> read() {
        return read(MANIFEST);
    }

    static List<Image> read(Path manifest) {
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest.toAbsolutePath(), e);
        }
        var images = new ArrayList<Image>();
        List<Face> faces = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            String where = manifest + ":" + (n + 1) + ": ";
            switch (f[0]) {
                case "image" -> {
                    if (f.length != 8) throw new IllegalArgumentException(where + "an image line has 8 columns, this has " + f.length);
                    faces = new ArrayList<>();
                    images.add(new Image(f[1], f[2], f[3], f[4], f[5], Integer.parseInt(f[6]), Integer.parseInt(f[7]), faces));
                }
                case "face" -> {
                    if (faces == null) throw new IllegalArgumentException(where + "a face line before any image line");
                    if (f.length != 4) throw new IllegalArgumentException(where + "a face line has 4 columns, this has " + f.length);
                    String[] b = f[1].split(",");
                    if (b.length != 4) throw new IllegalArgumentException(where + "the box is x,y,w,h, was " + f[1]);
                    var flags = new LinkedHashSet<String>();
                    if (!f[2].equals("-")) flags.addAll(List.of(f[2].split(",")));
                    faces.add(new Face(Double.parseDouble(b[0]), Double.parseDouble(b[1]), Double.parseDouble(b[2]),
                            Double.parseDouble(b[3]), Set.copyOf(flags), f[3].equals("-") ? null : f[3]));
                }
                default -> throw new IllegalArgumentException(where + "a line starts with image or face, this with '" + f[0] + "'");
            }
        }
        return images.stream().map(i -> new Image(i.id(), i.source(), i.path(), i.licence(), i.sha256(), i.width(),
                i.height(), List.copyOf(i.faces()))).toList();
    }

    /**
     * Runs the fetch script (quick when everything is cached); its exit status and its last
     * words, for a test to fail with.
     */
    static Fetched fetch() throws IOException, InterruptedException {
        var pb = new ProcessBuilder("sh", FETCH.toString()).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.MINUTES)) p.destroyForcibly();
        return new Fetched(p.exitValue(), new String(out).strip());
    }

    record Fetched(int status, String output) {}

    /** The image as BGR (alpha and 16 bits dropped, gray made colour). */
    static Mat load(Image image) {
        Mat m = opencv_imgcodecs.imread(image.file().toString(), opencv_imgcodecs.IMREAD_COLOR);
        if (m == null || m.empty()) throw new IllegalStateException("cannot decode " + image.file() + "; run " + FETCH);
        return m;
    }

    /**
     * A picture put into a {@code width}x{@code height} frame as a camera would give it: scaled
     * to fit keeping its aspect (never enlarged when {@code enlarge} is false), centred, black
     * around. A point (x, y) of the picture is (x * scale + dx, y * scale + dy) in the frame.
     */
    record Placed(Frame frame, double scale, double dx, double dy) {
        double[] box(Face f) {
            return new double[]{f.x() * scale + dx, f.y() * scale + dy, f.w() * scale, f.h() * scale};
        }
    }

    static Placed place(Mat bgr, int width, int height, boolean enlarge, long sequence) {
        double scale = Math.min((double) width / bgr.cols(), (double) height / bgr.rows());
        if (!enlarge) scale = Math.min(1, scale);
        int w = Math.max(1, (int) Math.round(bgr.cols() * scale)), h = Math.max(1, (int) Math.round(bgr.rows() * scale));
        int dx = (width - w) / 2, dy = (height - h) / 2;
        var frame = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
        var resized = new Mat();
        opencv_imgproc.resize(bgr, resized, new Size(w, h), 0, 0, scale < 1 ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR);
        resized.copyTo(new Mat(frame, new Rect(dx, dy, w, h)));
        byte[] px = new byte[width * height * 3];
        try (BytePointer data = frame.data()) {
            data.get(px);
        }
        resized.close();
        frame.close();
        return new Placed(new Frame(sequence, System.nanoTime(), width, height, px), (double) w / bgr.cols(), dx, dy);
    }

    /** A crop of {@code bgr} ({@code x, y, w, h} inside it), scaled to fill the frame (it has the frame's aspect). */
    static Frame crop(Mat bgr, int x, int y, int w, int h, boolean mirror, int width, int height, long sequence) {
        var region = new Mat(bgr, new Rect(x, y, w, h));
        var resized = new Mat();
        opencv_imgproc.resize(region, resized, new Size(width, height), 0, 0, opencv_imgproc.INTER_AREA);
        if (mirror) opencv_core.flip(resized, resized, 1);
        byte[] px = new byte[width * height * 3];
        try (BytePointer data = resized.data()) {
            data.get(px);
        }
        resized.close();
        region.close();
        return new Frame(sequence, System.nanoTime(), width, height, px);
    }

    /** Intersection over union of two x, y, w, h boxes. */
    static double iou(double[] a, double[] b) {
        double ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
        double iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
        double inter = ix * iy;
        return inter / (a[2] * a[3] + b[2] * b[3] - inter);
    }
}
