package io.moodbox.camera;

import java.util.Optional;

/**
 * Where frames come from: a webcam, the Pi's CSI camera, a video file, a folder of images or
 * generated demo scenes. {@link #next()} blocks on the one reading thread ({@code moodbox-camera});
 * {@link #status()} may be read from any thread. Open one with {@link FrameSources#open}.
 */
public interface FrameSource extends AutoCloseable {

    /**
     * Blocks until the next frame is ready. Empty when the source has ended (a file or folder
     * that does not loop). Throws {@link CameraException} when the source fails; the retrying
     * wrapper that {@link FrameSources#open} returns for live cameras never does, it waits.
     */
    Optional<Frame> next() throws InterruptedException;

    /**
     * Hands back a frame this source returned, once nothing reads its pixels any more, so the
     * source may fill the buffer again instead of allocating one. Optional for callers (an
     * unreturned frame is simply collected); may be called from any thread, even after close.
     */
    default void recycle(Frame frame) { }

    /** What the source is doing now. Thread-safe. */
    SourceStatus status();

    /** Releases the device, child process or native buffers. Call after the reading thread stopped. */
    @Override void close();
}
