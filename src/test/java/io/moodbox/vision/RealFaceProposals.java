package io.moodbox.vision;

import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelling aid for {@code ops/real-faces/manifest.tsv}, not a measurement: draws each image
 * with its labelled faces (green, numbered) and the boxes that the SSD (float32, score 0.3),
 * BlazeFace and the frontal cascade find in it at 1280x960 (red), and prints those boxes as
 * face lines in the image's pixels, to be checked by eye before any goes into the manifest.
 * Run (after {@code ops/fetch-real-faces.sh}):
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.moodbox.vision.RealFaceProposals OUT_DIR [ID...]}
 */
public final class RealFaceProposals {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/real-faces-drawn");
        Files.createDirectories(out);
        var only = List.of(args).subList(Math.min(1, args.length), args.length);
        try (var ssd = new SsdFaceDetector(SsdFaceDetector.loadBundled(VisionConfig.SsdPrecision.FLOAT32), SsdFaceDetector.bundledPriors(), 0.3, SsdFaceDetector.HEIGHT);
             var blaze = new BlazeFaceDetector(null, 0.5);
             var haar = new HaarDetector(HaarDetector.CASCADE, 1280, 24, 1.1, 4, false)) {
            for (var image : RealFaces.read()) {
                if (!only.isEmpty() && !only.contains(image.id())) continue;
                Mat bgr = RealFaces.load(image);
                var placed = RealFaces.place(bgr, 1280, 960, true, 0);
                var frame = new Mat(960, 1280, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
                frame.data().put(placed.frame().bgr());
                var gray = new Mat();
                opencv_imgproc.cvtColor(frame, gray, opencv_imgproc.COLOR_BGR2GRAY);
                var found = new ArrayList<Box>();
                var from = new ArrayList<String>();
                for (var d : List.<FaceDetector>of(ssd, blaze, haar)) {
                    for (Box b : d.detect(frame, gray)) {
                        if (found.stream().anyMatch(o -> o.iou(b) > 0.3)) continue;
                        found.add(b);
                        from.add(d.name());
                    }
                }
                double s = placed.scale(), th = Math.max(2, bgr.cols() / 400.0);
                int i = 0;
                for (var f : image.faces()) {
                    opencv_imgproc.rectangle(bgr, new Point((int) f.x(), (int) f.y()), new Point((int) (f.x() + f.w()), (int) (f.y() + f.h())),
                            new Scalar(0, 255, 0, 0), (int) th, opencv_imgproc.LINE_8, 0);
                    opencv_imgproc.putText(bgr, String.valueOf(i++), new Point((int) f.x(), (int) f.y() - 3),
                            opencv_imgproc.FONT_HERSHEY_SIMPLEX, th / 3, new Scalar(0, 255, 0, 0), (int) th, opencv_imgproc.LINE_8, false);
                }
                for (int k = 0; k < found.size(); k++) {
                    Box b = found.get(k);
                    int x = (int) Math.round((b.x() - placed.dx()) / s), y = (int) Math.round((b.y() - placed.dy()) / s);
                    int w = (int) Math.round(b.w() / s), h = (int) Math.round(b.h() / s);
                    System.out.printf("face\t%s\t%d,%d,%d,%d\t-\t-\t# %s %.2f%n", image.id(), x, y, w, h, from.get(k), b.confidence());
                    opencv_imgproc.rectangle(bgr, new Point(x, y), new Point(x + w, y + h), new Scalar(0, 0, 255, 0), (int) Math.max(1, th / 2),
                            opencv_imgproc.LINE_8, 0);
                }
                opencv_imgcodecs.imwrite(out.resolve(image.id() + ".jpg").toString(), bgr);
                frame.close();
                gray.close();
                bgr.close();
            }
        }
    }
}
