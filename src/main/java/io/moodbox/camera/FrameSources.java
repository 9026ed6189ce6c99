package io.moodbox.camera;

import io.moodbox.config.ConfigException;
import io.moodbox.dataset.Fer2013;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens the source a {@link CameraConfig} names. Every kind but {@code none} comes wrapped so
 * that a failing or vanished source is retried with backoff and reported, never thrown: opening
 * never fails, and the first {@code next()} waits for the first frame.
 */
public final class FrameSources {
    private static final Logger log = LoggerFactory.getLogger(FrameSources.class);
    /** Kernel names of the Pi's own video nodes (ISP, codecs, CSI receiver) that are not webcams. */
    private static final List<String> NOT_WEBCAMS = List.of("bcm2835", "unicam", "rp1-cfe", "pispbe", "rpi-", "hevc", "codec", "isp");

    private FrameSources() {}

    public static FrameSource open(CameraConfig requested) {
        CameraConfig config = resolve(requested);
        return switch (config.kind()) {
            case AUTO -> throw new IllegalStateException("resolved above");
            case NONE -> new NoSource();
            case V4L2 -> retrying(config, true, () -> GrabberSource.v4l2(config));
            case CSI -> retrying(config, true, () -> CsiCamera.open(config));
            case FILE -> retrying(config, false, () -> GrabberSource.file(config));
            case FOLDER -> retrying(config, false, () -> new FolderSource(config));
            case DEMO -> retrying(config, false, () -> new DemoSource(config));
        };
    }

    /**
     * Opens the source directly, without retrying: a missing or broken source throws
     * {@link CameraException} at once. For commands and tests that should fail fast.
     */
    public static FrameSource openDirect(CameraConfig requested) {
        CameraConfig config = resolve(requested);
        return switch (config.kind()) {
            case AUTO -> throw new IllegalStateException("resolved above");
            case NONE -> new NoSource();
            case V4L2 -> GrabberSource.v4l2(config);
            case CSI -> CsiCamera.open(config);
            case FILE -> GrabberSource.file(config);
            case FOLDER -> new FolderSource(config);
            case DEMO -> new DemoSource(config);
        };
    }

    /**
     * Checks, before a save, that {@code camera.source} names what it means, as the next start
     * would open it: a video file FFmpeg decodes a frame of, a folder holding images, a device
     * node under {@code /dev} (not opened: the running box may hold it, and a webcam may be
     * plugged in later), the FER2013 data for {@code demo}. Throws {@link ConfigException} naming
     * the key; takes up to a second (it opens the file).
     */
    public static void check(CameraConfig config) {
        Path path = Path.of(config.device().isEmpty() ? "." : config.device());
        switch (config.kind()) {
            case AUTO, NONE, CSI -> { }
            case DEMO -> {
                if (Fer2013.locate().isEmpty())
                    throw new ConfigException("camera.source demo needs the FER2013 data, which this box does not have ("
                            + Fer2013.ENV + " or ../shared/datasets/fer2013.bin.gz); choose auto, none, a camera, a video file or an image folder");
            }
            case V4L2 -> {
                if (Files.isRegularFile(path) || Files.isDirectory(path))
                    throw new ConfigException("camera.source " + path + " is a " + (Files.isDirectory(path) ? "folder" : "file")
                            + ", not a camera device; a webcam is /dev/videoN");
            }
            case FILE, FOLDER -> {
                if (!Files.exists(path))
                    throw new ConfigException("camera.source " + path + " does not exist; give a video file, an image folder, "
                            + "/dev/videoN, csi, demo, auto or none");
                if (!Files.isReadable(path))
                    throw new ConfigException("camera.source " + path + " cannot be read by the box (permissions)");
                try (FrameSource s = config.kind() == CameraConfig.Kind.FILE ? GrabberSource.file(config.asFastAsPossible(false))
                        : new FolderSource(config.asFastAsPossible(false))) {
                    if (s.next().isEmpty()) throw new CameraException("no frame");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("camera.source " + path + " could not be checked (interrupted)");
                } catch (RuntimeException e) {
                    log.debug("camera.source {} refused", path, e);
                    boolean file = config.kind() == CameraConfig.Kind.FILE;
                    throw new ConfigException("camera.source " + path + " is not " + (file ? "a video file the box can play (FFmpeg "
                            + "cannot open it or decode a frame of it)" : "a folder of images the box can read (" + e.getMessage() + ")")
                            + "; give a video file, an image folder, /dev/videoN, csi, demo, auto or none", e);
                }
            }
        }
    }

    /**
     * Turns {@code auto} into a concrete source: the CSI camera if {@code rpicam-vid} lists one,
     * else the first V4L2 webcam, else demo scenes where FER2013 is, else none. Other kinds pass
     * through. Probes devices (up to a few seconds): call once at startup.
     */
    public static CameraConfig resolve(CameraConfig config) {
        if (config.kind() != CameraConfig.Kind.AUTO) return config;
        String pick;
        Optional<String> csi = csiCamera();
        Optional<String> webcam = csi.isPresent() ? Optional.empty() : firstWebcam(Path.of("/sys/class/video4linux"));
        if (csi.isPresent()) pick = "csi:" + csi.get();
        else if (webcam.isPresent()) pick = webcam.get();
        else if (Fer2013.locate().isPresent()) pick = "demo";
        else pick = "none";
        CameraConfig chosen = CameraConfig.parse(pick, config);
        log.info("camera.source=auto chose {}", chosen.describe());
        return chosen;
    }

    /** The first CSI camera index rpicam-vid lists, if the tool is installed and sees one. */
    static Optional<String> csiCamera() {
        boolean installed = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, CsiCamera.COMMAND)));
        if (!installed) return Optional.empty();
        try {
            Process p = new ProcessBuilder(CsiCamera.COMMAND, "--list-cameras").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s*:").matcher(out);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The lowest /dev/videoN that is the first node of a real webcam (not one of the Pi's own nodes). */
    static Optional<String> firstWebcam(Path sysfs) {
        if (!Files.isDirectory(sysfs)) return Optional.empty();
        try (Stream<Path> nodes = Files.list(sysfs)) {
            return nodes.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("video\\d+"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(5))))
                    .filter(n -> {
                        String name = read(sysfs.resolve(n).resolve("name")).toLowerCase(java.util.Locale.ROOT);
                        String index = read(sysfs.resolve(n).resolve("index"));
                        return (index.isEmpty() || index.equals("0")) && NOT_WEBCAMS.stream().noneMatch(name::contains);
                    })
                    .map(n -> "/dev/" + n)
                    .filter(d -> Files.exists(Path.of(d)))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static FrameSource retrying(CameraConfig config, boolean endIsFailure, java.util.function.Supplier<FrameSource> opener) {
        return new RetryingSource(config.describe(), opener, endIsFailure, config.retryMin(), config.retryMax());
    }

    /** Wraps any source (a test fake, say) in the same retry-with-backoff behaviour. */
    public static FrameSource retrying(String name, java.util.function.Supplier<FrameSource> opener, CameraConfig timing) {
        return new RetryingSource(name, opener, true, timing.retryMin(), timing.retryMax());
    }
}
