package io.moodbox.camera;

import io.moodbox.dataset.Fer2013;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Composes test and demo scenes: FER2013 faces (upscaled to 48..200 px, several at once, at
 * random places) on a generated room background, with their ground-truth boxes and labels.
 * Time is cut into segments of {@code segmentSeconds}; each segment has a "room" expression that
 * most faces show, a new layout and new faces, so expressions change over time. Everything is a
 * pure function of the seed and the frame index, so a video written by {@link #writeVideo} can be
 * scored against {@link #scene} of the same index. Pure Java; safe to use from one thread.
 *
 * <p>FER2013 is research data: scenes live in memory or in files under {@code target/}, never in
 * the repository.
 */
public final class SceneGenerator {
    private static final Logger log = LoggerFactory.getLogger(SceneGenerator.class);
    private static final int FER = Fer2013.SIZE;

    static {
        // FFmpeg prints stream dumps and option notes on stderr by default; keep only real errors.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }
    /** Skin tint offsets for B, G, R, times the headroom min(g, 255 - g). */
    /** Width of the mirrored, fading surround of a pasted face, as a share of its side. */
    static final double CONTEXT = 0.25;
    private static final double[] TINT = {-0.12, -(0.299 * 0.12 - 0.114 * 0.12) / 0.587, 0.12};

    /**
     * How scenes are made. Faces are squares {@code minFacePx..maxFacePx} on a side (log-uniform);
     * {@code roomShare} of them show the segment's room expression, the rest a random one.
     */
    public record Options(int width, int height, int minFaces, int maxFaces, int minFacePx, int maxFacePx,
                          double segmentSeconds, double fps, double roomShare, long seed) {
        public Options {
            if (width < 96 || height < 96) throw new IllegalArgumentException("scene must be at least 96x96");
            if (minFaces < 0 || maxFaces < minFaces) throw new IllegalArgumentException("need 0 <= minFaces <= maxFaces");
            if (minFacePx < 8 || maxFacePx < minFacePx || maxFacePx > Math.min(width, height))
                throw new IllegalArgumentException("face sizes must be 8..frame height, min <= max");
            if (segmentSeconds <= 0 || fps <= 0) throw new IllegalArgumentException("segmentSeconds and fps must be > 0");
        }

        /** 640x480 at 15 fps, 1..4 faces of 48..200 px, a new expression every 3 s. */
        public static Options defaults(long seed) {
            return new Options(640, 480, 1, 4, 48, 200, 3.0, 15, 0.8, seed);
        }

        public Options withFaces(int min, int max) {
            return new Options(width, height, min, max, minFacePx, maxFacePx, segmentSeconds, fps, roomShare, seed);
        }

        public Options withSizes(int minPx, int maxPx) {
            return new Options(width, height, minFaces, maxFaces, minPx, maxPx, segmentSeconds, fps, roomShare, seed);
        }

        public Options withTiming(double segmentSeconds, double fps) {
            return new Options(width, height, minFaces, maxFaces, minFacePx, maxFacePx, segmentSeconds, fps, roomShare, seed);
        }
    }

    /** A face placed in a scene: its square box in frame pixels and its FER2013 label (0..6) and record index. */
    public record TruthFace(int x, int y, int size, int label, int ferIndex) {
        /** Intersection over union with another box. */
        public double iou(int bx, int by, int bw, int bh) {
            int ix = Math.max(0, Math.min(x + size, bx + bw) - Math.max(x, bx));
            int iy = Math.max(0, Math.min(y + size, by + bh) - Math.max(y, by));
            double inter = (double) ix * iy;
            return inter / ((double) size * size + (double) bw * bh - inter);
        }
    }

    /** One composed frame with what is in it; {@code roomLabel} is the segment's expression. */
    public record Scene(Frame frame, List<TruthFace> faces, int segment, int roomLabel) {}

    private final Options o;
    private final List<Fer2013.Face> faces;
    private final List<List<Fer2013.Face>> byLabel = new ArrayList<>();
    private final Map<Integer, Fer2013.Face> byIndex = new HashMap<>();
    private final long framesPerSegment;
    private int[] roomLabels = new int[0];
    private int cachedSegment = -1;
    private byte[] cachedFrame;
    private List<TruthFace> cachedLayout;

    /** {@code faces} are usually {@link Fer2013.Split#PRIVATE_TEST}: faces the model never trained on. */
    public SceneGenerator(List<Fer2013.Face> faces, Options options) {
        if (faces.isEmpty()) throw new IllegalArgumentException("no faces to place");
        this.o = options;
        this.faces = List.copyOf(faces);
        for (int c = 0; c < Fer2013.CLASSES; c++) byLabel.add(new ArrayList<>());
        for (Fer2013.Face f : this.faces) {
            byLabel.get(f.label()).add(f);
            byIndex.put(f.index(), f);
        }
        this.framesPerSegment = Math.max(1, Math.round(options.segmentSeconds() * options.fps()));
    }

    /** Loads FER2013 (found as {@link Fer2013#locate()} says) and keeps its PrivateTest faces. */
    public static SceneGenerator privateTest(Options options) throws IOException {
        return new SceneGenerator(Fer2013.load(Fer2013.Split.PRIVATE_TEST).all(), options);
    }

    public Options options() { return o; }

    public long framesPerSegment() { return framesPerSegment; }

    public int segmentOf(long frameIndex) { return (int) (frameIndex / framesPerSegment); }

    /** The expression most faces show in a segment; never the same as the segment before. */
    public synchronized int roomLabel(int segment) {
        if (segment >= roomLabels.length) {
            int[] grown = Arrays.copyOf(roomLabels, Math.max(segment + 1, roomLabels.length * 2));
            for (int k = roomLabels.length; k < grown.length; k++) {
                var rng = rng(k, 0x5EED);
                grown[k] = k == 0 ? rng.nextInt(Fer2013.CLASSES) : (grown[k - 1] + 1 + rng.nextInt(Fer2013.CLASSES - 1)) % Fer2013.CLASSES;
            }
            roomLabels = grown;
        }
        return roomLabels[segment];
    }

    /** The faces of a segment: sizes, places, labels. Deterministic. */
    public List<TruthFace> layout(int segment) {
        var rng = rng(segment, 0xFACE);
        int n = o.minFaces() + rng.nextInt(o.maxFaces() - o.minFaces() + 1);
        int room = roomLabel(segment);
        var placed = new ArrayList<TruthFace>();
        double logMin = Math.log(o.minFacePx()), logMax = Math.log(o.maxFacePx());
        for (int i = 0; i < n; i++) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int s = (int) Math.round(Math.exp(logMin + rng.nextDouble() * (logMax - logMin)));
                int x = rng.nextInt(o.width() - s + 1), y = rng.nextInt(o.height() - s + 1);
                if (overlaps(placed, x, y, s)) continue;
                int label = rng.nextDouble() < o.roomShare() ? room : rng.nextInt(Fer2013.CLASSES);
                List<Fer2013.Face> pool = byLabel.get(label).isEmpty() ? faces : byLabel.get(label);
                Fer2013.Face f = pool.get(rng.nextInt(pool.size()));
                placed.add(new TruthFace(x, y, s, f.label(), f.index()));
                break;
            }
        }
        return List.copyOf(placed);
    }

    /** Faces keep a gap of a quarter of the larger one, as people in a room do. */
    private static boolean overlaps(List<TruthFace> placed, int x, int y, int s) {
        for (TruthFace t : placed) {
            int gap = Math.max(s, t.size()) / 4;
            if (x < t.x() + t.size() + gap && t.x() < x + s + gap && y < t.y() + t.size() + gap && t.y() < y + s + gap)
                return true;
        }
        return false;
    }

    /** The scene at a frame index. Frames within one segment are identical. */
    public synchronized Scene scene(long frameIndex) {
        int segment = renderSegment(frameIndex);
        return new Scene(new Frame(frameIndex, nanosOf(frameIndex), o.width(), o.height(), cachedFrame.clone()),
                cachedLayout, segment, roomLabel(segment));
    }

    /** The frame at a frame index, drawn into {@code into} (width x height x 3 bytes) instead of a new array. */
    public synchronized Frame frame(long frameIndex, byte[] into) {
        if (into.length != frameBytes())
            throw new IllegalArgumentException("frame buffer holds " + into.length + " bytes, not " + frameBytes());
        renderSegment(frameIndex);
        System.arraycopy(cachedFrame, 0, into, 0, into.length);
        return new Frame(frameIndex, nanosOf(frameIndex), o.width(), o.height(), into);
    }

    private int frameBytes() { return o.width() * o.height() * 3; }

    private long nanosOf(long frameIndex) { return (long) (frameIndex * 1e9 / o.fps()); }

    private int renderSegment(long frameIndex) {
        int segment = segmentOf(frameIndex);
        if (segment != cachedSegment) {
            cachedLayout = layout(segment);
            cachedFrame = render(segment, cachedLayout, cachedFrame);
            cachedSegment = segment;
        }
        return segment;
    }

    /**
     * Draws a segment into {@code reuse} when there is one. The segment's frame lives for seconds,
     * long enough for the serial collector to promote it; a fresh one per segment would pile up
     * in the old generation (about 14 MB a minute for the demo source) until a full collection.
     */
    private byte[] render(int segment, List<TruthFace> layout, byte[] reuse) {
        byte[] bgr = reuse != null && reuse.length == o.width() * o.height() * 3 ? reuse : new byte[o.width() * o.height() * 3];
        background(segment, bgr);
        for (TruthFace t : layout) paste(bgr, byIndex.get(t.ferIndex()), t);
        return bgr;
    }

    /** A plausible room: a shaded wall, a floor, furniture and pictures, a window, mild noise. */
    private void background(int segment, byte[] img) {
        var rng = rng(segment, 0xB6);
        int w = o.width(), h = o.height();
        int[] wall = {60 + rng.nextInt(150), 60 + rng.nextInt(150), 60 + rng.nextInt(150)};
        int[] floor = {30 + rng.nextInt(100), 40 + rng.nextInt(100), 50 + rng.nextInt(120)};
        int horizon = h * 2 / 3 + rng.nextInt(h / 4);
        for (int y = 0; y < h; y++) {
            double shade = 0.75 + 0.35 * y / h;
            int[] c = y < horizon ? wall : floor;
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                double light = shade * (0.85 + 0.3 * x / w);
                for (int k = 0; k < 3; k++) img[i + k] = (byte) clamp(c[k] * light);
            }
        }
        int things = 3 + rng.nextInt(6);
        for (int n = 0; n < things; n++) {
            int rw = 20 + rng.nextInt(w / 3), rh = 20 + rng.nextInt(h / 3);
            int rx = rng.nextInt(w - rw), ry = rng.nextInt(h - rh);
            boolean window = n == 0 && rng.nextBoolean();
            int[] c = window ? new int[]{230, 235, 240} : new int[]{rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)};
            for (int y = ry; y < ry + rh; y++)
                for (int x = rx; x < rx + rw; x++) {
                    int i = (y * w + x) * 3;
                    boolean edge = x - rx < 3 || rx + rw - x <= 3 || y - ry < 3 || ry + rh - y <= 3;
                    for (int k = 0; k < 3; k++) img[i + k] = (byte) clamp(edge ? c[k] * 0.5 : c[k]);
                }
        }
        for (int i = 0; i < img.length; i++) img[i] = (byte) clamp((img[i] & 255) + rng.nextInt(7) - 3);
    }

    /**
     * Pastes a FER face upscaled (bilinear, pixel-centre aligned like OpenCV) to its box, tinted
     * slightly towards skin while keeping its luminance. A real face is not a square floating on
     * a wall: it continues into hair, ears and neck, which detectors rely on. So the face is
     * extended by mirroring its own edges over a ring of {@link #CONTEXT} of its side that fades
     * into the room. Inside the box the pixels are the FER face alone.
     */
    private void paste(byte[] bgr, Fer2013.Face face, TruthFace t) {
        int w = o.width(), h = o.height(), s = t.size();
        int ring = (int) Math.round(s * CONTEXT);
        double scale = (double) FER / s;
        for (int j = -ring; j < s + ring; j++) {
            int fy = t.y() + j;
            if (fy < 0 || fy >= h) continue;
            double dy = j < 0 ? -j : j >= s ? j - s + 1 : 0;
            double v = mirror((j + 0.5) * scale - 0.5);
            for (int i = -ring; i < s + ring; i++) {
                int fx = t.x() + i;
                if (fx < 0 || fx >= w) continue;
                double dx = i < 0 ? -i : i >= s ? i - s + 1 : 0;
                double d = Math.hypot(dx, dy);
                if (d >= ring && d > 0) continue;
                double a = d == 0 ? 1 : 0.5 * (1 + Math.cos(Math.PI * d / ring));
                double g = bilinear(face, mirror((i + 0.5) * scale - 0.5), v);
                int p = (fy * w + fx) * 3;
                // Skin tint that keeps luminance (0.114 dB + 0.587 dG + 0.299 dR = 0) and never clips.
                double m = Math.min(g, 255 - g);
                for (int k = 0; k < 3; k++) {
                    double back = bgr[p + k] & 255;
                    bgr[p + k] = (byte) clamp(a * (g + TINT[k] * m) + (1 - a) * back);
                }
            }
        }
    }

    /** Reflects a FER coordinate about the image's outer pixel edges (-0.5 and 47.5). */
    private static double mirror(double u) {
        if (u < -0.5) return Math.min(FER - 1, -1 - u);
        if (u > FER - 0.5) return Math.max(0, 2 * FER - 1 - u);
        return u;
    }

    private static double bilinear(Fer2013.Face face, double u, double v) {
        int x0 = (int) Math.floor(u), y0 = (int) Math.floor(v);
        double fx = u - x0, fy = v - y0;
        return (1 - fy) * ((1 - fx) * px(face, x0, y0) + fx * px(face, x0 + 1, y0))
                + fy * ((1 - fx) * px(face, x0, y0 + 1) + fx * px(face, x0 + 1, y0 + 1));
    }

    private static int px(Fer2013.Face f, int x, int y) {
        return f.pixel(Math.max(0, Math.min(FER - 1, x)), Math.max(0, Math.min(FER - 1, y)));
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private SplittableRandom rng(long segment, long salt) {
        return new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + segment * 0xBF58476D1CE4E5B9L + salt);
    }

    /**
     * Writes frames {@code 0..frames-1} as a video (MPEG-4 part 2 at high quality in an .mp4,
     * at {@code fps}), atomically. Frame {@code i} of the file shows {@link #scene}{@code (i)}.
     */
    public void writeVideo(Path file, long frames) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".scenes", ".mp4");
        try (var rec = new FFmpegFrameRecorder(tmp.toFile(), o.width(), o.height(), 0)) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(o.fps());
            rec.setVideoQuality(2); // qscale 2: artefacts far below what FER's own JPEG history holds
            rec.setGopSize((int) Math.max(1, framesPerSegment));
            rec.start();
            try (var jf = new org.bytedeco.javacv.Frame(o.width(), o.height(), org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3)) {
                ByteBuffer buf = (ByteBuffer) jf.image[0];
                int row = o.width() * 3;
                for (long i = 0; i < frames; i++) {
                    byte[] bgr = scene(i).frame().bgr();
                    for (int y = 0; y < o.height(); y++) buf.put(y * jf.imageStride, bgr, y * row, row);
                    rec.record(jf, avutil.AV_PIX_FMT_BGR24);
                }
            }
            rec.stop();
        } catch (FrameRecorder.Exception e) {
            Files.deleteIfExists(tmp);
            throw new IOException("could not write " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info("Wrote {} scene frames ({} s) to {}", frames, String.format("%.1f", frames / o.fps()), file);
    }
}
