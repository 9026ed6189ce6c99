import io.moodbox.camera.SceneGenerator;

import java.nio.file.Path;

/**
 * ops/memory-bench.sh's video: {@code SceneVideo OUT SECONDS} writes SECONDS of the vision
 * stage's generated 640x480 scenes at 15 fps (FER2013 PrivateTest faces, a new expression every
 * 3 s) as an MPEG-4 .mp4 with {@link SceneGenerator#writeVideo}. Run with the source launcher
 * against the runnable jar: {@code java -cp moodbox.jar ops/memory/SceneVideo.java out.mp4 60}.
 */
public final class SceneVideo {
    public static void main(String[] a) throws Exception {
        if (a.length != 2) {
            System.err.println("usage: SceneVideo OUT.mp4 SECONDS");
            System.exit(2);
        }
        var opts = SceneGenerator.Options.defaults(7);
        SceneGenerator.privateTest(opts).writeVideo(Path.of(a[0]), Math.round(Double.parseDouble(a[1]) * opts.fps()));
    }
}
