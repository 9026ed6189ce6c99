package io.moodbox.testing;

import org.bytedeco.ffmpeg.global.avcodec;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Audio files with a picture in their tags, written at test time the way taggers write them:
 * an ID3v2.3 APIC frame before an MP3, a FLAC PICTURE metadata block, an Ogg Opus comment
 * METADATA_BLOCK_PICTURE (base64 of the FLAC block), and an MP4 {@code moov/udta/meta/ilst/covr}
 * atom. The audio is a short tone from FFmpeg's own encoders; the pictures are drawn here.
 */
public final class TaggedAudio {
    private TaggedAudio() {}

    /** A {@code w}x{@code h} picture filled with {@code color}, as "png" or "jpg" bytes. */
    public static byte[] picture(String format, int w, int h, Color color) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.WHITE);
        g.fillRect(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) throw new IOException("no ImageIO writer for " + format);
        return out.toByteArray();
    }

    /** An MP3 tone after an ID3v2.3 tag with a title and one APIC picture of {@code type} (3: front cover) claiming {@code mime}. */
    public static byte[] mp3(byte[] picture, String mime, int type) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frame23(frames, "TIT2", concat(new byte[]{0}, "Tagged".getBytes(StandardCharsets.ISO_8859_1)));
        ByteArrayOutputStream apic = new ByteArrayOutputStream();
        apic.write(0);                                        // ISO-8859-1 texts
        apic.write(mime.getBytes(StandardCharsets.ISO_8859_1));
        apic.write(0);
        apic.write(type);
        apic.write("cover".getBytes(StandardCharsets.ISO_8859_1));
        apic.write(0);
        apic.write(picture);
        frame23(frames, "APIC", apic.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{'I', 'D', '3', 3, 0, 0});
        int n = frames.size();
        out.write(new byte[]{(byte) ((n >> 21) & 0x7F), (byte) ((n >> 14) & 0x7F), (byte) ((n >> 7) & 0x7F), (byte) (n & 0x7F)});
        frames.writeTo(out);
        out.write(AudioFaults.mp3(2, 440));
        return out.toByteArray();
    }

    /** ID3v2.3 frames have a plain 32-bit size (v2.4's is syncsafe). */
    private static void frame23(ByteArrayOutputStream out, String id, byte[] body) throws IOException {
        out.write(id.getBytes(StandardCharsets.ISO_8859_1));
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(new byte[]{0, 0});
        out.write(body);
    }

    /** A FLAC tone with a PICTURE metadata block (front cover) after its STREAMINFO. */
    public static byte[] flac(byte[] picture, String mime) throws IOException {
        byte[] f = AudioFaults.flac(2, 440);
        if (f[0] != 'f' || f[1] != 'L' || f[2] != 'a' || f[3] != 'C') throw new IOException("FFmpeg wrote no fLaC marker");
        // Walk the metadata blocks to the last one, clear its "last" bit and append ours after it.
        int i = 4, last;
        while (true) {
            last = i;
            int len = ((f[i + 1] & 0xFF) << 16) | ((f[i + 2] & 0xFF) << 8) | (f[i + 3] & 0xFF);
            boolean isLast = (f[i] & 0x80) != 0;
            i += 4 + len;
            if (isLast) break;
        }
        byte[] body = pictureBlock(picture, mime);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(f, 0, i);
        byte[] head = out.toByteArray();
        head[last] &= 0x7F;
        out.reset();
        out.write(head);
        out.write(0x80 | 6);                                  // last block, type PICTURE
        out.write(new byte[]{(byte) (body.length >> 16), (byte) (body.length >> 8), (byte) body.length});
        out.write(body);
        out.write(f, i, f.length - i);
        return out.toByteArray();
    }

    /** The body of a FLAC PICTURE block (also what METADATA_BLOCK_PICTURE carries in base64): a front cover. */
    static byte[] pictureBlock(byte[] picture, String mime) {
        byte[] m = mime.getBytes(StandardCharsets.US_ASCII), d = "cover".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(32 + m.length + d.length + picture.length);
        b.putInt(3).putInt(m.length).put(m).putInt(d.length).put(d);
        b.putInt(0).putInt(0).putInt(0).putInt(0);            // width, height, depth, colours: unknown is allowed
        b.putInt(picture.length).put(picture);
        return b.array();
    }

    /** An Ogg Opus tone whose comment header carries the picture as METADATA_BLOCK_PICTURE. */
    public static byte[] opus(byte[] picture, String mime) throws IOException {
        String block = Base64.getEncoder().encodeToString(pictureBlock(picture, mime));
        return record("ogg", "opus", avcodec.AV_CODEC_ID_OPUS, 48000, Map.of("METADATA_BLOCK_PICTURE", block));
    }

    /** An MP4 (AAC) tone with the picture as its {@code covr} atom, typed 13 (JPEG) or 14 (PNG) as iTunes writes it. */
    public static byte[] m4a(byte[] picture, boolean png) throws IOException {
        byte[] f = record("mp4", "m4a", avcodec.AV_CODEC_ID_AAC, 44100, Map.of("title", "Tagged"));
        // FFmpeg writes moov last, after mdat, with udta/meta/ilst for its encoder tag: the covr
        // atom goes at the end of ilst, and only the sizes of the boxes around it change.
        int moov = find(f, 0, f.length, "moov");
        int udta = find(f, moov + 8, moov + size(f, moov), "udta");
        int meta = find(f, udta + 8, udta + size(f, udta), "meta");
        int ilst = find(f, meta + 12, meta + size(f, meta), "ilst");
        if (moov + size(f, moov) != f.length) throw new IOException("moov is not the last box");
        int ilstEnd = ilst + size(f, ilst);
        ByteBuffer data = ByteBuffer.allocate(16 + picture.length);
        data.putInt(16 + picture.length).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(png ? 14 : 13).putInt(0).put(picture);
        ByteBuffer covr = ByteBuffer.allocate(8 + data.capacity());
        covr.putInt(covr.capacity()).put("covr".getBytes(StandardCharsets.US_ASCII)).put(data.array());
        int add = covr.capacity();
        byte[] out = new byte[f.length + add];
        System.arraycopy(f, 0, out, 0, ilstEnd);
        System.arraycopy(covr.array(), 0, out, ilstEnd, add);
        System.arraycopy(f, ilstEnd, out, ilstEnd + add, f.length - ilstEnd);
        for (int box : new int[]{moov, udta, meta, ilst}) ByteBuffer.wrap(out).putInt(box, size(f, box) + add);
        return out;
    }

    private static int size(byte[] f, int at) { return ByteBuffer.wrap(f).getInt(at); }

    private static int find(byte[] f, int from, int to, String type) throws IOException {
        for (int i = from; i + 8 <= to; ) {
            int n = size(f, i);
            if (new String(f, i + 4, 4, StandardCharsets.US_ASCII).equals(type)) return i;
            if (n < 8) break;
            i += n;
        }
        throw new IOException("no " + type + " box where FFmpeg should have written one");
    }

    private static byte[] record(String format, String ext, int codec, int rate, Map<String, String> tags) throws IOException {
        return AudioFaults.encode(format, ext, codec, rate, 2, 440, tags);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
