package io.moodbox.vision;

/**
 * A face found in a frame: its box in frame pixels, the detector's confidence (0..1), and the
 * face prepared for the emotion model: {@code size}x{@code size} gray pixels, row-major,
 * prepared exactly as the model was trained (crop with margin, gray, resize).
 */
public record FaceCrop(int x, int y, int width, int height, float confidence, int size, byte[] pixels) {
    public FaceCrop {
        if (pixels.length != size * size)
            throw new IllegalArgumentException("crop holds " + pixels.length + " pixels, expected " + size * size);
    }
}
