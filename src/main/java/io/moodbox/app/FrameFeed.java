package io.moodbox.app;

import io.moodbox.camera.Frame;

/**
 * The pipeline's view of an open frame source. Opened, read and closed on {@code moodbox-camera}
 * only (native grabbers are not thread-safe).
 */
interface FrameFeed extends AutoCloseable {
    /** Blocks for the next frame; null when a file source has ended. Throws when the source fails. */
    Frame next() throws InterruptedException;

    @Override void close();

    /** Opens a feed; may throw when the device, pipe or file is not there (the pipeline retries). */
    interface Opener {
        FrameFeed open() throws Exception;

        /** What the owner sees as the source: "demo", "/dev/video0", "clip.mp4". */
        String name();
    }
}
