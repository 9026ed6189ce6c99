package io.moodbox.app;

import io.moodbox.testing.Required;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.testing.Scenes;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The libraries {@link NativeLibraries} leaves out are really not needed: a fresh JVM that skips
 * them, as {@code moodbox} does, finds and classifies faces with the cascades and the SSD and
 * draws them, and the skipped libraries (and GTK behind highgui) are not mapped while what the
 * dynamic linker needs is.
 */
class NativeLibrariesTest {
    @TempDir Path dir;

    /** Runs in the child JVM: skip, classify, then list the shared objects this process maps. */
    public static void main(String[] args) throws Exception {
        NativeLibraries.skipNeverCalled();
        int status = Main.run(args);
        System.out.println("status " + status);
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash > 0 && line.contains(".so")) System.out.println("mapped " + line.substring(slash));
        }
        System.exit(0);
    }

    @Test
    void classifiesWithoutTheSkippedLibrariesLoaded() throws Exception {
        Required.that(Files.isRegularFile(EmotionConfig.DEFAULT_MODEL), "the emotion model is not built");
        Required.that(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux /proc");
        var scene = Scenes.generator(SceneGenerator.Options.defaults(7).withFaces(2, 2).withSizes(120, 180)).scene(0);
        Path png = dir.resolve("room.png");
        var f = scene.frame();
        try (var m = new Mat(f.height(), f.width(), opencv_core.CV_8UC3, new BytePointer(f.bgr()))) {
            assertTrue(opencv_imgcodecs.imwrite(png.toString(), m));
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx192m", "-cp", System.getProperty("java.class.path"),
                NativeLibrariesTest.class.getName(), "classify", png.toString(), "--out", dir.resolve("out").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        String out = Files.readString(log);
        assertTrue(out.contains("status 0"), out);
        assertTrue(out.contains("face 1 at "), out);
        assertTrue(Files.size(dir.resolve("out").resolve("room-faces.png")) > 10_000, "boxes drawn");
        List<String> mapped = out.lines().filter(l -> l.startsWith("mapped ")).toList();
        for (String needed : List.of("libjniopencv_objdetect.so", "libopencv_dnn.so", "libopenblas.so", "libjnitensorflowlite.so")) {
            assertTrue(mapped.stream().anyMatch(l -> l.contains("/" + needed)), needed + " should be loaded: " + mapped);
        }
        for (String skipped : List.of("libopencv_highgui", "libjniopencv_highgui", "libopencv_videoio", "libjniopencv_dnn",
                "libjniopencv_calib3d", "libjniopencv_features2d", "libjniopencv_flann", "libopenblas_nolapack",
                "libjniopenblas", "libgtk", "libgdk", "libcairo", "libpango")) {
            assertTrue(mapped.stream().noneMatch(l -> l.contains("/" + skipped)), skipped + " was loaded: " + mapped);
        }
    }

    @Test
    void marksEachLibraryOnceAndKeepsWhatIsAlreadyLoaded() {
        // In this (test) JVM other tests may have loaded some for real: a real entry is never replaced.
        var table = NativeLibraries.loadedTable();
        assertNotNull(table, "JavaCPP's table is where NativeLibraries looks for it");
        var before = new java.util.HashMap<>(table);
        NativeLibraries.skipNeverCalled();
        assertEquals(0, NativeLibraries.skipNeverCalled(), "a second call marks nothing");
        for (String lib : NativeLibraries.NEVER_CALLED) {
            assertTrue(table.containsKey(lib), lib);
            if (before.containsKey(lib)) assertEquals(before.get(lib), table.get(lib), "real entry of " + lib + " kept");
        }
    }
}
