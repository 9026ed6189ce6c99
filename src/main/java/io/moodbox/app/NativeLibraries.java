package io.moodbox.app;

import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;

/**
 * Keeps JavaCPP from loading native libraries that Bytedeco's presets pull in by inheritance but
 * moodbox never calls. Loading OpenCV's objdetect (the Haar cascades) makes JavaCPP load every
 * preset objdetect's preset inherits: calib3d, features2d, flann, dnn, and through features2d
 * highgui and videoio, with their JNI bindings; highgui links GTK 2, which brings X11, cairo, pango,
 * fontconfig and glib into a headless daemon. OpenBLAS is loaded twice (with and without LAPACK).
 * Measured with {@code ops/memory-bench.sh}: about 10 MB of resident library pages for code that
 * never runs, and a Pi needs no GTK installed.
 *
 * <p>Only what the dynamic linker needs is kept: {@code libopencv_objdetect} itself needs dnn,
 * calib3d, features2d, flann and OpenBLAS with LAPACK ({@code readelf -d}); it needs none of the
 * libraries below. JavaCPP has no setting to leave an inherited library out, so this marks them
 * as already loaded in its loader's table before any preset class initializes; their Java classes
 * still load (JavaCPP initializes them), and calling one of their native methods would throw
 * {@link UnsatisfiedLinkError}. moodbox calls none. If the table is not where JavaCPP 1.5.13 keeps
 * it, everything loads as before and a debug line says so.
 *
 * <p>Call once, first thing in {@code main}, before any Bytedeco class is touched (public for the
 * tools under {@code ops/} that run the stages without {@link Main}). Thread: the main thread.
 */
public final class NativeLibraries {
    private static final Logger log = LoggerFactory.getLogger(NativeLibraries.class);

    /** JavaCPP's names (library@version, or the JNI binding's name) of what moodbox never calls. */
    static final List<String> NEVER_CALLED = List.of(
            "opencv_highgui@.413", "jniopencv_highgui",
            "opencv_videoio@.413", "jniopencv_videoio",
            "jniopencv_calib3d", "jniopencv_features2d", "jniopencv_flann", "jniopencv_dnn",
            "openblas_nolapack@.0", "jniopenblas_nolapack", "jniopenblas");

    static final String MARK = "(not loaded: moodbox never calls it)";

    private NativeLibraries() {}

    /** Marks {@link #NEVER_CALLED} as loaded; returns how many were marked (0 if JavaCPP changed). */
    public static int skipNeverCalled() {
        Map<String, String> loaded = loadedTable();
        if (loaded == null) return 0;
        int n = 0;
        for (String lib : NEVER_CALLED) {
            if (loaded.putIfAbsent(lib, MARK) == null) n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> loadedTable() {
        try {
            Field f = Loader.class.getDeclaredField("loadedLibraries");
            f.setAccessible(true);
            return (Map<String, String>) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("JavaCPP's loaded-library table not found, all inherited libraries load: {}", e.toString());
            return null;
        }
    }
}
