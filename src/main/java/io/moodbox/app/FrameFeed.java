package io.moodbox.app;

import io.moodbox.camera.Frame;
import io.moodbox.camera.FrameSource;
import io.moodbox.camera.SourceStatus;

/**
 * The pipeline's view of an open frame source. Opened, read and closed on {@code moodbox-camera}
 * only (native grabbers are not thread-safe); {@link #status()} may be read from any thread.
 */
interface FrameFeed extends AutoCloseable {
    /** Blocks for the next frame; null when a file source has ended. Throws when the source fails. */
    Frame next() throws InterruptedException;

    /** Hands back a frame's buffer once nothing reads it (see {@link FrameSource#recycle}); any thread. */
    default void recycle(Frame frame) { }

    /** The source's own status where it keeps one (a retrying camera does); null: the pipeline tracks it. */
    default SourceStatus status() { return null; }

    @Override void close();

    /** Opens a feed; may throw when the device, pipe or file is not there (the pipeline retries). */
    interface Opener {
        FrameFeed open() throws Exception;

        /** What the owner sees as the source: "demo", "/dev/video0", "clip.mp4". */
        String name();
    }

    /** A camera-package {@link FrameSource} as a feed. */
    static FrameFeed of(FrameSource source) {
        return new FrameFeed() {
            @Override public Frame next() throws InterruptedException { return source.next().orElse(null); }

            @Override public void recycle(Frame frame) { source.recycle(frame); }

            @Override public SourceStatus status() { return source.status(); }

            @Override public void close() { source.close(); }
        };
    }
}
