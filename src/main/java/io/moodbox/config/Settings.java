package io.moodbox.config;

import io.moodbox.app.DaemonConfig;
import io.moodbox.camera.CameraConfig;
import io.moodbox.vision.VisionConfig;
import io.moodbox.device.DeviceConfig;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.mood.MoodConfig;
import io.moodbox.web.WebConfig;
import io.moodbox.music.MusicConfig;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.PropertiesConfigurationLayout;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
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

/**
 * The box's settings: {@code moodbox-defaults.properties} inside the jar, overlaid by the owner's
 * file ({@code /etc/moodbox/moodbox.properties} or {@code --config FILE}), overlaid by environment
 * variables ({@code MOODBOX_CAMERA_FPS} sets {@code camera.fps}), overlaid by command-line options.
 *
 * <p>Every stage's config record is built once per change from one consistent set of values
 * ({@link Snapshot}); building it is the validation, so a bad value anywhere fails the whole
 * load or update with a message naming the key. Which keys change live is declared in the
 * defaults file: a key whose comment contains {@code [live]} is applied by a
 * {@link SettingsListener} without a restart.
 *
 * <p>Thread-safe: readers see one snapshot at a time; updates and reloads are serialised.
 *
 * <p><b>Adding your stage's settings:</b> put your keys, each with a one-line comment (and
 * {@code [live]} if your stage applies changes live), in your own {@code # --- area ---} block of
 * the defaults file; add a field and its construction to {@link Snapshot} and an accessor here.
 */
public final class Settings {
    private static final Logger log = LoggerFactory.getLogger(Settings.class);

    public static final String DEFAULTS_RESOURCE = "/moodbox-defaults.properties";
    /** The owner's file on an installed box. */
    public static final Path ETC_FILE = Path.of("/etc/moodbox/moodbox.properties");
    static final String ENV_PREFIX = "MOODBOX_";
    private static final String LIVE_TAG = "[live]";

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

        Snapshot(Values v) {
            values = v;
            mood = new MoodConfig(v.seconds("mood.half_life_s"), v.decimal("mood.switch_margin"),
                    v.seconds("mood.hold_s"), v.seconds("mood.nobody_after_s"), v.seconds("mood.max_step_s"));
            daemon = new DaemonConfig(v.string("camera.source"), v.integer("daemon.error_limit"),
                    v.bool("privacy.enabled"));
            emotion = new EmotionConfig(v.path("emotion.model"), v.integer("emotion.threads"), v.bool("emotion.flip_average"));
            web = new WebConfig(v.string("web.bind"), v.integer("web.port"), v.bool("web.anonymous-status"),
                    v.bool("web.preview"), v.bool("web.secure-cookies"), v.integer("web.session-idle-minutes"),
                    v.path("web.owner-file"), v.integer("web.max-body-bytes"));
            camera = CameraConfig.parse(v.string("camera.source"), new CameraConfig(CameraConfig.Kind.NONE, "",
                    v.integer("camera.width"), v.integer("camera.height"), v.integer("camera.fps"), v.bool("camera.loop"),
                    v.bool("camera.realtime"), v.seconds("camera.retry_min_s"), v.seconds("camera.retry_max_s")));
            vision = new VisionConfig(VisionConfig.Detector.parse(v.choice("vision.detector", List.of("auto", "haar", "cascades", "blazeface", "ssd"))),
                    v.integer("vision.detect_width"), v.integer("vision.min_face_px"), v.decimal("vision.min_confidence"),
                    v.integer("vision.max_faces"), v.path("vision.blazeface_model"), v.integer("vision.full_search_every"),
                    VisionConfig.SsdPrecision.parse(v.choice("vision.ssd_precision", List.of("int8", "float32"))));
            device = DeviceConfig.parse(v.asMap()::get);
            music = MusicConfig.parse(v.asMap()::get);
        }
    }

    // ---- the machinery ----

    /** Keys in the defaults file, in order, with their default values, descriptions and live flags. */
    private record Key(String name, String defaultValue, String description, boolean live) {}

    /** What an update did: keys whose value changed, split into applied live and needing a restart. */
    public record Update(Set<String> changed, Set<String> live, Set<String> needsRestart, Set<String> overridden) {
        public Update {
            changed = Set.copyOf(changed);
            live = Set.copyOf(live);
            needsRestart = Set.copyOf(needsRestart);
            overridden = Set.copyOf(overridden);
        }
    }

    private final Map<String, Key> keys;
    private final Path ownerFile;
    private final Map<String, String> envOverrides;
    private final Map<String, String> commandLine;
    private final List<SettingsListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot;
    private volatile Map<String, String> fileValues;
    private volatile String fileError;
    private FileStamp seen;
    private FileStamp pending;

    private Settings(Map<String, Key> keys, Path ownerFile, Map<String, String> envOverrides,
                     Map<String, String> commandLine) {
        this.keys = keys;
        this.ownerFile = ownerFile;
        this.envOverrides = envOverrides;
        this.commandLine = commandLine;
    }

    /**
     * Loads the defaults, the owner's file (which need not exist yet: updates create it), the
     * environment ({@code System.getenv()} in production) and command-line overrides, and builds
     * every record. Throws {@link ConfigException} naming the key on any bad value.
     */
    public static Settings load(Path ownerFile, Map<String, String> environment, Map<String, String> commandLine) {
        Objects.requireNonNull(ownerFile, "ownerFile");
        Map<String, Key> keys = readDefaults();
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : keys.keySet()) {
            String v = environment.get(envName(k));
            if (v != null) env.put(k, v);
        }
        for (String k : commandLine.keySet())
            if (!known(k, keys)) throw unknown(k, keys);
        Settings s = new Settings(keys, ownerFile, Map.copyOf(env), Map.copyOf(commandLine));
        synchronized (s) {
            FileStamp stamp = FileStamp.of(ownerFile);
            Map<String, String> file = s.readOwnerFile();
            s.snapshot = s.build(file, "in " + ownerFile);
            s.fileValues = file;
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

    public Path ownerFile() { return ownerFile; }

    public void addListener(SettingsListener l) { listeners.add(l); }

    public void removeListener(SettingsListener l) { listeners.remove(l); }

    /** Whether a change to this key takes effect without a restart. */
    public boolean isLive(String key) {
        Key k = keys.get(key);
        if (k == null) throw unknown(key, keys);
        return k.live();
    }

    /** The effective raw value of a key. */
    public String get(String key) {
        if (!keys.containsKey(key)) throw unknown(key, keys);
        return snapshot.values.string(key);
    }

    /** Every key with its current value, default, description, live flag and origin, in the defaults file's order. */
    public List<Setting> view() {
        Snapshot s = snapshot;
        Map<String, String> file = fileValues;
        List<Setting> out = new ArrayList<>(keys.size());
        for (Key k : keys.values()) {
            String origin = commandLine.containsKey(k.name()) ? "command line"
                    : envOverrides.containsKey(k.name()) ? "env " + envName(k.name())
                    : file.containsKey(k.name()) ? "file" : "default";
            out.add(new Setting(k.name(), s.values.asMap().get(k.name()), k.defaultValue(), k.description(), k.live(), origin));
        }
        return out;
    }

    /** Set when the owner's file changed on disk into something invalid; the previous settings stay in force. */
    public Optional<String> fileError() { return Optional.ofNullable(fileError); }

    /**
     * Changes settings from the page or console: validates the whole new config first (nothing is
     * saved if any value is bad; the message names the key), saves the owner's file atomically
     * (the previous one kept as {@code .bak}), then tells listeners which keys changed. A null
     * value returns a key to its default.
     */
    public synchronized Update update(Map<String, String> changes) {
        for (String k : changes.keySet())
            if (!known(k, keys)) throw unknown(k, keys);
        Map<String, String> file = new LinkedHashMap<>(fileValues);
        changes.forEach((k, v) -> {
            if (v == null) file.remove(k);
            else file.put(k, v.trim());
        });
        Snapshot next = build(file, "");
        save(changes);
        return apply(next, file, FileStamp.of(ownerFile));
    }

    /**
     * Reloads the owner's file if it changed on disk and has stayed unchanged since the previous
     * call (debounce: call it every second or so from one thread). An invalid file keeps the
     * previous settings and sets {@link #fileError()}. Returns the keys that changed.
     */
    public synchronized Set<String> reloadIfChanged() {
        FileStamp now = FileStamp.of(ownerFile);
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
        try {
            Map<String, String> file = readOwnerFile();
            Snapshot next = build(file, "in " + ownerFile);
            if (fileError != null) log.info("Settings file {} is valid again", ownerFile);
            fileError = null;
            Update u = apply(next, file, now);
            if (!u.changed().isEmpty()) log.info("Settings file {} changed: {}", ownerFile, u.changed());
            return u.changed();
        } catch (ConfigException e) {
            fileError = e.getMessage();
            log.warn("Settings file {} changed but is not valid, keeping the previous settings: {}", ownerFile, e.getMessage());
            return Set.of();
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

    private Snapshot build(Map<String, String> file, String where) {
        Map<String, String> raw = new LinkedHashMap<>();
        keys.values().forEach(k -> raw.put(k.name(), k.defaultValue()));
        raw.putAll(file);
        raw.putAll(envOverrides);
        raw.putAll(commandLine);
        try {
            return new Snapshot(new Values(raw));
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + origin(e.getMessage(), file, where), e);
        }
    }

    /** Tells the owner where the bad value came from, for the first key the message names. */
    private String origin(String message, Map<String, String> file, String where) {
        for (String k : keys.keySet()) {
            if (!message.contains(k)) continue;
            if (commandLine.containsKey(k)) return " (given on the command line)";
            if (envOverrides.containsKey(k)) return " (set by environment variable " + envName(k) + ")";
            if (file.containsKey(k)) return where.isEmpty() ? "" : " (set " + where + ")";
            return "";
        }
        return "";
    }

    // ---- files ----

    private static Map<String, Key> readDefaults() {
        try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) throw new ConfigException(DEFAULTS_RESOURCE + " is missing from the jar (a build problem)");
            PropertiesConfiguration p = new PropertiesConfiguration();
            new FileHandler(p).load(in, StandardCharsets.UTF_8.name());
            PropertiesConfigurationLayout layout = p.getLayout();
            Map<String, Key> keys = new LinkedHashMap<>();
            String previous = "";
            for (String k : layout.getKeys()) {
                String comment = description(layout.getCanonicalComment(k, false));
                // Keys grouped under one comment (red, green, blue pins) share it.
                if (comment.isEmpty() && layout.getBlankLinesBefore(k) == 0) comment = previous;
                previous = comment;
                boolean live = comment.contains(LIVE_TAG);
                keys.put(k, new Key(k, single(p, k), comment.replace(LIVE_TAG, "").trim(), live));
            }
            return Collections.unmodifiableMap(keys);
        } catch (IOException | ConfigurationException e) {
            throw new ConfigException("cannot read " + DEFAULTS_RESOURCE + " from the jar: " + e.getMessage(), e);
        }
    }

    /** The comment lines right above a key, without the {@code # --- area ---} header. */
    private static String description(String comment) {
        if (comment == null) return "";
        List<String> lines = new ArrayList<>();
        for (String line : comment.split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("---")) lines.clear();
            else lines.add(t);
        }
        return String.join(" ", lines);
    }

    private Map<String, String> readOwnerFile() {
        if (!Files.exists(ownerFile)) return Map.of();
        PropertiesConfiguration p = readProperties();
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<String> it = p.getKeys(); it.hasNext(); ) {
            String k = it.next();
            if (!known(k, keys)) {
                log.warn("{}: unknown setting '{}' ignored{}", ownerFile, k, suggestion(k));
                continue;
            }
            out.put(k, single(p, k).trim());
        }
        return out;
    }

    private PropertiesConfiguration readProperties() {
        PropertiesConfiguration p = new PropertiesConfiguration();
        try {
            if (Files.exists(ownerFile)) new FileHandler(p).load(ownerFile.toFile());
        } catch (ConfigurationException e) {
            throw new ConfigException("cannot read settings file " + ownerFile + ": " + rootMessage(e)
                    + "; fix or remove it (the previous version, if any, is " + backup() + ")", e);
        }
        return p;
    }

    private static String single(PropertiesConfiguration p, String k) {
        Object v = p.getProperty(k);
        if (v instanceof List<?> list)
            throw new ConfigException(k + " is set " + list.size() + " times; keep one line for it");
        return v == null ? "" : String.valueOf(v);
    }

    /**
     * Writes the owner's file with the changes, keeping the owner's comments and order: temp file
     * in the same folder, fsync, previous file copied to {@code .bak}, then an atomic rename.
     */
    private void save(Map<String, String> changes) {
        PropertiesConfiguration p = readProperties();
        changes.forEach((k, v) -> {
            if (v == null) p.clearProperty(k);
            else p.setProperty(k, v.trim());
        });
        Path dir = ownerFile.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            StringWriter text = new StringWriter();
            if (p.getLayout().getHeaderComment() == null)
                p.getLayout().setHeaderComment("moodbox settings (saved by the box; see docs/config.md for every key)");
            new FileHandler(p).save(text);
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + ownerFile.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(StandardCharsets.UTF_8.encode(text.toString()));
                ch.force(true);
            }
            if (Files.exists(ownerFile))
                Files.copy(ownerFile, backup(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(tmp, ownerFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            fsyncDir(dir);
            log.info("Saved settings {} to {}", changes.keySet(), ownerFile);
        } catch (AccessDeniedException e) {
            throw new ConfigException("cannot save settings: no permission to write " + e.getFile()
                    + "; run the box as its service user or start it with --config FILE", e);
        } catch (IOException | ConfigurationException e) {
            throw new ConfigException("cannot save settings to " + ownerFile + ": " + rootMessage(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.warn("Could not remove temporary file {}", tmp, e);
                }
            }
        }
    }

    private Path backup() { return ownerFile.resolveSibling(ownerFile.getFileName() + ".bak"); }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            log.debug("Directory fsync not supported for {}", dir, e);   // some filesystems refuse; the rename still happened
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * A key of the defaults file, or one of a family the defaults show by example: keys of four
     * or more parts may vary in their third ({@code device.button.<name>.pin}).
     */
    private static boolean known(String key, Map<String, Key> keys) {
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

    private static ConfigException unknown(String key, Map<String, Key> keys) {
        return new ConfigException("unknown setting '" + key + "'" + suggestion(key, keys.keySet())
                + "; see docs/config.md for every key");
    }

    private String suggestion(String key) { return suggestion(key, keys.keySet()); }

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
