package io.moodbox.testing;

import io.moodbox.camera.CameraException;
import io.moodbox.camera.Frame;
import io.moodbox.camera.FrameSource;
import io.moodbox.camera.SourceStatus;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted camera for tests: plays the given frames (or decoded image files) in order, then
 * loops or ends. {@link #failAfter} makes it throw {@link CameraException} after a number of
 * frames, as an unplugged webcam would. Counts how often it was closed.
 */
public final class FakeCamera implements FrameSource {
    private final List<Frame> frames;
    private final boolean loop;
    private final AtomicInteger closed = new AtomicInteger();
    private int failAfter = -1;
    private int index;
    private long sequence;
    private volatile SourceStatus status = new SourceStatus(SourceStatus.State.STARTING, "fake", "", 0, Instant.now());

    public FakeCamera(List<Frame> frames, boolean loop) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames");
        this.frames = List.copyOf(frames);
        this.loop = loop;
    }

    /** Plays JPEG/PNG files (decoded once, up front). */
    public static FakeCamera ofImages(List<Path> images, boolean loop) {
        var frames = new ArrayList<Frame>();
        for (Path p : images) {
            try (var scope = new PointerScope()) {
                Mat m = opencv_imgcodecs.imread(p.toString(), opencv_imgcodecs.IMREAD_COLOR);
                if (m.empty()) throw new IllegalArgumentException(p + " is not a readable image");
                byte[] bgr = new byte[m.cols() * m.rows() * 3];
                m.data().get(bgr);
                frames.add(new Frame(frames.size(), 0, m.cols(), m.rows(), bgr));
            }
        }
        return new FakeCamera(frames, loop);
    }

    /** After {@code n} more frames, {@link #next} throws as a vanished camera does. */
    public FakeCamera failAfter(int n) {
        this.failAfter = n;
        return this;
    }

    public int closedCount() { return closed.get(); }

    @Override
    public Optional<Frame> next() {
        if (failAfter == 0) {
            status = new SourceStatus(SourceStatus.State.RETRYING, "fake", "unplugged", 0, Instant.now());
            throw new CameraException("fake camera unplugged");
        }
        if (failAfter > 0) failAfter--;
        if (index >= frames.size()) {
            if (!loop) {
                status = new SourceStatus(SourceStatus.State.ENDED, "fake", "end", 0, Instant.now());
                return Optional.empty();
            }
            index = 0;
        }
        Frame f = frames.get(index++);
        status = new SourceStatus(SourceStatus.State.LIVE, "fake", "", 0, status.since());
        return Optional.of(new Frame(sequence++, System.nanoTime(), f.width(), f.height(), f.bgr()));
    }

    @Override
    public SourceStatus status() { return status; }

    @Override
    public void close() { closed.incrementAndGet(); }
}
