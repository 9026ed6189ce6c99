package io.moodbox.app;

import io.moodbox.music.LibraryRoots;
import io.moodbox.music.Player;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;
import io.moodbox.music.TrackPicker;
import io.moodbox.music.TrackSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches {@code music.removable-root} (on the box {@code /media/moodbox}, where the Ansible role's
 * udev rule mounts each USB stick read-only) on its own thread ({@code moodbox-media}): a stick that
 * appears becomes a library root and is scanned; one that goes leaves the library at once, and the
 * player skips on if it was playing from it. Polls every {@link #POLL_MS} ms: a mount does not
 * change its mount point's parent folder, so there is no file event to wait for, and a stat of a
 * few folders is nothing.
 */
final class MediaWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaWatcher.class);
    static final long POLL_MS = 2000;

    private final LibraryRoots roots;
    private final Path mediaRoot;
    private final LibraryService library;
    private final Player player;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(Moodbox.named("moodbox-media"));

    MediaWatcher(LibraryRoots roots, LibraryService library, Player player) {
        this.roots = roots;
        this.mediaRoot = roots.mediaRoot().orElseThrow();
        this.library = library;
        this.player = player;
    }

    /**
     * Takes the sticks plugged in already (at boot) before the library's first scan, on the
     * caller's thread, then looks every {@link #POLL_MS} ms.
     */
    MediaWatcher start() {
        roots.setRemovable(LibraryRoots.mountedUnder(mediaRoot)).added()
                .forEach(r -> log.info("{} found at {}: scanned with the library (read-only)", r.name(), r.path()));
        log.info("Watching {} for USB sticks", mediaRoot);
        thread.scheduleWithFixedDelay(this::check, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    void check() {
        try {
            LibraryRoots.Change c = roots.setRemovable(LibraryRoots.mountedUnder(mediaRoot));
            if (!c.any()) return;
            c.added().forEach(r -> log.info("{} found at {}: scanning it (read-only)", r.name(), r.path()));
            c.removed().forEach(r -> log.info("{} at {} is gone: its tracks leave the library", r.name(), r.path()));
            if (!c.removed().isEmpty()) {
                PlayerStatus p = player.status();
                Track t = p.track();
                if (t != null && p.state() == PlayerStatus.State.PLAYING && !roots.covers(t.path())) {
                    log.info("The track playing was on the stick; skipping to the next");
                    player.next();
                }
            }
            library.rescanSoon();
        } catch (RuntimeException e) {
            log.warn("Looking for USB sticks in {} failed: {}", mediaRoot, e.toString());
        }
    }

    /**
     * {@code source}, except that a track whose stick is gone is not reported as played or skipped:
     * the watcher's skip, or a read failing on a pulled stick, says nothing about the owner's taste.
     */
    static TrackSource forgettingPulled(TrackSource source, LibraryRoots roots) {
        return new TrackSource() {
            @Override public Optional<TrackPicker.Pick> next() { return source.next(); }

            @Override public Optional<Track> find(String id) { return source.find(id); }

            @Override public void finished(Track track, boolean skipped) {
                if (roots.covers(track.path())) source.finished(track, skipped);
            }
        };
    }

    @Override
    public void close() { thread.shutdownNow(); }
}
