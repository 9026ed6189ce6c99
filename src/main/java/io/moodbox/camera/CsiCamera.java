package io.moodbox.camera;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Raspberry Pi CSI camera. OpenCV's V4L2 capture does not work with libcamera cameras on
 * current Pi OS, so {@code rpicam-vid} runs as a child process writing MJPEG to its stdout,
 * which FFmpeg reads as a stream. Closing the source kills the child.
 */
final class CsiCamera {
    private static final Logger log = LoggerFactory.getLogger(CsiCamera.class);
    /** Overridable for tests and for older Pi OS, where the tool is {@code libcamera-vid}. */
    static final String COMMAND = System.getProperty("moodbox.rpicam", "rpicam-vid");

    private CsiCamera() {}

    static List<String> command(String tool, CameraConfig config) {
        String camera = config.device().isEmpty() ? "0" : config.device();
        return List.of(tool, "--nopreview", "--timeout", "0", "--camera", camera,
                "--codec", "mjpeg", "--width", Integer.toString(config.width()),
                "--height", Integer.toString(config.height()), "--framerate", Integer.toString(config.fps()),
                "--flush", "--output", "-");
    }

    static GrabberSource open(CameraConfig config) {
        return open(COMMAND, config);
    }

    /** {@code tool}: the rpicam-vid executable (a stand-in in tests). */
    static GrabberSource open(String tool, CameraConfig config) {
        List<String> cmd = command(tool, config);
        Process child;
        try {
            child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new NoCameraException(tool + " could not be started (" + e.getMessage()
                    + "); on a Pi install rpicam-apps, elsewhere use a webcam (camera.source=v4l2)");
        }
        log.info("Starting camera csi {} {}x{}@{}fps: {}", cmd.get(6), config.width(), config.height(), config.fps(),
                String.join(" ", cmd));
        Thread stderr = new Thread(() -> logLines(child), "moodbox-rpicam-log");
        stderr.setDaemon(true);
        stderr.start();
        return GrabberSource.stream(child.getInputStream(), "mjpeg", config.describe(), () -> stop(child));
    }

    /** rpicam-vid talks a lot on stderr; keep it at DEBUG except for errors. */
    private static void logLines(Process child) {
        try (var r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.contains("ERROR") || line.contains("rror:")) log.warn("{}: {}", COMMAND, line);
                else log.debug("{}: {}", COMMAND, line);
            }
        } catch (IOException e) {
            log.debug("{} stderr closed: {}", COMMAND, e.getMessage());
        }
    }

    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(1, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                child.waitFor(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
