package io.moodbox.camera;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Plays the images of a folder in name order, decoded by OpenCV; each keeps its own size.
 * A file that does not decode is logged and skipped, never fatal.
 */
final class FolderSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(FolderSource.class);
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm");

    private final List<Path> images;
    private final boolean loop;
    private final Pacer pacer;
    private final StatusBoard status;
    private int index;
    private long sequence;

    FolderSource(CameraConfig config) {
        Path dir = Path.of(config.device());
        if (!Files.isDirectory(dir)) throw new NoCameraException("image folder " + dir + " not found");
        this.images = list(dir);
        if (images.isEmpty()) throw new NoCameraException("image folder " + dir + " holds no images (" + String.join(" ", EXTENSIONS) + ")");
        this.loop = config.loop();
        this.pacer = new Pacer(config.realtime() ? config.fps() : 0);
        this.status = new StatusBoard(config.describe());
        log.info("Playing {} images from {}{}", images.size(), dir, loop ? ", looping" : "");
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.stream().anyMatch(p.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new CameraException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        for (int tries = 0; tries < images.size(); tries++) {
            if (index >= images.size()) {
                if (!loop) {
                    status.set(SourceStatus.State.ENDED, "played " + images.size() + " images");
                    return Optional.empty();
                }
                index = 0;
            }
            Path p = images.get(index++);
            Optional<Frame> f = read(p, sequence);
            if (f.isPresent()) {
                pacer.await();
                sequence++;
                status.frame(f.get().nanos());
                return f;
            }
        }
        throw new CameraException("no image in the folder decodes any more");
    }

    /** Decodes one image file to a BGR frame, or empty (logged) if it is not a readable image. */
    static Optional<Frame> read(Path p, long sequence) {
        try (var scope = new PointerScope()) {
            Mat m = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_COLOR);
            if (m.empty()) {
                log.warn("Skipping {}: not a readable image", p);
                return Optional.empty();
            }
            if (m.channels() == 1) opencv_imgproc.cvtColor(m, m, opencv_imgproc.COLOR_GRAY2BGR);
            Mat c = m.isContinuous() ? m : m.clone();
            byte[] bgr = new byte[c.cols() * c.rows() * 3];
            c.data().get(bgr);
            return Optional.of(new Frame(sequence, System.nanoTime(), c.cols(), c.rows(), bgr));
        }
    }

    @Override
    public SourceStatus status() { return status.get(); }

    @Override
    public void close() {}
}
