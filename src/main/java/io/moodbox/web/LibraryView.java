package io.moodbox.web;

import io.moodbox.music.Track;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The music library as the page shows it. Implemented by {@code app} over the music stage;
 * called on web request threads, so it must be thread-safe and must not block on a scan.
 * A re-scan is started through {@link io.moodbox.box.Controls#rescan()}.
 */
public interface LibraryView {
    /** Every track by its mood label ("happy", "calm", ...), in the library's order. */
    Map<String, List<Track>> tracksByMood();

    /** Every track, in the library's order (for search and the folder/artist/album views). */
    default List<Track> tracks() {
        return tracksByMood().values().stream().flatMap(List::stream).toList();
    }

    /** What plays next, first first; empty when nothing is queued. */
    List<Track> queue();

    ScanProgress scanProgress();

    /** Where the music comes from now: the owner's folders, uploads, each USB stick plugged in. */
    default List<Source> sources() { return List.of(); }

    /** One music source: its name in words, {@code kind} folder, uploads or removable, its usable tracks. */
    record Source(String name, String kind, int tracks) {}

    /**
     * Library scan state: {@code done} of {@code total} files looked at ({@code total} 0 while
     * still counting); {@code finishedAt} null until a scan has ended; {@code message} says
     * what went wrong or how it ended, in words.
     */
    record ScanProgress(boolean running, int done, int total, Instant finishedAt, String message) {
        public static ScanProgress idle() { return new ScanProgress(false, 0, 0, null, ""); }
    }
}
