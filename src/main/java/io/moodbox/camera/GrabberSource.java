package io.moodbox.camera;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Frames through FFmpeg: a V4L2 webcam, a video file, or an MJPEG stream on a pipe (the CSI
 * camera's {@code rpicam-vid}). FFmpeg converts to BGR into the grabber's own reused buffer,
 * which is copied out, so no native memory is allocated per frame.
 */
final class GrabberSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(GrabberSource.class);

    static {
        // FFmpeg prints stream dumps on stderr by default; the journal wants only real errors.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final FFmpegFrameGrabber grabber;
    private final StatusBoard status;
    private final boolean loop;
    private final Pacer pacer;
    private final Runnable onClose;
    private final FramePool pool = new FramePool(4);   // in flight: being filled, waiting, analysed, previewed
    private long sequence;
    private boolean ended;

    private GrabberSource(FFmpegFrameGrabber grabber, String name, boolean loop, double paceFps, Runnable onClose) {
        this.grabber = grabber;
        this.status = new StatusBoard(name);
        this.loop = loop;
        this.pacer = new Pacer(paceFps);
        this.onClose = onClose;
    }

    /** A video file, at its own frame rate when {@code realtime}, else as fast as it decodes. */
    static GrabberSource file(CameraConfig config) {
        Path path = Path.of(config.device());
        if (!Files.isRegularFile(path)) throw new NoCameraException("video file " + path + " not found");
        var g = new FFmpegFrameGrabber(path.toFile());
        start(g, "video file " + path);
        double rate = g.getFrameRate() > 0 && g.getFrameRate() < 240 ? g.getFrameRate() : config.fps();
        log.info("Playing {} ({}x{} at {} fps{})", path, g.getImageWidth(), g.getImageHeight(),
                String.format("%.1f", rate), config.loop() ? ", looping" : "");
        return new GrabberSource(g, config.describe(), config.loop(), config.realtime() ? rate : 0, () -> {});
    }

    /** A V4L2 webcam at the configured size and rate. */
    static GrabberSource v4l2(CameraConfig config) {
        Path dev = Path.of(config.device());
        if (!Files.exists(dev)) throw new NoCameraException(dev + " not found (is the webcam plugged in?)");
        var g = new FFmpegFrameGrabber(dev.toString());
        g.setFormat("video4linux2");
        g.setImageWidth(config.width());
        g.setImageHeight(config.height());
        g.setFrameRate(config.fps());
        start(g, "webcam " + dev);
        log.info("Starting camera {} {}x{}@{}fps", dev, g.getImageWidth(), g.getImageHeight(), config.fps());
        return new GrabberSource(g, config.describe(), false, 0, () -> {});
    }

    /** An MJPEG (or any FFmpeg-probeable) stream; {@code onClose} ends whatever writes it. */
    static GrabberSource stream(InputStream in, String format, String name, Runnable onClose) {
        var g = new FFmpegFrameGrabber(in, 0);
        if (format != null) g.setFormat(format);
        try {
            start(g, name);
        } catch (CameraException e) {
            onClose.run();
            throw e;
        }
        return new GrabberSource(g, name, false, 0, onClose);
    }

    private static void start(FFmpegFrameGrabber g, String what) {
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        // One decoding thread: a 640x480 frame decodes in a few ms, while FFmpeg's default frame
        // threads (one per core) each hold frames of their own and add a frame of latency each.
        g.setVideoOption("threads", "1");
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try { g.release(); } catch (FrameGrabber.Exception | RuntimeException ignored) { /* already failing */ }
            throw new CameraException("could not open " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        if (ended) return Optional.empty();
        pacer.await();
        try {
            org.bytedeco.javacv.Frame f = grabber.grabImage();
            if (f == null && loop && sequence > 0) {
                grabber.setTimestamp(0L);
                f = grabber.grabImage();
            }
            if (f == null) {
                ended = true;
                status.set(SourceStatus.State.ENDED, "end of stream after " + sequence + " frames");
                return Optional.empty();
            }
            long now = System.nanoTime();
            Frame frame = new Frame(sequence++, now, f.imageWidth, f.imageHeight, copyBgr(f, pool.take(f.imageWidth * f.imageHeight * 3)));
            status.frame(now);
            return Optional.of(frame);
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CameraException("reading " + status.get().source() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void recycle(Frame frame) { pool.give(frame.bgr()); }

    /** Copies a packed BGR24 JavaCV frame, honouring its row stride, into {@code out} (exactly width x height x 3 bytes). */
    static byte[] copyBgr(org.bytedeco.javacv.Frame f, byte[] out) {
        if (f.imageChannels != 3 || f.imageDepth != org.bytedeco.javacv.Frame.DEPTH_UBYTE)
            throw new CameraException("expected 8-bit BGR frames, got " + f.imageChannels + " channels depth " + f.imageDepth);
        ByteBuffer buf = (ByteBuffer) f.image[0];
        int row = f.imageWidth * 3;
        if (f.imageStride == row) {
            buf.get(0, out, 0, out.length);
        } else {
            for (int y = 0; y < f.imageHeight; y++) buf.get(y * f.imageStride, out, y * row, row);
        }
        return out;
    }

    @Override
    public SourceStatus status() { return status.get(); }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            log.warn("Closing {} failed", status.get().source(), e);
        } finally {
            onClose.run();
        }
    }
}
