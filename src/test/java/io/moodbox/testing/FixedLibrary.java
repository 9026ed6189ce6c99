package io.moodbox.testing;

import io.moodbox.music.Track;
import io.moodbox.web.LibraryView;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small fixed library for page and API tests; scan progress settable by the test. */
public final class FixedLibrary implements LibraryView {
    public static final Track SUNNY = track("t1", "Sunny Road", "The Larks", 0.8, 0.5, "happy");
    public static final Track RAIN = track("t2", "Slow Rain", "Grey Day", -0.5, -0.4, "calm");
    public static final Track LIFT = track("t3", "Lift Off", "The Larks", 0.6, 0.7, "happy");

    private volatile ScanProgress progress = ScanProgress.idle();

    public static Track track(String id, String title, String artist, double valence, double arousal, String mood) {
        return new Track(id, Path.of("/music/" + mood + "/" + id + ".mp3"), title, artist, "Album", 200,
                valence, arousal, mood, "folder");
    }

    private final List<Track> extra = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void progress(ScanProgress p) { progress = p; }

    private volatile List<Source> sources = List.of();

    /** The music sources the page lists (none unless set). */
    public void sources(List<Source> s) { sources = List.copyOf(s); }

    @Override public List<Source> sources() { return sources; }

    /** Adds a track (one with a real folder, say, for cover pictures) after the fixed three. */
    public void add(Track t) { extra.add(t); }

    @Override public Map<String, List<Track>> tracksByMood() {
        Map<String, List<Track>> m = new LinkedHashMap<>();
        m.put("happy", new java.util.ArrayList<>(List.of(SUNNY, LIFT)));
        m.put("calm", new java.util.ArrayList<>(List.of(RAIN)));
        for (Track t : extra) m.computeIfAbsent(t.mood(), k -> new java.util.ArrayList<>()).add(t);
        m.replaceAll((k, v) -> List.copyOf(v));
        return m;
    }

    @Override public List<Track> queue() { return List.of(LIFT, RAIN); }

    @Override public ScanProgress scanProgress() { return progress; }
}
