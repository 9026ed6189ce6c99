package io.moodbox.camera;

/**
 * Opens the source a {@link CameraConfig} names. Every kind but {@code none} comes wrapped so
 * that a failing or vanished source is retried with backoff and reported, never thrown: opening
 * never fails, and the first {@code next()} waits for the first frame.
 */
public final class FrameSources {
    private FrameSources() {}

    public static FrameSource open(CameraConfig config) {
        return switch (config.kind()) {
            case NONE -> new NoSource();
            case V4L2 -> retrying(config, true, () -> GrabberSource.v4l2(config));
            case CSI -> retrying(config, true, () -> CsiCamera.open(config));
            case FILE -> retrying(config, false, () -> GrabberSource.file(config));
            case FOLDER -> retrying(config, false, () -> new FolderSource(config));
            case DEMO -> retrying(config, false, () -> new DemoSource(config));
        };
    }

    /**
     * Opens the source directly, without retrying: a missing or broken source throws
     * {@link CameraException} at once. For commands and tests that should fail fast.
     */
    public static FrameSource openDirect(CameraConfig config) {
        return switch (config.kind()) {
            case NONE -> new NoSource();
            case V4L2 -> GrabberSource.v4l2(config);
            case CSI -> CsiCamera.open(config);
            case FILE -> GrabberSource.file(config);
            case FOLDER -> new FolderSource(config);
            case DEMO -> new DemoSource(config);
        };
    }

    private static FrameSource retrying(CameraConfig config, boolean endIsFailure, java.util.function.Supplier<FrameSource> opener) {
        return new RetryingSource(config.describe(), opener, endIsFailure, config.retryMin(), config.retryMax());
    }

    /** Wraps any source (a test fake, say) in the same retry-with-backoff behaviour. */
    public static FrameSource retrying(String name, java.util.function.Supplier<FrameSource> opener, CameraConfig timing) {
        return new RetryingSource(name, opener, true, timing.retryMin(), timing.retryMax());
    }
}
