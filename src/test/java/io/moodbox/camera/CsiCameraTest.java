package io.moodbox.camera;

import io.moodbox.testing.Scenes;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CSI path without a Pi: a stand-in for rpicam-vid writes an MJPEG stream to its stdout, as the
 * real one does with {@code --codec mjpeg -o -}; FFmpeg reads the pipe; closing kills the child.
 */
class CsiCameraTest {
    @TempDir Path dir;

    @Test
    void readsMjpegFromTheChildsPipeAndKillsItOnClose() throws Exception {
        var gen = Scenes.generator(SceneGenerator.Options.defaults(61));
        Path mjpeg = dir.resolve("stream.mjpeg");
        try (var rec = new FFmpegFrameRecorder(mjpeg.toFile(), 640, 480, 0);
             var jf = new org.bytedeco.javacv.Frame(640, 480, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3)) {
            rec.setFormat("mjpeg");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
            rec.setFrameRate(15);
            rec.setVideoQuality(2);
            rec.start();
            byte[] bgr = gen.scene(0).frame().bgr();
            ByteBuffer buf = (ByteBuffer) jf.image[0];
            for (int y = 0; y < 480; y++) buf.put(y * jf.imageStride, bgr, y * 640 * 3, 640 * 3);
            for (int i = 0; i < 5; i++) rec.record(jf, avutil.AV_PIX_FMT_BGR24);
            rec.stop();
        }
        Path pidFile = dir.resolve("pid");
        Path tool = dir.resolve("rpicam-vid");
        // Like rpicam-vid: runs until killed, streaming MJPEG; records its pid and arguments.
        Files.writeString(tool, "#!/bin/sh\necho $$ > " + pidFile + "\necho \"$@\" > " + dir.resolve("args") + "\n"
                + "while true; do cat " + mjpeg + " || exit 1; done\n");
        assertTrue(tool.toFile().setExecutable(true));
        var cfg = new CameraConfig(CameraConfig.Kind.CSI, "0", 640, 480, 15, false, true, Duration.ofSeconds(1), Duration.ofSeconds(2));
        FrameSource src = CsiCamera.open(tool.toString(), cfg);
        long pid;
        try {
            for (int i = 0; i < 12; i++) {
                Frame f = src.next().orElseThrow();
                assertEquals(640, f.width());
                assertEquals(i, f.sequence());
                if (i == 3) assertTrue(FileSourceTest.meanAbsDiff(f.bgr(), gen.scene(0).frame().bgr()) < 5, "the scene came through the pipe");
            }
            assertEquals(SourceStatus.State.LIVE, src.status().state());
            pid = Long.parseLong(Files.readString(pidFile).trim());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(List.of("--nopreview", "--timeout", "0", "--camera", "0", "--codec", "mjpeg", "--width", "640",
                    "--height", "480", "--framerate", "15", "--flush", "--output", "-"),
                    List.of(Files.readString(dir.resolve("args")).trim().split(" ")));
        } finally {
            src.close();
        }
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(20);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child is gone after close");
    }

    @Test
    void aMissingToolMeansNoCamera() {
        var cfg = CameraConfig.of(CameraConfig.Kind.CSI, "0");
        var e = assertThrows(CameraException.class, () -> CsiCamera.open(dir.resolve("no-such-rpicam-vid").toString(), cfg));
        assertInstanceOf(NoCameraException.class, e);
        assertTrue(e.getMessage().contains("install rpicam-apps"), e.getMessage());
    }
}
