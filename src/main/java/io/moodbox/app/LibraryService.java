package io.moodbox.app;

import io.moodbox.music.LibraryRoots;
import io.moodbox.music.MusicConfig;
import io.moodbox.music.MusicLibrary;
import io.moodbox.music.SampleLibrary;
import io.moodbox.music.Track;
import io.moodbox.web.LibraryView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the music library scanned on its own thread ({@code moodbox-library}): the sample library
 * is written first where the owner has no music yet (if {@code music.sample-library}), then the
 * folders are scanned; {@link #rescan()} scans again. Serves the page's {@link LibraryView}.
 * Thread-safe; never blocks a caller on a scan.
 */
final class LibraryService implements LibraryView, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LibraryService.class);

    private final MusicConfig config;
    private final MusicLibrary library;
    private final Problems problems;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Moodbox.named("moodbox-library"));
    private final AtomicBoolean scanning = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final LibraryRoots roots;
    private volatile ScanProgress progress = ScanProgress.idle();

    LibraryService(MusicConfig config, MusicLibrary library, Problems problems) {
        this(config, library, problems, new LibraryRoots(config));
    }

    LibraryService(MusicConfig config, MusicLibrary library, Problems problems, LibraryRoots roots) {
        this.config = config;
        this.roots = roots;
        this.library = library;
        this.problems = problems;
    }

    /** Writes the samples if wanted and starts the first scan, in the background. */
    void start() {
        if (config.sampleLibrary()) {
            worker.execute(() -> {
                try {
                    if (SampleLibrary.generateIfEmpty(config.roots().getFirst()))
                        log.info("No music found: wrote the sample library into {}", config.roots().getFirst());
                } catch (RuntimeException e) {
                    log.warn("Could not write the sample library into {}: {}", config.roots().getFirst(), e.getMessage());
                }
            });
        }
        rescan();
    }

    /** Starts a scan unless one is running; false when one already is (or the box is stopping). */
    boolean rescan() {
        if (!scanning.compareAndSet(false, true)) {
            log.info("A library scan is already running");
            return false;
        }
        progress = new ScanProgress(true, 0, 0, null, "scanning");
        try {
            worker.execute(this::scan);
            return true;
        } catch (RejectedExecutionException e) {
            scanning.set(false);   // stopping
            return false;
        }
    }

    /** A scan now, or right after the one running (a stick came or went, a file was uploaded). */
    void rescanSoon() {
        if (!rescan()) again.set(true);
    }

    /** The music folders, for a sentence: "audio-library" or "/srv/music, /media/usb". */
    String rootsInWords() {
        return String.join(", ", config.roots().stream().map(Object::toString).toList());
    }

    private void scan() {
        try {
            MusicLibrary.ScanReport r = library.scan(p -> progress = new ScanProgress(true, p.done(), p.total(), null,
                    p.current() == null ? "scanning" : "reading " + where(p.current())));
            String how = r.tracks() + " tracks (" + r.analysed() + " analysed, " + r.cached() + " from the cache, "
                    + r.skipped() + " unusable) in " + r.took().toSeconds() + " s";
            progress = new ScanProgress(false, r.audioFiles(), r.audioFiles(), Instant.now(), how);
            log.info("Music library: {}", how);
            r.problems().forEach(p -> log.warn("Music library: {}", p));
            // Analysing (and writing the sample library) decodes whole tracks into large, short-lived
            // arrays, some of which reach the old generation. One full collection now, once per scan,
            // lets the heap shrink back (the unit's -XX:MaxHeapFreeRatio) instead of the box keeping
            // that memory resident for good. Serial GC on a ~20 MB heap: tens of ms, on this thread's time.
            if (r.analysed() > 0) System.gc();
            scanned.run();
            if (r.tracks() == 0)
                problems.set("music", "No music found in " + config.roots() + "; add some or run 'moodbox samples'.");
            else problems.clear("music");
        } catch (RuntimeException e) {
            progress = new ScanProgress(false, 0, 0, Instant.now(), "the scan failed: " + e.getMessage());
            log.error("Music library scan failed", e);
            problems.set("music", "The music library could not be scanned (" + e.getMessage() + ").");
        } finally {
            scanning.set(false);
            if (again.getAndSet(false)) rescan();
        }
    }

    /** "song.mp3", or "song.mp3 on USB stick MUSIC" for a file not in the owner's own folders. */
    private String where(java.nio.file.Path file) {
        String name = String.valueOf(file.getFileName());
        return roots.rootOf(file).filter(r -> r.kind() != LibraryRoots.Root.Kind.FOLDER)
                .map(r -> name + " (" + r.name() + ")").orElse(name);
    }

    @Override
    public List<Source> sources() {
        Map<LibraryRoots.Root, Integer> counts = new LinkedHashMap<>();
        for (LibraryRoots.Root r : roots.all()) counts.put(r, 0);
        for (Track t : library.tracks()) roots.rootOf(t.path()).ifPresent(r -> counts.computeIfPresent(r, (k, n) -> n + 1));
        List<Source> out = new ArrayList<>();
        counts.forEach((r, n) -> out.add(new Source(r.name(), r.kind().name().toLowerCase(java.util.Locale.ROOT), n)));
        return out;
    }


    @Override
    public List<Track> tracks() { return library.tracks(); }

    /** The owner's correction of one track's mood; see {@link MusicLibrary#correct}. */
    Track correct(String trackId, String mood) { return library.correct(trackId, mood); }

    @Override
    public Map<String, List<Track>> tracksByMood() {
        Map<String, List<Track>> out = new LinkedHashMap<>();
        for (Track t : library.tracks()) out.computeIfAbsent(t.mood(), m -> new ArrayList<>()).add(t);
        out.replaceAll((m, l) -> List.copyOf(l));
        return out;
    }

    private volatile Runnable scanned = () -> { };

    /** Called on the library thread after each scan (the player looks for a first track then). */
    void onScanned(Runnable r) { scanned = r; }

    private volatile java.util.function.Supplier<List<Track>> queue = List::of;

    /** Where {@link #queue()} comes from: the player's queue, once it is started. */
    void queueFrom(java.util.function.Supplier<List<Track>> q) { queue = q; }

    @Override
    public List<Track> queue() { return queue.get(); }

    @Override
    public ScanProgress scanProgress() { return progress; }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            // A scan still running is abandoned: its thread is a daemon and the cache is written atomically.
            if (!worker.awaitTermination(1, TimeUnit.SECONDS)) log.info("Stopping with a library scan unfinished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        library.close();
    }
}
