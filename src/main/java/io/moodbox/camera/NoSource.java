package io.moodbox.camera;

import java.util.Optional;

/** camera.source=none: never delivers a frame, reports NO_CAMERA, waits until interrupted. */
final class NoSource implements FrameSource {
    private final StatusBoard status = new StatusBoard("none");

    NoSource() {
        status.set(SourceStatus.State.NO_CAMERA, "no camera configured (camera.source=none)");
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        while (true) Thread.sleep(60_000);
    }

    @Override
    public SourceStatus status() { return status.get(); }

    @Override
    public void close() {}
}
