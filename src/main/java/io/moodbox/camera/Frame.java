package io.moodbox.camera;

/**
 * One video frame, copied out of native memory: packed BGR, 3 bytes a pixel, row-major.
 * {@code sequence} counts frames from the source's start; {@code nanos} is {@link System#nanoTime()}
 * at capture. Never written to disk unless the owner turns preview on.
 */
public record Frame(long sequence, long nanos, int width, int height, byte[] bgr) {
    public Frame {
        if (bgr.length != width * height * 3)
            throw new IllegalArgumentException("BGR buffer holds " + bgr.length + " bytes, " + width + "x" + height + " needs " + width * height * 3);
    }
}
