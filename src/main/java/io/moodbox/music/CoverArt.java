package io.moodbox.music;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

/**
 * The front cover embedded in a track's tags (ID3v2 APIC, FLAC PICTURE, Vorbis and Opus
 * METADATA_BLOCK_PICTURE, MP4 {@code covr}), read on request: FFmpeg's demuxer parses the tags
 * when it opens the file and hands each picture over as an "attached picture" stream, so the
 * audio is never decoded. Pictures are checked to be a whole JPEG or PNG header (the type told by
 * the bytes, not by the tag) and at most {@link #MAX_BYTES}; anything else is "none", with the
 * reason in words, never an exception. Keeps the last lookups (pictures up to a byte budget, the
 * same picture once however many tracks carry it, and which files have none) for the same file,
 * size and modification time. Thread-safe; FFmpeg runs
 * on the caller's thread, a few milliseconds a file.
 */
public final class CoverArt {
    /** The largest picture served: a cover is rarely over 1 MB; more would only fill the box's memory. */
    public static final long MAX_BYTES = 8L << 20;

    /** A picture's bytes, exactly as stored in the tag, and its type told by them ({@code image/jpeg}, {@code image/png}). */
    public record Picture(byte[] bytes, String contentType) {}

    /** What a file holds: a picture, or ({@code picture} empty) why none in words ("no picture in its tags"). */
    public record Lookup(Optional<Picture> picture, String problem) {
        static Lookup none(String why) { return new Lookup(Optional.empty(), why); }
    }

    /** ID3 blocks larger than this are not opened for a cover: FFmpeg would read them whole, for a picture too large anyway. */
    static final long MAX_TAG_BYTES = 2 * MAX_BYTES;

    private record Key(Path file, long size, long modifiedMs) {}

    // A page of 500 tracks asks for 500 covers at once; two FFmpeg opens at a time bound the native
    // memory their tags take (up to MAX_TAG_BYTES each) and leave the other core to the music.
    private final Semaphore reading = new Semaphore(2);

    private final long budgetBytes;
    private final int maxEntries;
    private long heldBytes;
    // Each distinct picture once, with how many cached lookups share it: an album's tracks cost one copy.
    private final IdentityHashMap<Picture, Integer> held = new IdentityHashMap<>();
    private final LinkedHashMap<Key, Lookup> cache = new LinkedHashMap<>(64, 0.75f, true);

    /** Keeps pictures of up to {@code budgetBytes} in all, and at most {@code maxEntries} lookups (with none). */
    public CoverArt(long budgetBytes, int maxEntries) {
        this.budgetBytes = budgetBytes;
        this.maxEntries = maxEntries;
    }

    /** The embedded front cover of {@code file}, from the cache while the file is unchanged. */
    public Lookup embedded(Path file) {
        Key key;
        try {
            key = new Key(file.toAbsolutePath(), Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            return Lookup.none("the file cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        synchronized (this) {
            Lookup hit = cache.get(key);
            if (hit != null) return hit;
        }
        Lookup found;
        try {
            reading.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Lookup.none("the box was stopping");
        }
        try {
            found = read(file);
        } finally {
            reading.release();
        }
        synchronized (this) {
            if (cache.containsKey(key)) return cache.get(key);
            if (found.picture().isPresent()) {
                Picture p = shared(found.picture().get());
                // A picture larger than half the budget would push out everything else: served, not kept.
                if (!held.containsKey(p) && p.bytes().length > budgetBytes / 2) return found;
                found = new Lookup(Optional.of(p), "");
                if (held.merge(p, 1, Integer::sum) == 1) heldBytes += p.bytes().length;
            }
            cache.put(key, found);
            Iterator<Lookup> it = cache.values().iterator();
            while ((heldBytes > budgetBytes || cache.size() > maxEntries) && it.hasNext()) {
                Optional<Picture> gone = it.next().picture();
                it.remove();
                if (gone.isPresent() && held.merge(gone.get(), -1, Integer::sum) == 0) {
                    held.remove(gone.get());
                    heldBytes -= gone.get().bytes().length;
                }
            }
            return found;
        }
    }

    /** The held picture with the same bytes (an album's tracks carry one cover each), else {@code p}. */
    private Picture shared(Picture p) {
        for (Picture h : held.keySet())
            if (h.bytes().length == p.bytes().length && Arrays.equals(h.bytes(), p.bytes())) return h;
        return p;
    }

    /** Bytes of pictures held in the cache now (for tests and benches). */
    synchronized long heldBytes() { return heldBytes; }

    /** Reads the picture now, without the cache. */
    static Lookup read(Path file) {
        AudioFile.quietFfmpeg();
        try {
            if (!Files.isReadable(file)) return Lookup.none("the file is gone or the box may not read it");
            // FFmpeg reads an ID3 block whole at open; one larger than a cover ever is stays unread.
            long tag = AudioFile.id3Size(file);
            if (tag > MAX_TAG_BYTES)
                return Lookup.none(String.format(Locale.ROOT, "its tags take %.0f MB, more than the %d MB the box reads for a cover",
                        tag / 1048576.0, MAX_TAG_BYTES >> 20));
        } catch (IOException e) {
            return Lookup.none("the file cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        AVFormatContext ctx = new AVFormatContext(null);
        AVDictionary options = new AVDictionary(null);
        // Only the file itself: a playlist or HLS file named .mp3 must not make FFmpeg open anything else.
        av_dict_set(options, "protocol_whitelist", "file", 0);
        try {
            if (avformat_open_input(ctx, file.toAbsolutePath().toString(), null, options) < 0 || ctx.isNull())
                return Lookup.none("FFmpeg cannot open it");
            AVPacket chosen = null;
            for (int i = 0; i < ctx.nb_streams(); i++) {
                AVStream s = ctx.streams(i);
                if ((s.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) continue;
                AVPacket p = s.attached_pic();
                if (p == null || p.isNull() || p.size() <= 0 || p.data() == null || p.data().isNull()) continue;
                // The front cover when the tag says which (ID3, FLAC, Vorbis), else the first picture (MP4 has no types).
                if (chosen == null || "Cover (front)".equals(comment(s))) chosen = p;
                if ("Cover (front)".equals(comment(s))) break;
            }
            if (chosen == null) return Lookup.none("no picture in its tags");
            if (chosen.size() > MAX_BYTES)
                return Lookup.none(String.format(Locale.ROOT, "its picture takes %.1f MB, more than the %d MB the box shows",
                        chosen.size() / 1048576.0, MAX_BYTES >> 20));
            byte[] bytes = new byte[chosen.size()];
            chosen.data().position(0).get(bytes);
            Optional<String> type = imageType(bytes);
            if (type.isEmpty()) return Lookup.none("its picture is damaged or not a JPEG or PNG");
            return new Lookup(Optional.of(new Picture(bytes, type.get())), "");
        } catch (RuntimeException e) {
            return Lookup.none("its tags cannot be read (" + e.getClass().getSimpleName() + ")");
        } finally {
            avformat_close_input(ctx);
            av_dict_free(options);
        }
    }

    private static String comment(AVStream s) {
        AVDictionaryEntry e = av_dict_get(s.metadata(), "comment", null, 0);
        return e == null || e.isNull() ? "" : e.value().getString();
    }

    /**
     * {@code image/jpeg} or {@code image/png} when the bytes begin as a whole picture of that
     * kind (a JPEG's segments up to its frame header with a size, a PNG's signature and IHDR
     * chunk with a size), whatever a tag or file name claims; empty otherwise.
     */
    public static Optional<String> imageType(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == 0x0D && b[5] == 0x0A
                && b[6] == 0x1A && b[7] == 0x0A && be32(b, 8) == 13 && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R'
                && be32(b, 16) > 0 && be32(b, 20) > 0)
            return Optional.of("image/png");
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF && jpegHasFrame(b))
            return Optional.of("image/jpeg");
        return Optional.empty();
    }

    /** Walks a JPEG's marker segments from SOI: true when a frame header (SOFn) with a width and height comes before the scan. */
    private static boolean jpegHasFrame(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xFF) != 0xFF) return false;
            int m = b[i + 1] & 0xFF;
            if (m == 0xFF) { i++; continue; }                       // fill byte
            if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }  // markers without a length
            int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            if (len < 2 || i + 2 + len > b.length) return false;
            boolean frame = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
            if (frame) return len >= 8 && ((b[i + 5] & 0xFF) << 8 | (b[i + 6] & 0xFF)) > 0 && ((b[i + 7] & 0xFF) << 8 | (b[i + 8] & 0xFF)) > 0;
            if (m == 0xDA || m == 0xD9) return false;               // the scan or the end before any frame header
            i += 2 + len;
        }
        return false;
    }

    private static long be32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
