package io.moodbox.music;

import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@link MusicLibrary} over folders on disk, with {@link LibraryCache} and {@link Catalog}. */
final class FileMusicLibrary implements MusicLibrary {
    private static final Logger log = LoggerFactory.getLogger(FileMusicLibrary.class);
    static final Set<String> EXTENSIONS = Set.of("mp3", "flac", "ogg", "oga", "opus", "wav", "m4a", "aac", "mp4", "wma");
    /** Save the cache every so many analyses, so a power cut mid-scan loses little work. */
    private static final int SAVE_EVERY = 100;

    private final MusicConfig config;
    private final LibraryRoots roots;
    private final LibraryCache cache;
    private final Analyzer analyzer = new Analyzer();
    private volatile List<Track> tracks = List.of();
    private volatile boolean closed;
    private final MoodCorrections corrections;
    // What the tracks were last placed from, so an owner's correction re-places them without a scan.
    private final Object placing = new Object();
    private List<LibraryCache.Entry> placedEntries = List.of();
    private Catalog placedCatalog = new Catalog();

    FileMusicLibrary(MusicConfig config, LibraryRoots roots) {
        this.config = config;
        this.roots = roots;
        this.cache = new LibraryCache(config.cacheFile());
        this.corrections = new MoodCorrections(config.cacheFile().resolveSibling(MoodCorrections.FILE_NAME));
        synchronized (cache) {
            cache.load();
            // Until the first scan, serve what the cache knew, so music can start at once.
            publish(cache.entries(), Catalog.load(roots.paths(), new ArrayList<>()));
        }
    }

    private List<Track> publish(List<LibraryCache.Entry> entries, Catalog catalog) {
        synchronized (placing) {
            placedEntries = List.copyOf(entries);
            placedCatalog = catalog;
            tracks = place(placedEntries, catalog);
            return tracks;
        }
    }

    @Override
    public Track correct(String trackId, String mood) {
        String canonical = null;
        if (mood != null && !mood.isBlank() && !mood.equalsIgnoreCase("auto")) {
            canonical = MoodPoints.canonical(mood).orElseThrow(() -> new IllegalArgumentException("'" + mood
                    + "' is no mood the box knows; use one of " + String.join(", ", MoodPoints.CANONICAL.keySet()) + ", or auto"));
        }
        synchronized (placing) {
            Track t = tracks.stream().filter(x -> x.id().equals(trackId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no track " + trackId + " in the library (a re-scan may have removed it)"));
            try {
                corrections.set(t.path(), canonical);
            } catch (IOException e) {
                throw new io.moodbox.config.MoodboxException("the correction could not be saved (" + e.getMessage() + "); nothing changed", e);
            }
            // Only this track's place changes: every other one is placed from the same entries as before.
            tracks = place(placedEntries, placedCatalog);
            return tracks.stream().filter(x -> x.id().equals(trackId)).findFirst().orElse(t);
        }
    }

    @Override
    public List<Track> tracks() { return roots.present(tracks); }

    @Override
    public ScanReport scan(ScanListener listener) {
        synchronized (cache) {
            return scanLocked(listener == null ? p -> {} : listener);
        }
    }

    private ScanReport scanLocked(ScanListener listener) {
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        int[] ignored = {0};
        List<Path> scanned = roots.paths();
        for (Path root : scanned) list(root, files, ignored, problems);
        files.sort(Comparator.naturalOrder());
        log.info("Scanning music: {} audio files in {}", files.size(), scanned);
        Catalog catalog = Catalog.load(scanned, problems);

        int analysed = 0, cached = 0, skipped = 0, sinceSave = 0;
        long savedAt = System.nanoTime();
        List<LibraryCache.Entry> usable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        InProgress died = InProgress.read(inProgressFile());
        if (died != null) log.warn("The last library scan stopped while reading {} (attempt {}); the scan goes on from its cache", died.path(), died.attempts());
        boolean stopped = false;
        for (int i = 0; i < files.size(); i++) {
            if (closed) {
                // The box is stopping: keep what was analysed, forget nothing about the files not reached.
                stopped = true;
                break;
            }
            Path file = files.get(i);
            listener.progress(new ScanProgress(i, files.size(), skipped, file));
            String key = file.toString();
            seen.add(key);
            long size, mtime;
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                size = attrs.size();
                mtime = attrs.lastModifiedTime().toMillis();
            } catch (IOException e) {
                skipped++;
                problems.add(file + ": cannot be read (" + e.getMessage() + ")");
                log.warn("Skipping {}: cannot be read ({})", file, e.getMessage());
                continue;
            }
            if (!Files.isReadable(file)) {
                // Not remembered in the cache: fixing the permissions changes no size or mtime.
                skipped++;
                problems.add(file + ": the box may not read it (file permissions)");
                log.warn("Skipping {}: the box may not read it (file permissions)", file);
                continue;
            }
            LibraryCache.Entry e = cache.get(file, size, mtime);
            boolean fresh = e == null;
            if (fresh) {
                int attempts = died != null && died.path().equals(key) ? died.attempts() : 0;
                if (attempts >= GIVE_UP_AFTER) {
                    e = new LibraryCache.Entry(key, size, mtime, null, null, "the box stopped " + attempts + " times while reading "
                            + "this file (it may crash the decoder or need more memory than the box has); skipped until the file changes");
                } else {
                    if (!closed) InProgress.write(inProgressFile(), new InProgress(attempts + 1, key));
                    e = analyse(file, size, mtime);
                }
                if (e.error() != null && roots.gone(file)) {
                    // Gone while being read (a stick pulled): not a bad file, so nothing is remembered against it.
                    skipped++;
                    problems.add(file + ": went away while being read");
                    log.info("{} went away while being read; skipped", file);
                    continue;
                }
                cache.put(e);
                analysed++;
                // Saved every so many files and every half minute, so a power cut or kill mid-scan loses little work.
                if (++sinceSave >= SAVE_EVERY || System.nanoTime() - savedAt > SAVE_EVERY_NANOS) {
                    save();
                    sinceSave = 0;
                    savedAt = System.nanoTime();
                }
            } else {
                cached++;
            }
            if (e.error() != null) {
                skipped++;
                problems.add(file + ": " + e.error());
                // Warn when first found; a known-bad file from the cache is still counted, quietly.
                if (fresh) log.warn("Skipping {}: {}", file, e.error());
                else log.debug("Still skipping {}: {}", file, e.error());
            } else {
                usable.add(e);
            }
        }
        if (stopped) {
            save();
            InProgress.clear(inProgressFile());
            log.info("Music scan stopped with the box after {} of {} files; the next start goes on from the cache", seen.size(), files.size());
            return new ScanReport(files.size(), tracks.size(), analysed, cached, skipped, ignored[0], problems,
                    Duration.ofNanos(System.nanoTime() - t0));
        }
        listener.progress(new ScanProgress(files.size(), files.size(), skipped, null));
        // A stick not plugged in now keeps its analyses for when it comes back (LibraryRoots.keepCached).
        for (LibraryCache.Entry e : cache.entries()) if (roots.keepCached(e.path())) seen.add(e.path());
        cache.retain(seen);
        save();
        InProgress.clear(inProgressFile());
        List<Track> placed = publish(usable, catalog);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log.info("Music scan done in {} s: {} tracks ({} analysed, {} from cache), {} skipped, {} other files ignored",
                String.format(Locale.ROOT, "%.1f", took.toMillis() / 1000.0), placed.size(), analysed, cached, skipped, ignored[0]);
        return new ScanReport(files.size(), placed.size(), analysed, cached, skipped, ignored[0], problems, took);
    }

    /** Starts (a crash or kill) that died reading the same file before it is skipped. */
    static final int GIVE_UP_AFTER = 2;
    private static final long SAVE_EVERY_NANOS = 30_000_000_000L;

    private Path inProgressFile() { return config.stateDir().resolve("library-scan.current"); }

    /**
     * The file being analysed, written to the state folder before its decode starts and removed
     * when the scan ends: a start that finds it knows the previous scan died on that file. One
     * that keeps killing the box (a decoder crash, memory it does not have) is skipped after
     * {@link #GIVE_UP_AFTER} tries instead of restarting the box forever. Not fsynced: a power cut
     * that loses it only means one more try.
     */
    record InProgress(int attempts, String path) {
        static InProgress read(Path f) {
            try {
                String[] t = Files.readString(f, StandardCharsets.UTF_8).split("\t", 2);
                return new InProgress(Integer.parseInt(t[0].trim()), t[1].strip());
            } catch (IOException | RuntimeException e) {
                return null;   // none, or unreadable: nothing to go on
            }
        }

        static void write(Path f, InProgress p) {
            try {
                // Whole or not at all: a kill between truncating and writing must not leave an empty note.
                AtomicFile.write(f, w -> w.write(p.attempts() + "\t" + p.path() + "\n"));
            } catch (IOException e) {
                log.debug("Could not note the file being scanned in {}", f, e);
            }
        }

        static void clear(Path f) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.debug("Could not remove {}", f, e);
            }
        }
    }

    private LibraryCache.Entry analyse(Path file, long size, long mtime) {
        try {
            AudioFile.Decoded d = AudioFile.decodeExcerpt(file, config.analysisSeconds());
            TrackAnalysis a = analyzer.analyse(d);
            return new LibraryCache.Entry(file.toString(), size, mtime, d.info(), a, null);
        } catch (AudioFile.Unreadable e) {
            return new LibraryCache.Entry(file.toString(), size, mtime, null, null, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            // A decoder bug on one odd file must never stop the scan.
            return new LibraryCache.Entry(file.toString(), size, mtime, null, null, "could not be analysed: " + e);
        }
    }

    private void save() {
        try {
            cache.save();
        } catch (IOException e) {
            log.warn("Could not save the music cache {} ({}); the next start re-analyses", config.cacheFile(), e.getMessage());
        }
    }

    private void list(Path root, List<Path> files, int[] ignored, List<String> problems) {
        if (!Files.isDirectory(root)) {
            problems.add(root + ": music folder does not exist");
            log.warn("Music folder {} does not exist", root);
            return;
        }
        try {
            Files.walkFileTree(root.toAbsolutePath().normalize(), EnumSet.of(FileVisitOption.FOLLOW_LINKS), 32, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    Path name = dir.getFileName();
                    return name != null && name.toString().startsWith(".") && !dir.equals(root.toAbsolutePath().normalize())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    // Hidden files include macOS "._song.mp3" resource forks, which are not audio.
                    if (!attrs.isRegularFile() || name.startsWith(".") || !EXTENSIONS.contains(extension(name))) ignored[0]++;
                    else files.add(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                    log.warn("Cannot read {} ({}); skipping it", file, e.toString());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(root + ": " + e.getMessage());
            log.warn("Scanning {} failed part-way: {}", root, e.getMessage());
        }
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Places each file by folder, then tag, then catalog, then its own analysis. */
    private List<Track> place(List<LibraryCache.Entry> entries, Catalog catalog) {
        List<Track> out = new ArrayList<>(entries.size());
        for (LibraryCache.Entry e : entries) {
            if (e.error() != null || e.analysis() == null) continue;
            Path path = Path.of(e.path());
            AudioFile.Info info = e.info();
            TrackAnalysis a = e.analysis();
            Catalog.Entry ce = catalog.get(path);
            String mood, source;
            MoodPoints.Point point;
            Optional<String> folder = folderMood(path);
            Optional<String> tag = MoodPoints.canonical(info.mood());
            Optional<String> genre = MoodPoints.genreMood(info.genre());
            Optional<String> owner = corrections.get(path);
            if (owner.isPresent()) {
                mood = owner.get();
                source = "you";
                point = MoodPoints.point(mood);
            } else if (folder.isPresent()) {
                mood = folder.get();
                source = "folder";
                point = MoodPoints.point(mood);
            } else if (tag.isPresent()) {
                mood = tag.get();
                source = "tag";
                point = MoodPoints.point(mood);
            } else if (ce != null) {
                mood = ce.mood();
                source = "catalog";
                point = ce.point();
            } else if (genre.isPresent()) {
                mood = genre.get();
                source = "genre";
                point = MoodPoints.point(mood);
            } else if (info.bpm() > 0) {
                // A BPM tag is believed over the tempo the analysis heard; the rest is the sound's.
                TrackAnalysis re = Analyzer.place(new Analyzer.Features(info.bpm(), a.loudnessDb(), a.brightnessHz(),
                        a.onsetsPerSecond(), 0, a.major(), a.modeStrength(), a.analysedSeconds()));
                point = new MoodPoints.Point(re.valence(), re.arousal());
                mood = MoodPoints.nearest(point);
                source = "analysis+bpm";
            } else {
                point = new MoodPoints.Point(a.valence(), a.arousal());
                mood = MoodPoints.nearest(point);
                source = "analysis";
            }
            double bpm = info.bpm() > 0 ? info.bpm() : a.tempoBpm();
            out.add(new Track(id(e.path()), path, info.title(), info.artist(), info.album(), info.durationSeconds(),
                    point.valence(), point.arousal(), mood, source, info.genre(), bpm, info.gainDb(),
                    ce == null ? -1 : ce.popularity(), a));
        }
        out.sort(Comparator.comparing(t -> t.path().toString()));
        return List.copyOf(out);
    }

    /**
     * The nearest enclosing folder, below a root, named exactly like a mood or an emotion
     * ("audio-library/calm/x.flac"); synonyms are not used here, so an album called "Blue" stays an album.
     */
    private Optional<String> folderMood(Path file) {
        Path root = roots.paths().stream().filter(file.toAbsolutePath().normalize()::startsWith).findFirst().orElse(null);
        for (Path dir = file.getParent(); dir != null && root != null && dir.startsWith(root) && !dir.equals(root); dir = dir.getParent()) {
            Optional<String> m = MoodPoints.folderMood(dir.getFileName().toString());
            if (m.isPresent()) return m;
        }
        return Optional.empty();
    }

    static String id(String path) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        // Nothing native is held between scans: each file's grabber is closed after reading. A scan
        // still running stops after its current file; the note of that file goes now, as an orderly
        // stop is not a crash and must not count against it.
        closed = true;
        InProgress.clear(inProgressFile());
    }
}
