import io.moodbox.dataset.Fer2013;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.vision.FaceCrop;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * The arm64 proof's own small program (ops/arm64-proof.sh compiles it against the runnable jar):
 * <pre>
 *   video OUT FRAMES SEED     write a 640x480 MPEG-4 video of FER2013 PrivateTest faces (2 per frame,
 *                             new faces every 15 frames) plus OUT.truth with each segment's labels
 *   classify VIDEO MODEL N    decode N frames with FFmpeg, find faces with OpenCV, read each with the
 *                             box's TFLite classifier (io.moodbox.emotion), print one line per frame
 * </pre>
 * Everything runs on the main thread (OpenCV and FFmpeg limited to one thread, TFLite 1 thread), so
 * the emulator's main-thread instruction count is the Pi's single-core cost of the work.
 */
public final class ArmProof {
    private static final int W = 640, H = 480, SEGMENT = 15;

    public static void main(String[] a) throws Exception {
        switch (a.length > 0 ? a[0] : "") {
            case "video" -> video(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
            case "classify" -> classify(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            default -> { System.err.println("usage: ArmProof video OUT FRAMES SEED | classify VIDEO MODEL N"); System.exit(2); }
        }
    }

    static void video(Path out, int frames, long seed) throws Exception {
        List<Fer2013.Face> faces = Fer2013.load().split(Fer2013.Split.PRIVATE_TEST);
        SplittableRandom rnd = new SplittableRandom(seed);
        var conv = new OpenCVFrameConverter.ToMat();
        List<String> truth = new ArrayList<>();
        try (var rec = new FFmpegFrameRecorder(out.toFile(), W, H, 0)) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            rec.setFrameRate(15);
            rec.setVideoBitrate(2_000_000);
            rec.start();
            Mat frame = new Mat(H, W, opencv_core.CV_8UC3);
            for (int i = 0; i < frames; i += SEGMENT) {
                frame.put(new Scalar(90, 110, 130, 0));
                // Two faces side by side, 120..200 px, at random heights.
                StringBuilder line = new StringBuilder("frames " + i + ".." + (Math.min(frames, i + SEGMENT) - 1) + ":");
                for (int k = 0; k < 2; k++) {
                    Fer2013.Face f = faces.get(rnd.nextInt(faces.size()));
                    int side = 120 + rnd.nextInt(81);
                    int x = 40 + k * 320 + rnd.nextInt(280 - side), y = 20 + rnd.nextInt(H - 40 - side);
                    try (Mat small = new Mat(Fer2013.SIZE, Fer2013.SIZE, opencv_core.CV_8UC1);
                         Mat big = new Mat(); Mat bgr = new Mat()) {
                        small.data().put(f.pixels());
                        opencv_imgproc.resize(small, big, new Size(side, side), 0, 0, opencv_imgproc.INTER_CUBIC);
                        opencv_imgproc.cvtColor(big, bgr, opencv_imgproc.COLOR_GRAY2BGR);
                        bgr.copyTo(frame.apply(new Rect(x, y, side, side)));
                    }
                    line.append(String.format(" %s@%d,%d,%d", Fer2013.LABELS.get(f.label()), x, y, side));
                }
                truth.add(line.toString());
                for (int j = i; j < Math.min(frames, i + SEGMENT); j++) rec.record(conv.convert(frame));
            }
            rec.stop();
        }
        Files.write(Path.of(out + ".truth"), truth);
        System.out.println("wrote " + out + " (" + frames + " frames, " + Files.size(out) + " bytes)");
    }

    static void classify(Path video, Path model, int n) throws Exception {
        opencv_core.setNumThreads(0);  // OpenCV work on the calling thread
        System.out.println("platform " + Loader.getPlatform() + ", os.arch " + System.getProperty("os.arch"));
        System.out.println("OpenCV " + opencv_core.CV_VERSION());
        System.out.println("FFmpeg libavcodec " + avcodec.avcodec_version() + " / libavutil " + avutil.av_version_info().getString());
        System.out.println("TensorFlow Lite " + tensorflowlite.TfLiteVersion().getString());
        String platform = Loader.getPlatform();
        File cascade = Loader.cacheResource("/org/bytedeco/opencv/" + platform
                + "/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");
        var conv = new OpenCVFrameConverter.ToMat();
        int frames = 0, found = 0;
        try (var grabber = new FFmpegFrameGrabber(video.toFile());
             var detector = new CascadeClassifier(cascade.getAbsolutePath());
             EmotionClassifier classifier = EmotionClassifier.open(new EmotionConfig(model, 1))) {
            grabber.setOption("threads", "1");
            grabber.start();
            System.out.println("decoder " + grabber.getVideoCodecName() + " " + grabber.getImageWidth() + "x" + grabber.getImageHeight());
            int size = classifier.inputSize();
            Frame f;
            while (frames < n && (f = grabber.grabImage()) != null) {
                List<FaceCrop> crops = new ArrayList<>();
                try (var scope = new PointerScope()) {
                    Mat bgr = conv.convert(f);
                    Mat gray = new Mat();
                    opencv_imgproc.cvtColor(bgr, gray, opencv_imgproc.COLOR_BGR2GRAY);
                    RectVector boxes = new RectVector();
                    detector.detectMultiScale(gray, boxes, 1.1, 4, 0, new Size(60, 60), new Size());
                    for (long b = 0; b < boxes.size(); b++) {
                        Rect r = boxes.get(b);
                        Mat crop = new Mat();
                        opencv_imgproc.resize(gray.apply(r), crop, new Size(size, size), 0, 0, opencv_imgproc.INTER_AREA);
                        byte[] px = new byte[size * size];
                        crop.data().get(px);
                        crops.add(new FaceCrop(r.x(), r.y(), r.width(), r.height(), 1f, size, px));
                    }
                }
                List<EmotionScores> scores = classifier.classify(crops);
                StringBuilder line = new StringBuilder("frame " + frames + ":");
                for (int i = 0; i < crops.size(); i++) {
                    FaceCrop c = crops.get(i);
                    line.append(String.format(" %s@%d,%d,%d", scores.get(i).top(), c.x(), c.y(), c.width()));
                }
                System.out.println(line);
                found += crops.size();
                frames++;
            }
            grabber.stop();
        }
        System.out.println("classified " + found + " faces in " + frames + " frames");
    }
}
