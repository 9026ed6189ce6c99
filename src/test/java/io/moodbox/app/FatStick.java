package io.moodbox.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A USB stick for the media test and bench: a real FAT file system in an image file (dosfstools'
 * mkfs.vfat, filled by mtools' mcopy), mounted read-only as the Ansible role's udev rule mounts a
 * stick. The kernel's vfat driver mounts it where the kernel has one (the Pi); where it has not
 * (this CI's container kernel), fusefat mounts the same image through FUSE. Called from the test's
 * thread only.
 */
final class FatStick implements AutoCloseable {
    /** What {@link #possible()} needs, in words for {@code Required.that}. */
    static final String NEEDS = "needs root, dosfstools, mtools and fusefat (or a kernel with vfat) to mount a FAT image"
            + " (./moodbox-dev test installs them)";

    final Path image;
    private Path mountPoint;
    private Process fuse;

    private FatStick(Path image) {
        this.image = image;
    }

    /** Whether this machine can make and mount one. */
    static boolean possible() {
        return isRoot() && onPath("mkfs.vfat") && onPath("mcopy") && (onPath("fusefat") || kernelHasVfat());
    }

    /**
     * Makes {@code image}: a FAT file system labelled {@code label} holding {@code files} (name on
     * the stick: 8.3, since fusefat shows no long names; file to copy) with {@code spareBytes}
     * besides them.
     */
    static FatStick make(Path image, String label, Map<String, Path> files, long spareBytes) throws IOException {
        long bytes = spareBytes;
        for (Path f : files.values()) bytes += Files.size(f);
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        run("mkfs.vfat", "-n", label, image.toString());
        for (var e : files.entrySet()) run("mcopy", "-i", image.toString(), e.getValue().toString(), "::" + e.getKey());
        return new FatStick(image);
    }

    /**
     * Sets up {@code dir} for a daemon that mounts sticks under {@code dir/media} (its
     * {@code music.removable-root}), with an empty {@code dir/music}, the test owner and no sound
     * card; returns the config file for {@link Daemon#start}.
     */
    static Path daemonConfig(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("music"));
        Path media = Files.createDirectories(dir.resolve("media"));
        Daemon.ownerFile(dir.resolve("owner.properties"));
        Path config = dir.resolve("moodbox.properties");
        Files.writeString(config, Daemon.baseConfig(dir) + "music.removable-root = " + media + "\nmusic.output = null\n");
        return config;
    }

    /** Mounts it read-only at {@code at} (a folder that exists), as plugging it in would. */
    void plugIn(Path at) throws IOException, InterruptedException {
        mountPoint = at;
        if (kernelHasVfat()) {
            run("mount", "-t", "vfat", "-o", "loop,ro,nosuid,nodev,noexec", image.toString(), at.toString());
            return;
        }
        Path log = image.resolveSibling(image.getFileName() + ".fusefat.log");
        fuse = new ProcessBuilder("fusefat", "-o", "ro", "-f", image.toString(), at.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(Path.of("/proc/self/mounts")).contains(" " + at + " fuse.fusefat ro,")) {
            if (!fuse.isAlive() || System.nanoTime() > deadline)
                throw new IllegalStateException("fusefat did not mount " + image + ": " + Files.readString(log));
            Thread.sleep(50);
        }
    }

    /** Pulled out: reads fail from now on (the FUSE process killed; the kernel mount detached). */
    void pull() throws IOException, InterruptedException {
        if (fuse != null) {
            fuse.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fuse = null;
        } else {
            unmount();
        }
    }

    /** Cleans up the mount point, dead or not, as the role's unit does after a stick went. */
    void unmount() throws IOException {
        if (mountPoint != null) run("umount", "-l", mountPoint.toString());
    }

    @Override
    public void close() throws IOException {
        unmount();
        mountPoint = null;
        if (fuse != null) fuse.destroyForcibly();
        fuse = null;
    }

    private static boolean isRoot() {
        try {
            return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").concat(":/usr/sbin:/sbin").split(":"))
            if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    private static boolean kernelHasVfat() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).lines().anyMatch(l -> l.strip().equals("vfat"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a tool; one that fails is an error, except umount (the mount may be gone already). */
    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + " interrupted", e);
        }
        if (!cmd[0].equals("umount")) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
