package io.moodbox.music;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The folders the library scans right now: the configured {@code music.roots}, the upload folder
 * ({@code music.upload-dir}), and each removable medium (a USB stick) mounted under the media root
 * ({@code music.removable-root}). The app's media watcher calls {@link #setRemovable} when a stick
 * comes or goes; the library reads the others from any thread. Thread-safe.
 *
 * <p>A stick's tracks leave {@link MusicLibrary#tracks()} the moment it is gone, before any
 * re-scan, and their analyses stay in the cache so the same stick plugged in again is not
 * decoded twice.
 */
public final class LibraryRoots {

    /** One scanned folder; {@code name} is what the page calls it ("USB stick MUSIC"). */
    public record Root(Path path, Kind kind, String name) {
        public enum Kind { FOLDER, UPLOADS, REMOVABLE }

        public Root {
            path = path.toAbsolutePath().normalize();
        }
    }

    private final List<Root> fixed;
    private final Path mediaRoot;
    private volatile List<Root> removable = List.of();
    // The last present() answer, so the picker's many calls between changes cost nothing.
    private record Memo(List<Track> all, List<Root> removable, List<Track> present) {}
    private volatile Memo memo;

    public LibraryRoots(MusicConfig config) {
        List<Root> f = new ArrayList<>();
        for (Path p : config.roots()) f.add(new Root(p, Root.Kind.FOLDER, p.toString()));
        Path uploads = config.sources().uploadDir();
        if (uploads != null) f.add(new Root(uploads, Root.Kind.UPLOADS, "uploads"));
        this.fixed = List.copyOf(f);
        Path media = config.sources().removableRoot();
        this.mediaRoot = media == null ? null : media.toAbsolutePath().normalize();
    }

    /**
     * Every root, configured first, then uploads, then removable media in name order. The upload
     * folder counts once it exists (the first upload creates it), so a box without uploads reports no missing folder.
     */
    public List<Root> all() {
        List<Root> out = new ArrayList<>();
        for (Root r : fixed) if (r.kind() != Root.Kind.UPLOADS || Files.isDirectory(r.path())) out.add(r);
        out.addAll(removable);
        return List.copyOf(out);
    }

    /** The folders to scan, as {@link #all()}. */
    public List<Path> paths() { return all().stream().map(Root::path).toList(); }

    /** Only the removable media present now. */
    public List<Root> removable() { return removable; }

    /** The media root watched for mounts, if {@code music.removable-root} is set. */
    public Optional<Path> mediaRoot() { return Optional.ofNullable(mediaRoot); }

    /** The root a file lives under (the deepest one), if any. */
    public Optional<Root> rootOf(Path file) {
        Path f = file.toAbsolutePath().normalize();
        return all().stream().filter(r -> f.startsWith(r.path()))
                .max(Comparator.comparingInt(r -> r.path().getNameCount()));
    }

    /**
     * Takes the mount points found under the media root now; answers the roots that came and went
     * (empty lists when nothing changed).
     */
    public synchronized Change setRemovable(List<Path> mounted) {
        List<Root> now = mounted.stream().map(p -> p.toAbsolutePath().normalize()).distinct().sorted()
                .map(p -> new Root(p, Root.Kind.REMOVABLE, "USB stick " + p.getFileName())).toList();
        List<Root> before = removable;
        List<Root> added = now.stream().filter(r -> !before.contains(r)).toList();
        List<Root> removed = before.stream().filter(r -> !now.contains(r)).toList();
        if (!added.isEmpty() || !removed.isEmpty()) removable = now;
        return new Change(added, removed);
    }

    /** What {@link #setRemovable} changed. */
    public record Change(List<Root> added, List<Root> removed) {
        public boolean any() { return !added.isEmpty() || !removed.isEmpty(); }
    }

    /** True when the file is on a root present now (a pulled stick's files are not). */
    public boolean covers(Path file) {
        Path f = file.toAbsolutePath().normalize();
        for (Root r : fixed) if (f.startsWith(r.path())) return true;
        for (Root r : removable) if (f.startsWith(r.path())) return true;
        return false;
    }

    /**
     * True for a cache entry to keep though this scan did not see it: a file on a medium that is
     * not plugged in now, so its analysis is still there when the stick comes back.
     */
    boolean keepCached(String path) {
        if (mediaRoot == null) return false;
        Path f = Path.of(path);
        return f.startsWith(mediaRoot) && !covers(f);
    }

    /**
     * True when the file has gone: deleted, or on a stick that is no longer mounted (a yanked stick
     * may still answer a stat from the kernel's cache while every read fails). A scan then keeps no
     * error against it.
     */
    boolean gone(Path file) {
        if (!Files.exists(file)) return true;
        if (mediaRoot == null) return false;
        Path f = file.toAbsolutePath().normalize();
        if (!f.startsWith(mediaRoot) || f.getNameCount() <= mediaRoot.getNameCount()) return false;
        Path stick = mediaRoot.resolve(f.getName(mediaRoot.getNameCount()));
        return !mountedUnder(mediaRoot).contains(stick);
    }

    /** {@code all} without the tracks of media that are gone; the same list while nothing changed. */
    List<Track> present(List<Track> all) {
        List<Root> rem = removable;
        Memo m = memo;
        if (m != null && m.all() == all && m.removable() == rem) return m.present();
        List<Track> out = mediaRoot == null ? all : all.stream().filter(t -> covers(t.path())).toList();
        memo = new Memo(all, rem, out);
        return out;
    }

    /**
     * The media mounted directly under {@code mediaRoot}: its folders that sit on another file
     * system than the media root itself (an empty mount point left behind is the same file system
     * and does not count). Hidden folders are skipped; a folder that cannot be read (a stick pulled
     * before it was unmounted) is not there.
     */
    public static List<Path> mountedUnder(Path mediaRoot) {
        Objects.requireNonNull(mediaRoot);
        List<Path> out = new ArrayList<>();
        Object rootDev;
        try {
            rootDev = Files.getAttribute(mediaRoot, "unix:dev");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return out;   // no media root (yet): nothing mounted
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(mediaRoot)) {
            for (Path d : dirs) {
                if (d.getFileName().toString().startsWith(".")) continue;
                try {
                    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) continue;
                    Object dev = Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS);
                    if (!dev.equals(rootDev)) out.add(d);
                } catch (IOException | RuntimeException e) {
                    // unreadable: treated as absent
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
