package io.moodbox.web;

import io.javalin.http.Context;
import io.moodbox.music.AudioCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The page's upload of music files: {@code POST /api/library/upload?name=song.mp3} with the file
 * as the raw body (one file per request; the page sends several in turn). The body is streamed to
 * a hidden temp file in the upload folder (the scanner skips hidden files), capped at the size
 * limit, synced, decoded by {@link AudioCheck} as the library would, and only then renamed to its
 * name (atomically, never over another file) and the library re-scanned. A refused file leaves
 * nothing behind. Runs on Jetty's request threads; two uploads at a time.
 */
final class UploadHandler {
    private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);
    static final String PATH = "/api/library/upload";
    /** Space kept free for the box's own state (settings, cache, journal) after an upload. */
    static final long RESERVE_BYTES = 32L << 20;
    static final int MAX_NAME_CHARS = 120;

    private final Path dir;
    private final long maxBytes;
    private final Runnable added;
    private final Semaphore slots = new Semaphore(2);

    UploadHandler(Path dir, long maxBytes, Runnable added) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.added = added;
    }

    void handle(Context ctx) throws IOException {
        String name = safeName(ctx.queryParam("name"));
        if (!AudioCheck.hasAudioName(name))
            throw refuse(415, name + ": this is not an audio file we can play (the box plays "
                    + String.join(", ", AudioCheck.extensions().stream().map(e -> "." + e).toList()) + ")");
        long declared = ctx.contentLength();
        if (declared > maxBytes) throw refuse(413, tooLarge(name));
        if (!slots.tryAcquire()) throw refuse(429, "two uploads are already running; try " + name + " again when they are done");
        try {
            Files.createDirectories(dir);
            if (declared > 0 && Files.getFileStore(dir).getUsableSpace() < declared + RESERVE_BYTES)
                throw refuse(507, diskFull(name));
            Path tmp = dir.resolve(".upload-" + UUID.randomUUID() + ".part");
            try {
                write(ctx.req().getInputStream(), tmp, name);
                var problem = AudioCheck.problem(tmp);
                if (problem.isPresent()) {
                    log.info("Upload {} refused: {}", name, problem.get());
                    // FFmpeg's own words name the temp file and its API: the owner gets the first clause.
                    String why = problem.get().replace(tmp.toString(), name).split(" \\(", 2)[0];
                    throw refuse(415, name + ": this is not an audio file we can play (" + why + ")");
                }
                Path placed = place(tmp, name);
                log.info("Uploaded {} ({} bytes) into {}", placed.getFileName(), Files.size(placed), dir);
                added.run();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", placed.getFileName().toString());
                m.put("message", placed.getFileName() + " added; the library is being scanned");
                ctx.status(201).json(m);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } finally {
            slots.release();
        }
    }

    private void write(InputStream in, Path tmp, String name) throws IOException {
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) throw refuse(413, tooLarge(name));
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) out.write(b);
            }
            if (total == 0) throw refuse(400, name + ": the file is empty");
            out.force(true);
        } catch (IOException e) {
            if (full(e)) throw refuse(507, diskFull(name));
            throw e;
        }
    }

    /** Renames the checked file to its name, or "name (2).mp3" if that is taken; never replaces a file. */
    private Path place(Path tmp, String name) throws IOException {
        int dot = name.lastIndexOf('.');
        String base = name.substring(0, dot), ext = name.substring(dot);
        for (int i = 1; i < 1000; i++) {
            Path target = dir.resolve(i == 1 ? name : base + " (" + i + ")" + ext);
            try {
                // A hard link is an atomic create-if-absent: the name appears whole or not at all.
                Files.createLink(target, tmp);
                return target;
            } catch (FileAlreadyExistsException e) {
                // taken: the next number
            } catch (UnsupportedOperationException | IOException e) {
                if (e instanceof IOException io && full(io)) throw refuse(507, diskFull(name));
                if (Files.exists(target)) continue;
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);   // a file system without hard links
                return target;
            }
        }
        throw refuse(409, name + ": too many files of that name in the upload folder");
    }

    /** The last part of the name the browser sent, without control characters; hidden or empty names refused. */
    static String safeName(String raw) {
        if (raw == null || raw.isBlank()) throw refuse(400, "say the file's name: ?name=song.mp3");
        String n = raw.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (n.isEmpty() || n.startsWith(".")) throw refuse(400, "'" + n + "' is not a file name the box accepts");
        if (n.length() > MAX_NAME_CHARS) {
            int dot = n.lastIndexOf('.');
            String ext = dot < 0 ? "" : n.substring(dot);
            n = n.substring(0, MAX_NAME_CHARS - ext.length()) + ext;
        }
        return n;
    }

    private String tooLarge(String name) {
        String limit = maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MB" : (maxBytes >> 10) + " KB";
        return name + " is too large: the box takes files up to " + limit;
    }

    private String diskFull(String name) {
        return name + " was not added: the box's disk is full (free some space, or use a USB stick)";
    }

    private static boolean full(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("no space left") || m.contains("disk quota");
    }

    private static WebServer.ApiError refuse(int status, String message) {
        return new WebServer.ApiError(status, message, "file");
    }
}
