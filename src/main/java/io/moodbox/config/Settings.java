package io.moodbox.config;

import io.moodbox.app.DaemonConfig;
import io.moodbox.camera.CameraConfig;
import io.moodbox.camera.FrameSources;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.vision.FaceFinders;
import io.moodbox.vision.VisionConfig;
import io.moodbox.device.DeviceConfig;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.mood.MoodConfig;
import io.moodbox.web.WebConfig;
import io.moodbox.music.MusicConfig;
import io.moodbox.config.Reader.Definition;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The box's settings: the defaults each stage's record declares in its {@code from(Reader)},
 * overlaid by the owner's file ({@code /etc/moodbox/moodbox.properties} or {@code --config FILE}),
 * overlaid by environment variables ({@code MOODBOX_CAMERA_FPS} sets {@code camera.fps}),
 * overlaid by command-line options.
 *
 * <p>Every stage's config record is built once per change from one consistent set of values
 * ({@link Snapshot}); building it is the validation, and a message names the key. The keys, their
 * defaults, labels, help texts, groups and live flags are what the records read
 * ({@link Reader.Definition}); a key read through {@link Reader#live()} is applied by a
 * {@link SettingsListener} without a restart.
 *
 * <p><b>Renamed keys.</b> Keys are kebab-case; a key's old snake_case name
 * ({@code vision.min_face_px} for {@code vision.min-face-px}) is still read from the owner's file
 * and the command line, logged once and listed in {@link #problems()} as renamed, and the next
 * save writes the new name in its place.
 *
 * <p><b>The owner's file never stops the box.</b> A file that does not parse is replaced, for
 * this run, by its last good copy ({@code moodbox.properties.last-good}, written whenever the file
 * loads cleanly or is saved); a value that does not validate falls back to its last good value,
 * else to its default. Each such fallback is logged and listed in {@link #problems()} for the
 * page. The environment and the command line are the operator's, typed at the box: a bad value
 * there still stops the start with one sentence, as before.
 *
 * <p><b>An update is checked as the next start will read it:</b> each value on its own (text,
 * no control characters), then the owner's file with the new values over the defaults without
 * any environment or command-line override (what the next start sees if those are gone), then
 * the effective set, then what the new values point at on this machine (a video file that
 * plays, a model that loads, a folder that exists, a port that is free), asked of the stage that
 * owns them. Only then is the file written, atomically ({@link OwnerFile}).
 *
 * <p>Thread-safe: readers see one snapshot at a time; updates and reloads are serialised.
 *
 * <p><b>Adding your stage's settings:</b> give your record a {@code static XConfig from(Reader r)}
 * that reads each key with its default, label and help on one line (DEVELOPERS.md, "Config"); add
 * a field and its {@code from} call to {@link Snapshot} and an accessor here. If a value names a
 * file or device, check it in {@link #checkWhatValuesPointAt}.
 */
public final class Settings {
    private static final Logger log = LoggerFactory.getLogger(Settings.class);

    /** The owner's file on an installed box. */
    public static final Path ETC_FILE = Path.of("/etc/moodbox/moodbox.properties");
    static final String ENV_PREFIX = "MOODBOX_";

    // ---- stage records: one accessor each; build yours in Snapshot below ----

    public MoodConfig mood() { return snapshot.mood; }

    public DaemonConfig daemon() { return snapshot.daemon; }

    public EmotionConfig emotion() { return snapshot.emotion; }

    public WebConfig web() { return snapshot.web; }

    /** The frame source: {@code camera.source} read as {@link CameraConfig#parse} does, plus camera.* keys. */
    public CameraConfig camera() { return snapshot.camera; }

    public VisionConfig vision() { return snapshot.vision; }

    public DeviceConfig device() { return snapshot.device; }

    public MusicConfig music() { return snapshot.music; }

    /** One consistent set of stage records built from one set of values; constructing it validates all. */
    private static final class Snapshot {
        final Values values;
        final MoodConfig mood;
        final DaemonConfig daemon;
        final EmotionConfig emotion;
        final WebConfig web;
        final CameraConfig camera;
        final VisionConfig vision;
        final DeviceConfig device;
        final MusicConfig music;

        Snapshot(Map<String, String> raw) {
            this(raw, Reader.of(raw));
        }

        /** Each record reads its own keys, defaults beside them; the order here is the page's. */
        Snapshot(Map<String, String> raw, Reader r) {
            values = new Values(raw);
            camera = CameraConfig.from(r);
            // The source as written ("clip.mp4"), for the daemon's log; unset only while the defaults are collected.
            String source = values.string("camera.source");
            daemon = DaemonConfig.from(r, source != null ? source : camera.describe());
            vision = VisionConfig.from(r);
            emotion = EmotionConfig.from(r);
            mood = MoodConfig.from(r);
            music = MusicConfig.from(r);
            device = DeviceConfig.from(r);
            web = WebConfig.from(r);
        }
    }

    /** Every key the records read, in their order, with default, label, help, live flag and group. */
    private static final Map<String, Definition> DEFINITIONS = Reader.byKey(Reader.definitions(r -> new Snapshot(Map.of(), r)));

    /** Old snake_case names by the key each became: {@code mood.hold_s} -> {@code mood.hold-s}. */
    private static final Map<String, String> OLD_NAMES = oldNames();

    private static Map<String, String> oldNames() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : DEFINITIONS.keySet())
            if (!Reader.oldName(k).equals(k)) m.put(Reader.oldName(k), k);
        return Collections.unmodifiableMap(m);
    }

    // ---- the machinery ----


    /** What an update did: keys whose value changed, split into applied live and needing a restart. */
    public record Update(Set<String> changed, Set<String> live, Set<String> needsRestart, Set<String> overridden) {
        public Update {
            changed = Set.copyOf(changed);
            live = Set.copyOf(live);
            needsRestart = Set.copyOf(needsRestart);
            overridden = Set.copyOf(overridden);
        }
    }

    /** A value of the owner's file the box does not use: what it was, why, and what it uses instead. */
    private record Fallback(String key, String value, String why, String instead) {}

    /** A snapshot and the file values it was built from, with the fallbacks that took. */
    private record Resolved(Snapshot snapshot, Map<String, String> used, List<Fallback> fallbacks) {}

    private final Map<String, Definition> keys;
    private final OwnerFile owner;
    private final Map<String, String> envOverrides;
    private final Map<String, String> commandLine;
    private final List<SettingsListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;
    /** The owner's file as the next save writes over: its values on disk (or, when it did not parse, the last good ones). */
    private volatile Map<String, String> fileValues;
    /** Keys whose file value is not used, so the page can say so. */
    private volatile Set<String> ignored = Set.of();
    private volatile List<String> problems = List.of();
    private final Set<String> toldRenamed = new HashSet<>();   // guarded by this
    private List<String> fileProblems = List.of();   // guarded by this
    private String saveProblem;                      // guarded by this
    private FileStamp seen;
    private FileStamp pending;

    private Settings(Map<String, Definition> keys, Path ownerFile, Map<String, String> envOverrides,
                     Map<String, String> commandLine) {
        this.keys = keys;
        this.owner = new OwnerFile(ownerFile, k -> known(k, keys), Settings::currentName);
        this.envOverrides = envOverrides;
        this.commandLine = commandLine;
    }

    /**
     * Loads the defaults, the owner's file (which need not exist yet: updates create it), the
     * environment ({@code System.getenv()} in production) and command-line overrides, and builds
     * every record. What is wrong in the owner's file falls back (see the class comment) and is
     * listed in {@link #problems()}; a bad environment or command-line value throws
     * {@link ConfigException} naming the key and where it was set.
     */
    public static Settings load(Path ownerFile, Map<String, String> environment, Map<String, String> commandLine) {
        Objects.requireNonNull(ownerFile, "ownerFile");
        Map<String, Definition> keys = DEFINITIONS;
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : keys.keySet()) {
            String v = environment.get(envName(k));
            if (v != null) env.put(k, v);
        }
        Map<String, String> options = new LinkedHashMap<>();
        commandLine.forEach((k, v) -> {
            String now = currentName(k);
            if (!known(now, keys)) throw unknown(k, keys);
            if (!now.equals(k)) log.warn("Setting {} is now called {}; the command line's value is read under the new name", k, now);
            options.put(now, v);
        });
        Settings s = new Settings(keys, ownerFile, Map.copyOf(env), Map.copyOf(options));
        synchronized (s) {
            FileStamp stamp = FileStamp.of(ownerFile);
            s.owner.removeStaleTemporaries();
            s.loadFile(s.owner.read(), true);
            s.seen = stamp;
        }
        if (!env.isEmpty()) log.info("Environment overrides: {}", env.keySet());
        return s;
    }

    /** Only the shipped defaults (tests, and tools that need no owner's settings); updates go to a file under the temp folder. */
    public static Settings defaults() {
        Path none = Path.of(System.getProperty("java.io.tmpdir"), "moodbox-defaults-" + UUID.randomUUID(), "moodbox.properties");
        return load(none, Map.of(), Map.of());
    }

    /** The environment variable that overrides a key: {@code camera.fps} -> {@code MOODBOX_CAMERA_FPS}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public Path ownerFile() { return owner.path(); }

    /** Beside the owner's file: the last version of it that loaded cleanly or was saved. */
    public Path lastGoodFile() { return owner.lastGood(); }

    public void addListener(SettingsListener l) { listeners.add(l); }

    public void removeListener(SettingsListener l) { listeners.remove(l); }

    /** Whether a change to this key takes effect without a restart. */
    public boolean isLive(String key) {
        Definition k = keys.get(currentName(key));
        if (k == null) throw unknown(key, keys);
        return k.live();
    }

    /** The effective raw value of a key (an old name reads the key it became). */
    public String get(String name) {
        String key = currentName(name);
        if (!keys.containsKey(key)) throw unknown(name, keys);
        return snapshot.values.string(key);
    }

    /**
     * Every key with its current value, default, description, live flag and origin, in the
     * order the records read them. A key whose file value is not valid has the origin
     * {@code "file value ignored"} and the value the box uses instead.
     */
    public List<Setting> view() {
        Snapshot s = snapshot;
        Map<String, String> file = fileValues;
        Set<String> bad = ignored;
        List<Setting> out = new ArrayList<>(keys.size());
        for (Definition k : keys.values()) {
            String origin = commandLine.containsKey(k.key()) ? "command line"
                    : envOverrides.containsKey(k.key()) ? "env " + envName(k.key())
                    : bad.contains(k.key()) ? IGNORED
                    : file.containsKey(k.key()) ? "file" : "default";
            out.add(new Setting(k.key(), s.values.asMap().get(k.key()), k.defaultValue(), k.help(), k.live(), origin,
                    k.label(), k.group()));
        }
        return out;
    }

    /**
     * The page's settings with {@code web.bind} and {@code web.port} back at their shipped
     * defaults where the owner's file set them: where the page goes when the owner's choice
     * cannot be bound at startup, so the owner can still reach it. Empty when the file set
     * neither, or an override did (then the address is the operator's, and a failure stands).
     */
    public Optional<WebConfig> webAtDefaultAddress() {
        Map<String, String> raw = new LinkedHashMap<>(snapshot.values.asMap());
        boolean changed = false;
        for (String k : List.of("web.bind", "web.port")) {
            if (envOverrides.containsKey(k) || commandLine.containsKey(k)) return Optional.empty();
            String d = keys.get(k).defaultValue();
            if (fileValues.containsKey(k) && !same(raw.get(k), d)) {
                raw.put(k, d);
                changed = true;
            }
        }
        return changed ? Optional.of(new Snapshot(raw).web) : Optional.empty();
    }

    /** {@link Setting#origin()} of a key whose value in the owner's file is not valid and not used. */
    public static final String IGNORED = "file value ignored";

    /**
     * What the owner should know about the settings now, in plain sentences for the page: parts
     * of the owner's file that are not used (and what is used instead), and a save that failed.
     * Empty when all is well.
     */
    public List<String> problems() { return problems; }

    /** The first of {@link #problems()}, if any. */
    public Optional<String> fileError() { return problems.stream().findFirst(); }

    /**
     * Changes settings from the page or console. Checks first, as the class comment says
     * (nothing is saved if any new value is bad; the message names the key, shows the value with
     * control characters escaped, and says what would be valid), saves the owner's file atomically
     * (the previous one kept as {@code .bak}), then tells listeners which keys changed. A null
     * value returns a key to its default. A failed write throws {@link ConfigException.NotSaved}
     * and changes nothing.
     */
    public synchronized Update update(Map<String, String> asked) {
        Map<String, String> changes = new LinkedHashMap<>();
        asked.forEach((k, v) -> changes.put(currentName(k), v));   // an old name saves under the new one
        for (String k : changes.keySet())
            if (!known(k, keys)) throw unknown(k, keys);
        Map<String, String> file = new LinkedHashMap<>(fileValues);
        Map<String, String> saved = new LinkedHashMap<>();
        changes.forEach((k, v) -> {
            if (v == null) {
                file.remove(k);
                saved.put(k, null);
                return;
            }
            String value = v.strip();
            String why = Values.textProblem(k, value);
            if (why != null) throw new ConfigException(why + allowed(k));
            file.put(k, value);
            saved.put(k, value);
        });
        Map<String, String> lastGood = owner.readLastGood().values();
        // As the next start reads it: the owner's file over the defaults, no environment or command line.
        Resolved next = resolve(file, false, changes.keySet(), lastGood, Map.of());
        // As it runs now.
        Resolved now = resolve(file, true, changes.keySet(), lastGood, Map.of());
        checkWhatValuesPointAt(next.snapshot(), snapshot, changedValues(changes.keySet(), next.snapshot()));

        byte[] bytes = save(saved);
        List<Fallback> still = new ArrayList<>(now.fallbacks());
        if (still.isEmpty() && next.fallbacks().isEmpty()) owner.keepLastGood(bytes);
        saveProblem = null;
        setFileProblems(describe(still, next.fallbacks()), ignoredKeys(still, next.fallbacks()));
        return apply(now.snapshot(), file, FileStamp.of(owner.path()));
    }

    /** The changed keys whose value differs from what runs now (checking an unchanged file or port again would refuse it: the box holds it). */
    private Set<String> changedValues(Set<String> changed, Snapshot next) {
        Set<String> out = new HashSet<>();
        for (String k : changed)
            if (!same(next.values.asMap().get(k), snapshot.values.asMap().get(k)) || ignored.contains(k)) out.add(k);
        return out;
    }

    /**
     * Reloads the owner's file if it changed on disk and has stayed unchanged since the previous
     * call (debounce: call it every second or so from one thread). A file that no longer parses
     * keeps the previous settings; a value that does not validate falls back to its last good
     * value, else its default; both are listed in {@link #problems()}. Returns the keys that changed.
     */
    public synchronized Set<String> reloadIfChanged() {
        FileStamp now = FileStamp.of(owner.path());
        if (now.equals(seen)) {
            pending = null;
            return Set.of();
        }
        if (!now.equals(pending)) {   // still being written, or just changed: wait for it to settle
            pending = now;
            return Set.of();
        }
        pending = null;
        seen = now;
        OwnerFile.Read read = owner.read();
        if (!read.exists() && !fileValues.isEmpty()) {
            // Gone (deleted, or its folder unmounted): a missing file is not an instruction to run on the defaults.
            log.error("Settings file {} is gone; keeping the current settings", owner.path());
            setFileProblems(List.of("The settings file " + owner.path() + " is gone. The box keeps its current settings; "
                    + "save any setting on this page to write the file again."), ignored);
            return Set.of();
        }
        if (!read.ok()) {
            String p = "The settings file " + owner.path() + " was changed but cannot be used: " + read.error()
                    + ". The box keeps its previous settings; correct the file, or save any setting on this page to rewrite it.";
            log.error("Settings file {} changed but cannot be used ({}); keeping the previous settings", owner.path(), read.error());
            owner.keepBroken(read.bytes());
            setFileProblems(List.of(p), ignored);
            return Set.of();
        }
        try {
            boolean wasBad = !fileProblems.isEmpty();
            Set<String> changed = loadFile(read, false);
            if (wasBad && fileProblems.isEmpty()) log.info("Settings file {} is valid again", owner.path());
            if (!changed.isEmpty()) log.info("Settings file {} changed: {}", owner.path(), changed);
            return changed;
        } catch (ConfigException e) {
            // Only the environment or command line can fail here (the file's own faults fall back).
            log.warn("Settings file {} changed but does not fit the environment's overrides, keeping the previous settings: {}",
                    owner.path(), e.getMessage());
            setFileProblems(List.of("The settings file was changed but cannot be used with this box's overrides: " + e.getMessage()), ignored);
            return Set.of();
        }
    }

    /**
     * Makes {@code read} (the owner's file as just read) the settings: falls back where it must,
     * logs and lists what is not used, keeps a clean file as the last good one. Returns the keys
     * whose effective value changed (telling listeners unless {@code startup}).
     */
    private Set<String> loadFile(OwnerFile.Read read, boolean startup) {
        OwnerFile.Read lastGood = owner.readLastGood();
        List<String> told = new ArrayList<>();
        Map<String, String> base;
        if (read.ok()) {
            base = read.values();
        } else {
            owner.keepBroken(read.bytes());
            base = lastGood.ok() ? lastGood.values() : Map.of();
            String instead = lastGood.ok() && lastGood.exists() ? "its last good copy (" + owner.lastGood().getFileName() + ")"
                    : "the shipped defaults (there is no good copy of it yet)";
            log.error("Settings file {} cannot be used: {}. Starting on {} instead{}", owner.path(), read.error(), instead,
                    read.bytes().length > 0 ? "; what was there is kept as " + owner.broken() : "");
            told.add("The settings file " + owner.path() + " cannot be used: " + read.error() + ". The box runs on " + instead
                    + (read.bytes().length > 0 ? "; what was in the file is kept as " + owner.broken().getFileName() : "")
                    + ". Correct the file, or save any setting on this page to write a good one.");
        }
        told.addAll(renamedNotices(read));
        Map<String, String> preFailed = new LinkedHashMap<>();
        read.repeated().forEach((k, n) -> preFailed.put(k, k + " is set " + n + " times; keep one line for it"));
        Resolved now = resolve(base, true, Set.of(), lastGood.values(), preFailed);
        Resolved next = envOverrides.isEmpty() && commandLine.isEmpty() ? now : resolveQuietly(base, lastGood.values(), preFailed);
        for (Fallback f : now.fallbacks())
            log.error("Settings file {}: {} = {} is not used ({}); using {} instead", owner.path(), f.key(), Values.shown(f.value()),
                    f.why(), f.instead());
        told.addAll(describe(now.fallbacks(), next == null ? List.of() : next.fallbacks()));
        if (read.ok() && read.exists() && now.fallbacks().isEmpty() && (next == null || next.fallbacks().isEmpty()) && preFailed.isEmpty())
            owner.keepLastGood(read.bytes());
        Set<String> bad = ignoredKeys(now.fallbacks(), next == null ? List.of() : next.fallbacks());
        if (startup) {
            snapshot = now.snapshot();
            fileValues = Map.copyOf(base);
            setFileProblems(told, bad);
            return Set.of();
        }
        setFileProblems(told, bad);
        return apply(now.snapshot(), base, seen).changed();
    }

    /**
     * One sentence per old key name in the owner's file, for the page; each is logged once per
     * run (a reload of the same file does not log it again). A save writes the new names.
     */
    private List<String> renamedNotices(OwnerFile.Read read) {
        List<String> out = new ArrayList<>();
        String file = owner.path().getFileName().toString();
        read.renamed().forEach((old, now) -> {
            boolean both = fileSetsBoth(read, now);
            if (toldRenamed.add(old))
                log.warn("Settings file {}: setting {} is now called {}; {}", owner.path(), old, now,
                        both ? "the file sets both, so the new one is used" : "its value is read under the new name");
            out.add("Setting " + old + " in " + file + " is now called " + now + (both
                    ? "; the file sets both names, so the box uses " + now + ". The next save keeps the old line as a comment."
                    : "; the box reads it under the new name, and the next save writes it as " + now + "."));
        });
        return out;
    }

    /** Whether the file's own text sets the new name as well as the old (then the old line is not used). */
    private static boolean fileSetsBoth(OwnerFile.Read read, String now) {
        String text = new String(read.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        return Pattern.compile("(?m)^[ \\t\\f]*" + Pattern.quote(now) + "(?=[\\s=:]|$)").matcher(text).find();
    }

    /** A key's current name: itself, or the kebab-case key an old snake_case name became. */
    static String currentName(String key) {
        if (known(key, DEFINITIONS)) return key;
        String now = OLD_NAMES.get(key);
        return now == null ? key : now;
    }

    /** The file as the next start reads it without overrides, or null if even that is not buildable (reported by the caller). */
    private Resolved resolveQuietly(Map<String, String> base, Map<String, String> lastGood, Map<String, String> preFailed) {
        try {
            return resolve(base, false, Set.of(), lastGood, preFailed);
        } catch (ConfigException e) {
            return null;
        }
    }

    private void setFileProblems(List<String> fileProblems, Set<String> ignoredKeys) {
        this.fileProblems = List.copyOf(fileProblems);
        this.ignored = Set.copyOf(ignoredKeys);
        List<String> all = new ArrayList<>(this.fileProblems);
        if (saveProblem != null) all.add(saveProblem);
        problems = List.copyOf(all);
    }

    private Set<String> ignoredKeys(List<Fallback> now, List<Fallback> next) {
        Set<String> out = new HashSet<>();
        now.forEach(f -> out.add(f.key()));
        next.forEach(f -> out.add(f.key()));
        return out;
    }

    /** One plain sentence per fallback; those only the next start would take (an override hides them now) say so. */
    private List<String> describe(List<Fallback> now, List<Fallback> next) {
        List<String> out = new ArrayList<>();
        Set<String> seenKeys = new HashSet<>();
        for (Fallback f : now) {
            seenKeys.add(f.key());
            out.add("Setting " + f.key() + " in " + owner.path().getFileName() + " is not valid (" + f.why() + "), so the box uses "
                    + f.instead() + ". Correct it on this page.");
        }
        for (Fallback f : next) {
            if (!seenKeys.add(f.key())) continue;
            String by = commandLine.containsKey(f.key()) ? "the command line" : "environment variable " + envName(f.key());
            out.add("Setting " + f.key() + " in " + owner.path().getFileName() + " is not valid (" + f.why() + "); " + by
                    + " overrides it now, but without that the box would use " + f.instead() + ". Correct it on this page.");
        }
        return out;
    }

    /**
     * Builds a snapshot from the defaults, {@code file} and (if {@code overrides}) the environment
     * and command line. A value of the file that fails, on its own or in the build, falls back to
     * its value in {@code lastGood} (once), else is dropped for its default, and the build is tried
     * again. A failure that names a key of {@code strict} (the keys being saved), or that no file
     * value can be blamed for (the environment, the command line), throws with where it came from.
     */
    private Resolved resolve(Map<String, String> file, boolean overrides, Set<String> strict,
                             Map<String, String> lastGood, Map<String, String> preFailed) {
        Map<String, String> used = new LinkedHashMap<>();
        file.forEach((k, v) -> used.put(k, v.strip()));
        Map<String, Fallback> fallbacks = new LinkedHashMap<>();
        Set<String> triedLastGood = new HashSet<>();
        for (var e : preFailed.entrySet()) fallBack(e.getKey(), e.getValue(), used, lastGood, triedLastGood, fallbacks);
        if (overrides) {
            for (var e : overridesMap().entrySet()) {
                String why = Values.textProblem(e.getKey(), e.getValue().strip());
                if (why != null) throw new ConfigException(why + origin(e.getKey(), used, overrides, strict));
            }
        }
        for (String k : List.copyOf(used.keySet())) {
            String why = Values.textProblem(k, used.get(k));
            if (why == null) continue;
            if (strict.contains(k)) throw new ConfigException(why + allowed(k));
            fallBack(k, why, used, lastGood, triedLastGood, fallbacks);
        }
        for (int round = 0; ; round++) {
            ConfigException failure;
            try {
                Snapshot s = build(used, overrides);
                // Only the file's own source: one given on the command line is checked where the box opens it (and stops it).
                if (used.containsKey("camera.source") && !(overrides && overridesMap().containsKey("camera.source"))) checkPresent(s);
                return new Resolved(s, Map.copyOf(used), List.copyOf(fallbacks.values()));
            } catch (ConfigException e) {
                failure = e;
            }
            String message = failure.getMessage() == null ? "" : failure.getMessage();
            Set<String> blameable = new LinkedHashSet<>(used.keySet());
            if (overrides) blameable.removeAll(overridesMap().keySet());
            String key = named(message, strict).isEmpty() ? firstNamed(message, blameable) : null;
            if (key == null || round > keys.size() + used.size())
                throw new ConfigException(message + origin(message, used, overrides, strict), failure);
            fallBack(key, message, used, lastGood, triedLastGood, fallbacks);
        }
    }

    private void fallBack(String key, String why, Map<String, String> used, Map<String, String> lastGood,
                          Set<String> triedLastGood, Map<String, Fallback> fallbacks) {
        String was = used.get(key);
        String good = lastGood.get(key);
        Fallback earlier = fallbacks.get(key);
        String instead;
        if (good != null && !good.strip().equals(was) && Values.textProblem(key, good.strip()) == null && triedLastGood.add(key)) {
            used.put(key, good.strip());
            instead = "its last good value " + Values.shown(good.strip());
        } else {
            used.remove(key);
            Definition k = keys.get(key);
            instead = k == null ? "nothing (the key is left out)" : "its default " + Values.shown(k.defaultValue());
        }
        fallbacks.put(key, earlier == null ? new Fallback(key, was, why, instead) : new Fallback(key, earlier.value(), earlier.why(), instead));
    }

    private Map<String, String> overridesMap() {
        Map<String, String> m = new LinkedHashMap<>(envOverrides);
        m.putAll(commandLine);
        return m;
    }

    /**
     * What the next start checks before it opens anything: a video file or image folder named by
     * {@code camera.source} exists (the stage itself retries one that vanishes later).
     */
    private static void checkPresent(Snapshot s) {
        CameraConfig c = s.camera;
        if ((c.kind() == CameraConfig.Kind.FILE || c.kind() == CameraConfig.Kind.FOLDER) && !Files.exists(Path.of(c.device())))
            throw new ConfigException("camera.source " + c.device() + " does not exist; give a video file, an image folder, "
                    + "/dev/videoN, csi, demo, auto or none");
    }

    /**
     * Before a save: what the changed values point at is what the key means, asked of the stage
     * that knows (a source that opens, a model that loads, a free port); and the music folders
     * exist. Throws {@link ConfigException} naming the key.
     */
    private static void checkWhatValuesPointAt(Snapshot next, Snapshot running, Set<String> changed) {
        if (changed.contains("camera.source")) FrameSources.check(next.camera);
        if (changed.contains("emotion.model")) EmotionClassifier.check(next.emotion.model());
        if (changed.contains("vision.blazeface-model")) FaceFinders.check(next.vision);
        if (changed.contains("web.owner-file") || changed.contains("web.port") || changed.contains("web.bind"))
            next.web.check(running.web);
        if (changed.contains("music.roots")) {
            for (Path root : next.music.roots()) {
                Path r = root.normalize();
                if (!Files.isDirectory(r))
                    throw new ConfigException("music.roots: " + root + (Files.exists(r) ? " is not a folder" : " does not exist")
                            + "; give folders of music that exist, comma-separated");
                if (!Files.isReadable(r)) throw new ConfigException("music.roots: the box cannot read the folder " + root);
            }
        }
        if (changed.contains("music.output") && next.music.output().file() != null) {
            Path f = next.music.output().file().toAbsolutePath().normalize(), dir = f.getParent();
            if (Files.isDirectory(f) || dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir))
                throw new ConfigException("music.output file:" + next.music.output().value() + " cannot be written ("
                        + (Files.isDirectory(f) ? f + " is a folder" : dir + " is not a folder the box may write to")
                        + "); give a .wav file in a folder that exists, e.g. file:/tmp/moodbox.wav");
        }
        if (changed.contains("music.state-dir")) {
            Path d = next.music.stateDir().toAbsolutePath().normalize();
            Path existing = d;
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing))
                throw new ConfigException("music.state-dir " + next.music.stateDir() + " cannot be created or written ("
                        + (existing == null ? "no such place" : existing + " is " + (Files.isDirectory(existing) ? "not writable" : "not a folder"))
                        + "); give a folder the box may write to");
        }
    }

    private Update apply(Snapshot next, Map<String, String> file, FileStamp stamp) {
        Snapshot old = snapshot;
        snapshot = next;
        fileValues = Map.copyOf(file);
        seen = stamp;
        Set<String> changed = new TreeSet<>();
        Set<String> all = new TreeSet<>(old.values.asMap().keySet());
        all.addAll(next.values.asMap().keySet());
        for (String k : all)
            if (!same(old.values.asMap().get(k), next.values.asMap().get(k))) changed.add(k);
        Set<String> live = new TreeSet<>(), restart = new TreeSet<>(), overridden = new TreeSet<>();
        for (String k : changed) (keys.containsKey(k) && keys.get(k).live() ? live : restart).add(k);
        for (String k : file.keySet())
            if (envOverrides.containsKey(k) || commandLine.containsKey(k)) overridden.add(k);
        if (!restart.isEmpty()) log.info("Settings {} take effect after a restart", restart);
        if (!changed.isEmpty()) {
            Set<String> view = Collections.unmodifiableSet(changed);
            for (SettingsListener l : listeners) {
                try {
                    l.settingsChanged(this, view);
                } catch (RuntimeException e) {
                    log.warn("Settings listener {} failed; carrying on", l, e);
                }
            }
        }
        return new Update(changed, live, restart, overridden);
    }

    /** Equal text, or equal numbers ("0.10" and "0.1"). */
    private static boolean same(String a, String b) {
        if (Objects.equals(a, b)) return true;
        if (a == null || b == null) return false;
        try {
            return Double.parseDouble(a.trim()) == Double.parseDouble(b.trim());
        } catch (NumberFormatException e) {
            return a.trim().equals(b.trim());
        }
    }

    private Snapshot build(Map<String, String> file, boolean overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        keys.values().forEach(k -> raw.put(k.key(), k.defaultValue()));
        raw.putAll(file);
        if (overrides) raw.putAll(overridesMap());
        return new Snapshot(raw);
    }

    // ---- messages ----

    private static final Pattern KEYISH = Pattern.compile("[a-z][a-z0-9_-]*(?:\\.[a-z0-9_-]+)+");

    /** The keys of {@code among} a message names, as whole words ("device.buttons" is not named by "device.buttons.poll-s"). */
    private static List<String> named(String message, Set<String> among) {
        List<String> out = new ArrayList<>();
        Matcher m = KEYISH.matcher(message);
        while (m.find()) {
            String word = m.group();
            // "... camera.retry-min-s..600": a key can run into a range; try the word and its shorter prefixes.
            for (String w = word; ; ) {
                if (among.contains(w)) {
                    if (!out.contains(w)) out.add(w);
                    break;
                }
                int dot = w.lastIndexOf('.');
                if (dot < 0) break;
                w = w.substring(0, dot);
            }
        }
        return out;
    }

    private static String firstNamed(String message, Set<String> among) {
        List<String> n = named(message, among);
        return n.isEmpty() ? null : n.getFirst();
    }

    /** Tells the owner where the bad value came from, for the first key the message names that an override or the save set. */
    private String origin(String message, Map<String, String> file, boolean overrides, Set<String> strict) {
        Set<String> all = new LinkedHashSet<>(keys.keySet());
        all.addAll(file.keySet());
        for (String k : named(message, all)) {
            if (overrides && commandLine.containsKey(k)) return " (given on the command line)";
            if (overrides && envOverrides.containsKey(k)) return " (set by environment variable " + envName(k) + ")";
            if (strict.contains(k)) {
                if (!overrides && (envOverrides.containsKey(k) || commandLine.containsKey(k)))
                    return " (" + (commandLine.containsKey(k) ? "the command line" : "environment variable " + envName(k))
                            + " overrides it now, but the next start without that reads this value from the file)";
                return "";
            }
        }
        return "";
    }

    /** "; allowed: <the key's description>", the record's help on what is valid. */
    private String allowed(String key) {
        String d = describeKey(key);
        return d.isEmpty() ? "" : " (" + key + ": " + d + ")";
    }

    private String describeKey(String key) {
        Definition k = keys.get(key);
        if (k != null) return k.help();
        String[] parts = key.split("\\.", -1);
        for (Definition t : keys.values()) {
            String[] p = t.key().split("\\.", -1);
            if (p.length == parts.length && p.length >= 4 && p[0].equals(parts[0]) && p[1].equals(parts[1]) && p[3].equals(parts[3]))
                return t.help();
        }
        return "";
    }

    // ---- files ----

    /**
     * Writes the owner's file with the changes, keeping the owner's comments and order (see
     * {@link OwnerFile}). Returns the bytes written. On failure nothing has changed on disk; the
     * reason is kept in {@link #problems()} until a save succeeds.
     */
    private byte[] save(Map<String, String> changes) {
        PropertiesConfiguration p = owner.forSave(new LinkedHashMap<>(fileValues));
        changes.forEach((k, v) -> {
            if (v == null) p.clearProperty(k);
            else p.setProperty(k, v);
        });
        byte[] bytes = OwnerFile.text(p);
        try {
            owner.replace(bytes);
            log.info("Saved settings {} to {}", changes.keySet(), owner.path());
            return bytes;
        } catch (AccessDeniedException e) {
            throw notSaved("no permission to write " + e.getFile() + "; run the box as its service user or start it with --config FILE", e);
        } catch (IOException e) {
            throw notSaved(OwnerFile.rootMessage(e), e);
        }
    }

    private ConfigException.NotSaved notSaved(String reason, IOException e) {
        log.error("Could not save the settings to {}: {}; nothing was changed", owner.path(), reason, e);
        saveProblem = "The settings could not be saved to " + owner.path() + " (" + reason + "). Nothing was changed; "
                + "make room on the box's storage (or fix its permissions) and save again.";
        setFileProblems(fileProblems, ignored);
        return new ConfigException.NotSaved("cannot save settings to " + owner.path() + ": " + reason + "; nothing was changed", e);
    }

    /**
     * A key the records define, or one of a family they show by example: keys of four
     * or more parts may vary in their third ({@code device.button.<name>.pin}).
     */
    private static boolean known(String key, Map<String, Definition> keys) {
        if (keys.containsKey(key)) return true;
        String[] parts = key.split("\\.", -1);
        if (parts.length < 4) return false;
        for (String k : keys.keySet()) {
            String[] p = k.split("\\.", -1);
            if (p.length != parts.length) continue;
            boolean match = true;
            for (int i = 0; i < p.length && match; i++) match = i == 2 ? parts[i].matches("[a-z][a-z0-9_-]{0,23}") : p[i].equals(parts[i]);
            if (match) return true;
        }
        return false;
    }

    private static ConfigException unknown(String key, Map<String, Definition> keys) {
        return new ConfigException("unknown setting '" + Values.shown(key).replace("'", "") + "'" + suggestion(key, keys.keySet())
                + "; see docs/config.md for every key");
    }

    private static String suggestion(String key, Set<String> known) {
        int dot = key.indexOf('.');
        String area = dot > 0 ? key.substring(0, dot + 1) : key;
        Set<String> same = new LinkedHashSet<>();
        for (String k : known) if (k.startsWith(area)) same.add(k);
        return same.isEmpty() ? "" : " (known " + area + "* keys: " + String.join(", ", same) + ")";
    }

    /** Last-modified time and size: enough to notice an edit without reading the file. */
    private record FileStamp(boolean exists, FileTime modified, long size) {
        static FileStamp of(Path p) {
            try {
                return new FileStamp(true, Files.getLastModifiedTime(p), Files.size(p));
            } catch (NoSuchFileException e) {
                return new FileStamp(false, null, -1);
            } catch (IOException e) {
                return new FileStamp(false, null, -2);
            }
        }
    }
}
