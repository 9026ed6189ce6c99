package io.moodbox.vision;

import io.moodbox.camera.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * Frame -> gray -> faces -> prepared crops, detecting then tracking as MediaPipe's face graphs
 * do: the whole frame is searched only on one frame in {@link VisionConfig#fullSearchEvery()};
 * on the frames between, each known face is looked for only in a region around its last box
 * ({@link #MARGIN}), where the detector tries just that face's size. A known face that is not
 * found there, or a picture that changed ({@link ChangeMeter}: a new scene, a person stepping in,
 * the light), brings the full search forward to that very frame, so nothing waits for the next
 * turn but a new face that barely changes the picture (at most {@code fullSearchEvery} frames).
 * Faces keep their track number while followed. A face the region search cannot see although the
 * full search can (the cascade is sensitive to scale) is kept where it was while its region holds
 * still, and confirmed by each full search, rather than forcing a full search on every frame.
 * Holds the frame's native buffers as long-lived fields (reallocated only when the frame size
 * changes) so that a frame allocates no native memory; freed in {@link #close}.
 */
final class StagedFaceFinder implements FaceFinder {
    /**
     * The region searched around a known face: its box grown by this share of its side on every
     * side. A face may move this far between two frames (0.3 of a 48 px face at 15 fps: 200 px/s);
     * further, it is lost and the full search finds it. The region's area is the search's cost.
     */
    static final double MARGIN = 0.3;
    /** A full search at once when more than this share of the picture (outside the known faces) changed. */
    static final double CHANGE_SHARE = 0.03;

    /** Share of a blind face's region that may change before it is searched for again. */
    static final double BLIND_CHANGE_SHARE = 0.25;

    /**
     * A face being followed: its number and its box in the latest frame. {@code blind}: its
     * region search cannot see it, so only full searches confirm it.
     */
    record Track(long id, Box box, boolean blind) {}

    private final FaceDetector detector;
    private final FacePreparer preparer;
    private final VisionConfig config;
    private final ChangeMeter change = new ChangeMeter();
    private final Mat bgr = new Mat(), gray = new Mat();
    private BytePointer bgrData;
    private Timings last = new Timings(0, 0, false);
    private List<Track> tracks = List.of();
    private long nextId = 1;
    private int sinceFull;

    StagedFaceFinder(FaceDetector detector, FacePreparer preparer, VisionConfig config) {
        this.detector = detector;
        this.preparer = preparer;
        this.config = config;
        this.sinceFull = config.fullSearchEvery();
    }

    String detectorName() { return detector.name(); }

    @Override
    public List<FaceCrop> find(Frame frame) {
        long t0 = System.nanoTime();
        load(frame);
        List<Box> regions = new ArrayList<>(tracks.size());
        for (Track t : tracks) regions.add(region(t.box()));
        // A changed picture (a new scene, someone stepping in) is searched in full at once; faces
        // found where known ones were keep their numbers.
        boolean changed = change.update(gray, regions) > CHANGE_SHARE;
        boolean full = changed || ++sinceFull >= config.fullSearchEvery();

        List<Track> next = new ArrayList<>(tracks.size() + 2);
        List<Track> lost = new ArrayList<>(), missed = new ArrayList<>();
        for (Track t : tracks) {
            if (changed) {
                lost.add(t);
            } else if (t.blind()) {
                // Only the full search sees this face: it stays where it was while its region holds
                // still, and must be found again by every full search.
                if (full || change.changedIn(region(t.box())) > BLIND_CHANGE_SHARE) lost.add(t);
                else next.add(t);
            } else {
                Box b = near(t.box());
                if (b == null || overlapsAny(b, next)) missed.add(t);
                else next.add(new Track(t.id(), b, false));
            }
        }
        if (!lost.isEmpty() || !missed.isEmpty()) full = true;
        if (full) {
            // Faces only the full search sees are confirmed by it or dropped.
            for (var it = next.iterator(); it.hasNext(); ) {
                Track t = it.next();
                if (t.blind()) {
                    lost.add(t);
                    it.remove();
                }
            }
            sinceFull = 0;
            var confirmed = new HashSet<Long>();
            for (Box b : usable(detector.detect(bgr, gray))) {
                int followed = indexOfSameFace(b, next);
                if (followed >= 0) {
                    // A face followed already: the full search's box is the one the crop is calibrated
                    // on, and taking it now and then keeps the region search's box from drifting. A
                    // second box of this search on the same face (a detector lists its better box first) changes nothing.
                    Track t = next.get(followed);
                    if (confirmed.add(t.id())) next.set(followed, new Track(t.id(), b, t.blind()));
                    continue;
                }
                Track old = takeSameFace(b, lost);
                // A face its own region search just missed, yet the full search finds: the detector
                // sees it only at the full search's scales, so it is followed by full searches alone
                // rather than bringing on a full search every frame.
                Track missedOne = old == null ? takeSameFace(b, missed) : null;
                boolean blind = missedOne != null || (old != null && old.blind());
                if (missedOne != null) old = missedOne;
                Track t = new Track(old != null ? old.id() : nextId++, b, blind);
                confirmed.add(t.id());
                next.add(t);
            }
        }
        next.removeIf(t -> !usable(t.box()));
        next.sort(Comparator.comparingDouble((Track t) -> t.box().w() * t.box().h()).reversed());
        if (next.size() > config.maxFaces()) next = next.subList(0, config.maxFaces());
        tracks = List.copyOf(next);

        long t1 = System.nanoTime();
        var crops = new ArrayList<FaceCrop>(tracks.size());
        for (Track t : tracks) {
            Box b = t.box();
            byte[] px = preparer.prepare(gray, detector.crop().square(b));
            int x = (int) Math.round(b.x()), y = (int) Math.round(b.y());
            crops.add(new FaceCrop(x, y, (int) Math.round(b.x() + b.w()) - x, (int) Math.round(b.y() + b.h()) - y,
                    (float) b.confidence(), preparer.size(), px, t.id()));
        }
        last = new Timings(t1 - t0, System.nanoTime() - t1, full);
        return crops;
    }

    /** The known face's box in this frame, looked for in its region only; null when it is not there. */
    private Box near(Box known) {
        Box r = region(known);
        int x0 = (int) Math.max(0, Math.floor(r.x())), y0 = (int) Math.max(0, Math.floor(r.y()));
        int x1 = (int) Math.min(gray.cols(), Math.ceil(r.x() + r.w())), y1 = (int) Math.min(gray.rows(), Math.ceil(r.y() + r.h()));
        if (x1 - x0 < 8 || y1 - y0 < 8) return null;
        double side = Math.sqrt(known.w() * known.h());
        Box best = null;
        double bestCost = Double.MAX_VALUE;
        for (Box b : detector.detectNear(bgr, gray, x0, y0, x1 - x0, y1 - y0, side)) {
            if (!usable(b)) continue;
            // The candidate most like the known face: moved least, in side lengths, and resized least.
            double cost = Math.hypot(b.cx() - known.cx(), b.cy() - known.cy()) / side
                    + Math.abs(Math.log(Math.sqrt(b.w() * b.h()) / side));
            if (cost < bestCost) {
                best = b;
                bestCost = cost;
            }
        }
        return best;
    }

    static Box region(Box b) {
        double side = Math.sqrt(b.w() * b.h()), m = MARGIN * side;
        return new Box(b.x() - m, b.y() - m, b.w() + 2 * m, b.h() + 2 * m, b.confidence());
    }

    private List<Box> usable(List<Box> boxes) {
        return boxes.stream().filter(this::usable).toList();
    }

    private boolean usable(Box b) {
        return b.confidence() >= config.minConfidence()
                && Math.sqrt(b.w() * b.h()) * detector.crop().scale() >= config.minFacePx() * 0.8;
    }

    /** Two boxes are one face when either's centre lies inside the other. */
    static boolean sameFace(Box a, Box b) {
        return (a.cx() >= b.x() && a.cx() < b.x() + b.w() && a.cy() >= b.y() && a.cy() < b.y() + b.h())
                || (b.cx() >= a.x() && b.cx() < a.x() + a.w() && b.cy() >= a.y() && b.cy() < a.y() + a.h());
    }

    private static boolean overlapsAny(Box b, List<Track> tracks) {
        return indexOfSameFace(b, tracks) >= 0;
    }

    private static int indexOfSameFace(Box b, List<Track> tracks) {
        for (int i = 0; i < tracks.size(); i++) if (sameFace(b, tracks.get(i).box())) return i;
        return -1;
    }

    /** The lost face that {@code b} is (removed from {@code lost}), or null for a new face. */
    private static Track takeSameFace(Box b, List<Track> lost) {
        for (var it = lost.iterator(); it.hasNext(); ) {
            Track t = it.next();
            if (sameFace(b, t.box())) {
                it.remove();
                return t;
            }
        }
        return null;
    }

    /** Copies the frame into the long-lived native BGR buffer and makes its gray version. */
    private void load(Frame frame) {
        int bytes = frame.width() * frame.height() * 3;
        if (bgr.cols() != frame.width() || bgr.rows() != frame.height()) {
            bgr.create(frame.height(), frame.width(), opencv_core.CV_8UC3);
            tracks = List.of(); // another source: nothing known carries over
        }
        if (bgrData == null || bgrData.address() != bgr.data().address()) {
            if (bgrData != null) bgrData.close();
            bgrData = bgr.data();
        }
        bgrData.position(0).limit(bytes).put(frame.bgr(), 0, bytes);
        opencv_imgproc.cvtColor(bgr, gray, opencv_imgproc.COLOR_BGR2GRAY);
    }

    @Override
    public Timings lastTimings() { return last; }

    @Override
    public void close() {
        detector.close();
        change.close();
        if (bgrData != null) bgrData.close();
        bgr.close();
        gray.close();
    }
}
