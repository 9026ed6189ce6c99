import io.moodbox.vision.FaceFinder;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;

/** Opens the box's default face finder (the SSD in int8 with the cascades) as Moodbox.start does, then exits. */
public final class OpenFinder {
    public static void main(String[] args) throws Exception {
        io.moodbox.app.NativeLibraries.skipNeverCalled();   // as Main does: no highgui, so no GTK
        long t0 = System.nanoTime();
        try (FaceFinder f = FaceFinders.open(VisionConfig.defaults())) {
            System.out.printf("face finder open after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }
}
