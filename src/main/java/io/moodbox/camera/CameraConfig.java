package io.moodbox.camera;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Which frame source to open and how. {@code device} is the V4L2 node ({@code /dev/video0}),
 * the CSI camera index ({@code 0}), or the file or folder path, by {@code kind}. Width, height and
 * fps are what a camera is asked for (files and folders keep their own size). {@code realtime}
 * paces files, folders and demo scenes at {@code fps} (files at their own rate); otherwise they
 * play as fast as they decode. {@code loop} restarts a file or folder at its end. A failing live
 * source is retried after {@code retryMin}, doubling up to {@code retryMax}.
 */
public record CameraConfig(Kind kind, String device, int width, int height, int fps, boolean loop,
                           boolean realtime, Duration retryMin, Duration retryMax) {

    /** The kinds of source, as written in {@code camera.source}. */
    public enum Kind {
        /** The CSI camera if rpicam-vid lists one, else the first V4L2 webcam, else demo scenes where FER2013 is, else none. */
        AUTO,
        /** No camera: the box runs and reports "no camera". */
        NONE,
        /** USB webcam through V4L2. */
        V4L2,
        /** Raspberry Pi CSI camera through an {@code rpicam-vid} child process. */
        CSI,
        /** A video file. */
        FILE,
        /** A folder of images, played in name order. */
        FOLDER,
        /** Scenes composed live from FER2013 PrivateTest faces (needs the dataset). */
        DEMO;

        public String key() { return name().toLowerCase(Locale.ROOT); }
    }

    public CameraConfig {
        if (kind == null) throw new ConfigException("camera.source must be auto, none, demo, csi, csi:N, /dev/videoN, a video file or an image folder");
        device = device == null ? "" : device.trim();
        if ((kind == Kind.V4L2 || kind == Kind.FILE || kind == Kind.FOLDER) && device.isEmpty())
            throw new ConfigException("camera.source must name the " + (kind == Kind.V4L2 ? "V4L2 device (e.g. /dev/video0)"
                    : kind == Kind.FILE ? "video file" : "image folder") + "; it was empty");
        if (kind == Kind.V4L2 || kind == Kind.FILE || kind == Kind.FOLDER) {
            String normal = normalise(device);
            // A device is a node under /dev: "/dev/../../etc/shadow" is not one, whatever it starts with.
            if (kind == Kind.V4L2 && !normal.startsWith("/dev/"))
                throw new ConfigException("camera.source " + device + " resolves to " + normal + ", which is not a device "
                        + "under /dev; a webcam is /dev/videoN (or /dev/v4l/by-id/...)");
            device = normal;
        }
        if (kind == Kind.CSI && !device.isEmpty() && !device.matches("\\d{1,2}"))
            throw new ConfigException("camera.source csi:N needs the CSI camera index N = 0..99, was '" + device + "'");
        if (width < 64 || width > 4096 || width % 2 != 0)
            throw new ConfigException("camera.width must be an even number 64..4096, was " + width);
        if (height < 48 || height > 4096 || height % 2 != 0)
            throw new ConfigException("camera.height must be an even number 48..4096, was " + height);
        if (fps < 1 || fps > 120) throw new ConfigException("camera.fps must be 1..120, was " + fps);
        if (retryMin == null || retryMin.isNegative() || retryMin.isZero() || retryMin.toMillis() > 60_000)
            throw new ConfigException("camera.retry-min-s must be 0.001..60 seconds, was " + (retryMin == null ? "unset" : retryMin.toMillis() / 1000.0));
        if (retryMax == null || retryMax.compareTo(retryMin) < 0 || retryMax.toMillis() > 600_000)
            throw new ConfigException("camera.retry-max-s must be camera.retry-min-s..600 seconds, was " + (retryMax == null ? "unset" : retryMax.toMillis() / 1000.0));
    }

    /** The {@code camera.*} keys; {@code camera.source} is read as {@link #parse} reads it. */
    public static CameraConfig from(Reader reader) {
        Reader r = reader.group("camera", "Camera");
        String source = r.string("source", "auto", "Frame source", "Where frames come from: auto (a Pi camera, else a USB webcam, else the demo scenes where the FER2013 data is, else none), none, demo, csi or csi:N, /dev/videoN, a video file or a folder of images.");
        return parse(source, new CameraConfig(Kind.NONE, "",
                r.integer("width", 640, "Frame width", "Frame width asked of the camera, in pixels (even, 64..4096); files and folders keep their own size."),
                r.integer("height", 480, "Frame height", "Frame height asked of the camera, in pixels (even, 48..4096)."),
                r.integer("fps", 15, "Frames per second", "Frames per second asked of the camera, and the pace of image folders and demo scenes (1..120)."),
                r.bool("loop", true, "Loop files", "A video file or image folder starts again at its end."),
                r.bool("realtime", true, "Real-time pace", "Files play at their own frame rate, folders at camera.fps (true), or as fast as they decode (false)."),
                r.seconds("retry-min-s", 1, "First retry after", "A camera that fails or vanishes is retried after this many seconds (0.001..60), doubling each time."),
                r.seconds("retry-max-s", 30, "Longest retry wait", "Longest wait between retries of a failing camera, in seconds (camera.retry-min-s..600).")));
    }

    /** A source of the given kind with the default size, pace and retry timing (tests, commands). */
    public static CameraConfig of(Kind kind, String device) {
        CameraConfig d = from(Reader.of(java.util.Map.of("camera.source", "none")));
        return new CameraConfig(kind, device, d.width, d.height, d.fps, d.loop, d.realtime, d.retryMin, d.retryMax);
    }

    /** The same source, played as fast as it decodes and without looping (bench, tests). */
    public CameraConfig asFastAsPossible(boolean loop) {
        return new CameraConfig(kind, device, width, height, fps, loop, false, retryMin, retryMax);
    }

    /**
     * Reads a source as a person writes it ({@code --source} on the command line, or
     * {@code camera.source}): {@code auto}, {@code none}, {@code demo}, {@code csi} or
     * {@code csi:1}, {@code /dev/video0} (or {@code v4l2:/dev/video0}), a folder, or a video file.
     */
    public static CameraConfig parse(String source, CameraConfig base) {
        String s = source == null ? "" : source.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        Kind kind;
        String device;
        if (lower.equals("none") || lower.isEmpty()) { kind = Kind.NONE; device = ""; }
        else if (lower.equals("auto")) { kind = Kind.AUTO; device = ""; }
        else if (lower.equals("demo")) { kind = Kind.DEMO; device = ""; }
        else if (lower.equals("csi")) { kind = Kind.CSI; device = "0"; }
        else if (lower.startsWith("csi:")) { kind = Kind.CSI; device = s.substring(4); }
        else if (lower.startsWith("v4l2:")) { kind = Kind.V4L2; device = s.substring(5); }
        else if (isDevice(s)) { kind = Kind.V4L2; device = s; }
        else if (Files.isDirectory(Path.of(normalise(s)))) { kind = Kind.FOLDER; device = s; }
        else { kind = Kind.FILE; device = s; }
        return new CameraConfig(kind, device, base.width, base.height, base.fps, base.loop, base.realtime,
                base.retryMin, base.retryMax);
    }

    /**
     * A webcam node as written: {@code /dev/videoN} or {@code /dev/v4l/...} once normalised, and
     * anything under {@code /dev/} that climbs out of it (refused by the constructor, naming it).
     */
    private static boolean isDevice(String s) {
        if (!s.startsWith("/dev/")) return false;
        String n = normalise(s);
        return n.startsWith("/dev/video") || n.startsWith("/dev/v4l/") || !n.startsWith("/dev/");
    }

    /** The path with "." and ".." resolved, as the next start opens it. */
    private static String normalise(String path) {
        try {
            String n = Path.of(path).normalize().toString();
            return n.isEmpty() ? "." : n;
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("camera.source is not a usable path (" + e.getReason() + ")");
        }
    }

    /** Short name for logs and the page: "v4l2 /dev/video0", "demo". */
    public String describe() {
        return device.isEmpty() ? kind.key() : kind.key() + " " + device;
    }
}
