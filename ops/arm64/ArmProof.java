import io.moodbox.camera.Frame;
import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.vision.FaceCrop;
import io.moodbox.vision.FaceFinder;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * The arm64 proof's own small program (ops/arm64-proof.sh compiles it against the runnable jar):
 * <pre>
 *   video OUT FRAMES SEED     write a 640x480 MPEG-4 video of the vision stage's test scenes
 *                             (camera.SceneGenerator: 1-3 FER2013 PrivateTest faces, a new expression
 *                             every 3 s) plus OUT.truth with each segment's faces and labels
 *   classify VIDEO MODEL N    decode N frames with FFmpeg, find and prepare faces with the box's
 *                             vision stage (vision.FaceFinders, default settings) and read each with
 *                             its TFLite classifier (emotion.EmotionClassifier); one line per frame
 * </pre>
 * Everything runs on the main thread (OpenCV and FFmpeg limited to one thread, TFLite 1 thread), so
 * the emulator's main-thread instruction count is the Pi's single-core cost of the work.
 */
public final class ArmProof {
    public static void main(String[] a) throws Exception {
        io.moodbox.app.NativeLibraries.skipNeverCalled();   // as moodbox's Main does: no highgui, so no GTK
        switch (a.length > 0 ? a[0] : "") {
            case "video" -> video(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
            case "classify" -> classify(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]));
            default -> { System.err.println("usage: ArmProof video OUT FRAMES SEED | classify VIDEO MODEL N"); System.exit(2); }
        }
    }

    static void video(Path out, int frames, long seed) throws Exception {
        // The vision stage's own test scenes: FER2013 PrivateTest faces on a generated room.
        SceneGenerator scenes = SceneGenerator.privateTest(SceneGenerator.Options.defaults(seed).withFaces(1, 3));
        scenes.writeVideo(out, frames);
        List<String> truth = new ArrayList<>();
        for (long i = 0; i < frames; i += scenes.framesPerSegment()) {
            StringBuilder line = new StringBuilder("frame " + i + ":");
            for (SceneGenerator.TruthFace f : scenes.scene(i).faces())
                line.append(String.format(" %s@%d,%d,%d", Fer2013.LABELS.get(f.label()), f.x(), f.y(), f.size()));
            truth.add(line.toString());
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
        var conv = new OpenCVFrameConverter.ToMat();
        int frames = 0, found = 0;
        try (var grabber = new FFmpegFrameGrabber(video.toFile());
             FaceFinder finder = FaceFinders.open(VisionConfig.defaults());
             EmotionClassifier classifier = EmotionClassifier.open(new EmotionConfig(model, 1))) {
            grabber.setOption("threads", "1");
            grabber.start();
            System.out.println("decoder " + grabber.getVideoCodecName() + " " + grabber.getImageWidth() + "x" + grabber.getImageHeight());
            org.bytedeco.javacv.Frame f;
            while (frames < n && (f = grabber.grabImage()) != null) {
                Frame frame;
                try (var scope = new PointerScope()) {
                    Mat m = conv.convert(f);
                    Mat bgr = m.isContinuous() ? m : m.clone();  // attached to the scope either way
                    byte[] px = new byte[bgr.cols() * bgr.rows() * 3];
                    bgr.data().get(px);
                    frame = new Frame(frames, System.nanoTime(), bgr.cols(), bgr.rows(), px);
                }
                List<FaceCrop> crops = finder.find(frame);
                List<EmotionScores> scores = classifier.classify(crops);
                StringBuilder line = new StringBuilder("frame " + frames + ":");
                for (int i = 0; i < crops.size(); i++) {
                    FaceCrop c = crops.get(i);
                    line.append(String.format(" %s@%d,%d,%d", scores.get(i).top(), c.x(), c.y(), c.width()));
                }
                // Which frames searched the whole frame decides what a window of frames costs.
                if (finder.lastTimings() != null && finder.lastTimings().fullSearch()) line.append("  (full search)");
                System.out.println(line);
                found += crops.size();
                frames++;
            }
            grabber.stop();
        }
        System.out.println("classified " + found + " faces in " + frames + " frames");
    }
}
