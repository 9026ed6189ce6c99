package io.moodbox.vision;

/**
 * A face found in a frame: its box in frame pixels, the detector's confidence (0..1), and the
 * face prepared for the emotion model: {@code size}x{@code size} gray pixels, row-major,
 * prepared exactly as the model was trained (crop with margin, gray, resize). {@code track}
 * names the face while the finder follows it from frame to frame (the same number on every
 * frame, new numbers for new faces, from 1); 0 where nothing is followed.
 */
public record FaceCrop(int x, int y, int width, int height, float confidence, int size, byte[] pixels, long track) {
    public FaceCrop {
        if (pixels.length != size * size)
            throw new IllegalArgumentException("crop holds " + pixels.length + " pixels, expected " + size * size);
        if (track < 0) throw new IllegalArgumentException("track must be >= 0, was " + track);
    }

    /** A face that is not followed over time (track 0). */
    public FaceCrop(int x, int y, int width, int height, float confidence, int size, byte[] pixels) {
        this(x, y, width, height, confidence, size, pixels, 0);
    }
}
