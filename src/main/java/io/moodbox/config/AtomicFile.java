package io.moodbox.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces a file whole or not at all: the new content goes to a temporary file beside it,
 * is forced to the disk, and is renamed over the old one; the directory is synced after. A
 * failure (a full disk, a kill) leaves the old file as it was and removes the temporary one.
 * Every file the box keeps across a power cut is written through here.
 */
public final class AtomicFile {
    private static final Logger log = LoggerFactory.getLogger(AtomicFile.class);
    /** A temporary file this old is a killed save's, not one in progress (the console saves too). */
    private static final Duration STALE = Duration.ofMinutes(1);
    private static final Set<Path> swept = ConcurrentHashMap.newKeySet();

    public enum Option {
        /**
         * Skip both fsyncs: a crash still keeps the old file or the new, a power cut may keep
         * the old one. For state rewritten every few seconds, to spare the SD card.
         */
        NO_SYNC,
        /** Readable by its owner only (0600), from its first byte on disk. */
        OWNER_ONLY
    }

    /** What goes into the file, written as UTF-8 text. */
    @FunctionalInterface
    public interface Text {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFile() {}

    public static void write(Path file, Text text, Option... options) throws IOException {
        Path tmp = create(file, options);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 Writer w = new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8), 1 << 16)) {
                text.writeTo(w);
                w.flush();
                if (!has(options, Option.NO_SYNC)) ch.force(true);
            }
            moveIntoPlace(tmp, file, options);
            tmp = null;
        } finally {
            deleteQuietly(tmp);
        }
    }

    public static void write(Path file, byte[] bytes, Option... options) throws IOException {
        Path tmp = writeTemporary(file, bytes, options);
        try {
            moveIntoPlace(tmp, file, options);
            tmp = null;
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** A temporary file beside {@code file} holding all of {@code bytes}, forced to the disk unless NO_SYNC. */
    static Path writeTemporary(Path file, byte[] bytes, Option... options) throws IOException {
        Path tmp = create(file, options);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            // write() may write less than asked (a nearly full disk): loop, so the next call reports ENOSPC.
            while (buf.hasRemaining()) ch.write(buf);
            if (!has(options, Option.NO_SYNC)) ch.force(true);
            return tmp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Renames a complete {@code tmp} over {@code target} and syncs the directory. */
    static void moveIntoPlace(Path tmp, Path target, Option... options) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + target + " atomically on this file system", e);
        }
        if (!has(options, Option.NO_SYNC)) syncDirectory(directory(target));
    }

    /**
     * Removes temporary files that saves of {@code file} left when the box was killed in the
     * middle of one (the rename never happened, so the file itself is whole); only those over a
     * minute old, as another process may be saving right now.
     */
    public static void removeLeftovers(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return;
        String prefix = "." + file.getFileName() + ".";
        long before = System.currentTimeMillis() - STALE.toMillis();
        DirectoryStream.Filter<Path> mine = p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        };
        try (var s = Files.newDirectoryStream(dir, mine)) {
            for (Path p : s) {
                if (Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                    log.info("Removed {}, left by a save that was cut short", p);
                }
            }
        } catch (IOException e) {
            log.debug("Could not look for leftover temporary files in {}", dir, e);
        }
    }

    private static Path create(Path file, Option... options) throws IOException {
        Path dir = directory(file);
        Files.createDirectories(dir);
        if (swept.add(file.toAbsolutePath())) removeLeftovers(file);   // once per file and process
        boolean ownerOnly = has(options, Option.OWNER_ONLY) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        // A unique name (the console and the daemon may save the same file at once), created
        // fresh, so the umask or 0600 applies rather than what a leftover had.
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                if (ownerOnly)
                    return Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) throw e;
            }
        }
    }

    private static Path directory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) throw new IllegalArgumentException(file + " has no folder");
        return dir;
    }

    private static boolean has(Option[] options, Option o) {
        for (Option x : options) if (x == o) return true;
        return false;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("Directory fsync not supported for {}", dir, e);   // some file systems refuse; the rename happened
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) return;
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            log.warn("Could not remove temporary file {}", tmp, e);
        }
    }
}
