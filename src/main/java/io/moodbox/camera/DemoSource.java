package io.moodbox.camera;

import io.moodbox.dataset.Fer2013;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * camera.source=demo: scenes composed live from FER2013 PrivateTest faces whose expressions
 * change every few seconds, paced at the configured fps. Only where the dataset is present
 * (found as {@link Fer2013#locate()} says); nothing is written anywhere.
 */
final class DemoSource implements FrameSource {
    private final SceneGenerator scenes;
    private final Pacer pacer;
    private final StatusBoard status;
    private final FramePool pool = new FramePool(4);
    private final int width, height;
    private long index;

    DemoSource(CameraConfig config) {
        if (Fer2013.locate().isEmpty())
            throw new NoCameraException("demo scenes need FER2013 (../shared/datasets/fer2013.bin.gz or $" + Fer2013.ENV + ")");
        var opts = new SceneGenerator.Options(config.width(), config.height(), 1, 4,
                Math.max(48, config.height() / 10), Math.max(48, Math.min(200, config.height() * 5 / 12)),
                4.0, config.fps(), 0.8, System.nanoTime());
        try {
            // A demo needs variety, not all 3,589 test faces: every fourth (about 900, every
            // expression) keeps 2 MB of faces on the heap instead of 8 for as long as the box runs.
            List<Fer2013.Face> all = Fer2013.load(Fer2013.Split.PRIVATE_TEST).all();
            List<Fer2013.Face> some = IntStream.range(0, all.size()).filter(i -> i % 4 == 0).mapToObj(all::get).toList();
            this.scenes = new SceneGenerator(some, opts);
        } catch (IOException e) {
            throw new CameraException("demo scenes: " + e.getMessage(), e);
        }
        this.width = config.width();
        this.height = config.height();
        this.pacer = new Pacer(config.realtime() ? config.fps() : 0);
        this.status = new StatusBoard(config.describe());
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        pacer.await();
        Frame f = scenes.frame(index++, pool.take(width * height * 3));
        long now = System.nanoTime();
        status.frame(now);
        return Optional.of(new Frame(f.sequence(), now, f.width(), f.height(), f.bgr()));
    }

    @Override
    public void recycle(Frame frame) { pool.give(frame.bgr()); }

    @Override
    public SourceStatus status() { return status.get(); }

    @Override
    public void close() {}
}
