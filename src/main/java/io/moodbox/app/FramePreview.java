package io.moodbox.app;

import io.moodbox.camera.Frame;
import io.moodbox.web.PreviewSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The owner's camera preview: the newest frame the pipeline holds, encoded as JPEG on request
 * (a web request thread), never stored. Empty in privacy mode, without a live camera, or while
 * {@code web.preview} is off.
 */
final class FramePreview implements PreviewSource {
    private final Supplier<Frame> latest;
    private final BooleanSupplier allowed;

    FramePreview(Supplier<Frame> latest, BooleanSupplier allowed) {
        this.latest = latest;
        this.allowed = allowed;
    }

    @Override
    public Optional<byte[]> latestJpeg() {
        if (!allowed.getAsBoolean()) return Optional.empty();
        Frame f = latest.get();
        return f == null ? Optional.empty() : Optional.of(jpeg(f));
    }

    static byte[] jpeg(Frame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(f.bgr(), 0, dst, 0, dst.length);   // TYPE_3BYTE_BGR stores B, G, R: the frame's order
        ByteArrayOutputStream out = new ByteArrayOutputStream(f.width() * f.height() / 4);
        try {
            if (!ImageIO.write(img, "jpg", out)) throw new IllegalStateException("no JPEG writer in this JVM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
