package io.moodbox.music;

import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the library knows about each file, keyed by path and valid while size and mtime match.
 * Failed files are remembered too, so a corrupt file is not re-decoded on every scan. Stored
 * as a tab-separated text file written atomically (temp file + rename), so a power cut leaves
 * the old or the new cache, never half of one. Used by one scanning thread at a time.
 */
final class LibraryCache {
    private static final Logger log = LoggerFactory.getLogger(LibraryCache.class);
    // 2: loudness per channel (issue 23); a version-1 cache is re-analysed.
    private static final String HEADER = "moodbox-music-cache\t2";

    /** One file's facts; exactly one of {@code analysis}/{@code error} is non-null. */
    record Entry(String path, long size, long mtimeMs, AudioFile.Info info, TrackAnalysis analysis, String error) {}

    private final Path file;
    private final Map<String, Entry> entries = new HashMap<>();

    LibraryCache(Path file) {
        this.file = file;
    }

    Entry get(Path p, long size, long mtimeMs) {
        Entry e = entries.get(p.toString());
        return e != null && e.size() == size && e.mtimeMs() == mtimeMs ? e : null;
    }

    void put(Entry e) { entries.put(e.path(), e); }

    /** Drops entries for files no longer present. */
    void retain(java.util.Set<String> paths) { entries.keySet().retainAll(paths); }

    int size() { return entries.size(); }

    List<Entry> entries() { return List.copyOf(entries.values()); }

    /** Loads the cache; a missing or damaged file means starting empty (and saying so). */
    void load() {
        entries.clear();
        if (!Files.exists(file)) return;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                log.warn("Music cache {} has an unknown format; re-analysing the library", file);
                return;
            }
            int bad = 0;
            for (int i = 1; i < lines.size(); i++) {
                try {
                    Entry e = parse(lines.get(i));
                    entries.put(e.path(), e);
                } catch (RuntimeException ex) {
                    bad++;
                }
            }
            if (bad > 0) log.warn("Music cache {}: {} damaged lines ignored; those files will be re-analysed", file, bad);
        } catch (IOException e) {
            log.warn("Music cache {} could not be read ({}); re-analysing the library", file, e.getMessage());
        }
    }

    /** Writes the cache whole or not at all: a failure (a full disk) leaves the old cache as it was. */
    void save() throws IOException {
        AtomicFile.write(file, w -> {
            w.write(HEADER);
            w.write('\n');
            for (Entry e : entries.values()) {
                w.write(format(e));
                w.write('\n');
            }
        });
    }

    private static String format(Entry e) {
        AudioFile.Info i = e.info();
        TrackAnalysis a = e.analysis();
        List<String> f = new ArrayList<>(List.of(e.path(), Long.toString(e.size()), Long.toString(e.mtimeMs())));
        if (i == null) f.addAll(List.of("", "", "", "", "", "0", "NaN", "0", "0", "0", ""));
        else f.addAll(List.of(i.title(), i.artist(), i.album(), i.genre(), i.mood(), num(i.bpm()), num(i.gainDb()),
                num(i.durationSeconds()), Integer.toString(i.sampleRate()), Integer.toString(i.channels()), i.codec()));
        if (a == null) f.addAll(List.of("", "", "", "", "", "", "", "", "", ""));
        else f.addAll(List.of(num(a.tempoBpm()), num(a.loudnessDb()), num(a.brightnessHz()), num(a.onsetsPerSecond()),
                a.key(), Boolean.toString(a.major()), num(a.modeStrength()), num(a.valence()), num(a.arousal()),
                num(a.analysedSeconds())));
        f.add(e.error() == null ? "" : e.error());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < f.size(); k++) {
            if (k > 0) sb.append('\t');
            sb.append(escape(f.get(k)));
        }
        return sb.toString();
    }

    private static Entry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 25) throw new IllegalArgumentException("expected 25 fields, got " + f.length);
        for (int k = 0; k < f.length; k++) f[k] = unescape(f[k]);
        AudioFile.Info info = new AudioFile.Info(f[3], f[4], f[5], f[6], f[7], d(f[8]), d(f[9]), d(f[10]),
                Integer.parseInt(f[11]), Integer.parseInt(f[12]), f[13]);
        TrackAnalysis a = f[14].isEmpty() ? null : new TrackAnalysis(d(f[14]), d(f[15]), d(f[16]), d(f[17]), f[18],
                Boolean.parseBoolean(f[19]), d(f[20]), d(f[21]), d(f[22]), d(f[23]));
        String error = f[24].isEmpty() ? null : f[24];
        if ((a == null) == (error == null)) throw new IllegalArgumentException("entry needs analysis xor error");
        return new Entry(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), error == null ? info : null, a, error);
    }

    private static String num(double v) { return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v); }

    private static double d(String s) { return Double.parseDouble(s); }

    static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) { case 't' -> '\t'; case 'n' -> '\n'; case 'r' -> '\r'; default -> n; });
            } else sb.append(c);
        }
        return sb.toString();
    }
}
