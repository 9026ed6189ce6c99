package io.moodbox.music;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The owner's music: scans the configured folders, places every track on the valence/arousal
 * plane (the owner's correction, folder, mood tag, catalog, genre tag or analysis, in that order
 * of trust; see {@link Track#moodSource()}) and keeps an incremental
 * cache so unchanged files are never analysed twice. {@link #scan} blocks and runs on the
 * caller's thread (the app's background worker); {@link #tracks} may be called from any thread.
 */
public interface MusicLibrary extends AutoCloseable {

    /** Where a scan is: {@code done} of {@code total} files, the one being read now. */
    record ScanProgress(int done, int total, int skipped, Path current) {}

    /** Told of progress on the scanning thread, at least once per file. Must be quick. */
    @FunctionalInterface
    interface ScanListener {
        void progress(ScanProgress p);
    }

    /**
     * How a scan went. {@code audioFiles} files with an audio extension; {@code tracks} usable;
     * {@code analysed} decoded this time; {@code cached} taken from the cache; {@code skipped}
     * unusable (corrupt, truncated, empty, not audio) with one line per file in {@code problems};
     * {@code ignored} files that are not music by name (covers, playlists, hidden files).
     */
    record ScanReport(int audioFiles, int tracks, int analysed, int cached, int skipped, int ignored,
                      List<String> problems, Duration took) {
        public ScanReport {
            problems = List.copyOf(problems);
        }
    }

    /** Scans every root; unreadable files are counted and reported, never fatal. */
    ScanReport scan(ScanListener listener);

    /** The tracks of the last scan (or of the cache before the first scan), immutable. */
    List<Track> tracks();

    /**
     * The owner's word on one track's mood ({@code mood} a mood name, or null/"auto" to hand it
     * back to tags and sound): saved atomically beside the cache, kept through re-scans, and it
     * moves that track only. Returns the track as now placed. Throws IllegalArgumentException for
     * an unknown track or mood, {@link io.moodbox.config.MoodboxException} when it cannot be saved.
     */
    default Track correct(String trackId, String mood) {
        throw new UnsupportedOperationException("this library keeps no mood corrections");
    }

    @Override
    void close();

    /** A library over {@code config.roots()} with its cache in {@code config.stateDir()}. */
    static MusicLibrary open(MusicConfig config) {
        return new FileMusicLibrary(config, new LibraryRoots(config));
    }

    /** A library over {@code roots}, which may change while it runs (USB sticks). */
    static MusicLibrary open(MusicConfig config, LibraryRoots roots) {
        return new FileMusicLibrary(config, roots);
    }
}
