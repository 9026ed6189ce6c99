package io.moodbox.web;

import io.moodbox.box.BoxState;
import io.moodbox.camera.SourceStatus;
import io.moodbox.device.DeviceView;
import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The API's JSON shapes, built from the app's records as plain maps so the wire format is
 * written down in one place and does not move when a record gains a field. Lower-case enum
 * names, ISO-8601 instants, numbers rounded for people.
 */
final class Views {
    private Views() {}

    /**
     * The hysteresis the page explains the settled mood with: another mood must lead the settled one
     * by {@code switchMargin} (probability) for {@code holdSeconds} ({@code mood.switch-margin},
     * {@code mood.hold-s}).
     */
    record Settle(double switchMargin, double holdSeconds) {}

    /** {@code settle} and {@code led} may be null (not known, no device). */
    static Map<String, Object> status(BoxState s, HostInfo host, Instant now, Settle settle, DeviceView.Led led) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", lower(s.phase()));
        m.put("at", iso(s.at()));
        m.put("startedAt", iso(s.startedAt()));
        m.put("uptimeSeconds", s.startedAt() == null ? null : Math.max(0, Duration.between(s.startedAt(), now).toSeconds()));
        m.put("systemUptimeSeconds", value(host.systemUptimeSeconds()));
        m.put("cpuCelsius", value(host.cpuCelsius()));
        m.put("memory", memory(host.memory()));
        m.put("fps", round(s.fps(), 10));
        m.put("privacy", s.privacy());
        m.put("problems", s.problems());
        m.put("camera", camera(s.camera()));
        m.put("mood", mood(s.mood(), settle));
        m.put("player", player(s.player()));
        m.put("led", led == null ? null : led(led));
        return m;
    }

    /** Megabytes to one decimal; absent figures as null. */
    static Map<String, Object> memory(HostInfo.Memory mem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rssMb", mb(mem.rssBytes()));
        m.put("anonMb", mb(mem.anonBytes()));
        m.put("heapUsedMb", mb(mem.heapUsedBytes()));
        m.put("heapCommittedMb", mb(mem.heapCommittedBytes()));
        m.put("nativeMb", mb(mem.nativeBytes()));
        m.put("threads", mem.threads());
        return m;
    }

    private static Double mb(long bytes) {
        return bytes < 0 ? null : Math.round(bytes / 1048576.0 * 10) / 10.0;
    }

    static Map<String, Object> camera(SourceStatus c) {
        if (c == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", lower(c.state()));
        m.put("source", c.source());
        m.put("detail", c.detail());
        m.put("fps", round(c.fps(), 10));
        m.put("since", iso(c.since()));
        return m;
    }

    /**
     * The room's mood. {@code mood} is the settled mood and {@code confidence} its smoothed score
     * (the same number as its bar); {@code leaning} is the emotion with the top smoothed score, which
     * differs from {@code mood} while another one leads but has not yet held its lead long enough.
     */
    static Map<String, Object> mood(MoodState s, Settle settle) {
        if (s == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("presence", lower(s.presence()));
        m.put("mood", s.mood().label());
        m.put("confidence", round(s.confidence(), 1000));
        m.put("faces", s.faces());
        m.put("locked", s.locked());
        m.put("valence", round(s.valence(), 1000));
        m.put("arousal", round(s.arousal(), 1000));
        Map<String, Object> e = new LinkedHashMap<>();
        float[] p = s.emotions();
        for (Emotion em : Emotion.values()) e.put(em.label(), round(p[em.ordinal()], 1000));
        m.put("emotions", e);
        m.put("leaning", leaning(s).label());
        if (settle != null) {
            m.put("switchMargin", round(settle.switchMargin(), 1000));
            m.put("holdSeconds", round(settle.holdSeconds(), 1000));
        }
        m.put("at", iso(s.at()));
        return m;
    }

    /** The emotion with the top smoothed score; the settled mood unless another scores strictly more. */
    static Emotion leaning(MoodState s) {
        float[] p = s.emotions();
        Emotion top = s.mood();
        for (Emotion e : Emotion.values()) if (p[e.ordinal()] > p[top.ordinal()]) top = e;
        return top;
    }

    static Map<String, Object> led(DeviceView.Led l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", l.kind());
        m.put("signal", l.signal());
        m.put("look", l.look());
        m.put("meaning", l.meaning());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (DeviceView.Step st : l.steps()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("from", st.from());
            sm.put("to", st.to());
            sm.put("ms", st.ms());
            steps.add(sm);
        }
        m.put("steps", steps);
        return m;
    }

    static Map<String, Object> device(DeviceView d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gpio", d.gpio());
        m.put("pressable", d.pressable());
        m.put("pressNote", d.pressNote());
        m.put("led", led(d.led()));
        List<Map<String, Object>> buttons = new ArrayList<>();
        for (DeviceView.ButtonView b : d.buttons()) {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("name", b.name());
            bm.put("pin", b.pin());
            List<Map<String, Object>> does = new ArrayList<>();
            for (DeviceView.Does x : b.gestures()) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("gesture", x.gesture().label());
                g.put("action", x.action());
                g.put("words", x.words());
                g.put("holdSeconds", round(x.holdSeconds(), 100));
                does.add(g);
            }
            bm.put("gestures", does);
            buttons.add(bm);
        }
        m.put("buttons", buttons);
        return m;
    }

    static Map<String, Object> player(PlayerStatus p) {
        if (p == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", lower(p.state()));
        m.put("volume", p.volumePercent());
        m.put("positionSeconds", round(p.positionSeconds(), 10));
        m.put("reason", p.reason());
        m.put("output", p.output());
        m.put("audible", p.audible());
        m.put("track", p.track() == null ? null : track(p.track()));
        return m;
    }

    static Map<String, Object> track(Track t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("title", t.title());
        m.put("artist", t.artist());
        m.put("album", t.album());
        m.put("durationSeconds", round(t.durationSeconds(), 10));
        m.put("mood", t.mood());
        m.put("moodSource", t.moodSource());
        m.put("decidedBy", t.decidedBy());
        m.put("genre", t.genre());
        m.put("bpm", round(t.bpm(), 10));
        m.put("folder", LibraryBrowse.groupOf(t, "folder"));
        m.put("valence", round(t.valence(), 1000));
        m.put("arousal", round(t.arousal(), 1000));
        return m;
    }

    static List<Map<String, Object>> tracks(List<Track> ts) {
        List<Map<String, Object>> out = new ArrayList<>(ts.size());
        for (Track t : ts) out.add(track(t));
        return out;
    }

    static Map<String, Object> scan(LibraryView.ScanProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", p.running());
        m.put("done", p.done());
        m.put("total", p.total());
        m.put("finishedAt", iso(p.finishedAt()));
        m.put("message", p.message());
        return m;
    }

    static Map<String, Object> point(MoodHistory.Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", p.atMs());
        m.put("valence", p.valence());
        m.put("arousal", p.arousal());
        m.put("mood", p.mood());
        m.put("faces", p.faces());
        m.put("presence", p.presence());
        m.put("locked", p.locked());
        return m;
    }

    static Map<String, Object> setting(SettingsStore.Setting s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", s.key());
        // A password (mpd.password, mqtt.password) never goes back to a browser: the page shows
        // whether one is set and takes a new one; the file keeps it.
        boolean secret = s.key().endsWith(".password");
        m.put("value", secret ? "" : s.value());
        if (secret) {
            m.put("secret", true);
            m.put("isSet", s.value() != null && !s.value().isEmpty());
        }
        m.put("default", s.defaultValue());
        m.put("live", s.live());
        m.put("description", s.description());
        m.put("label", s.label());
        m.put("group", s.group());
        return m;
    }

    static String lower(Enum<?> e) { return e == null ? null : e.name().toLowerCase(Locale.ROOT); }

    static String iso(Instant t) { return t == null ? null : t.toString(); }

    static Double value(OptionalDouble d) { return d.isPresent() ? round(d.getAsDouble(), 10) : null; }

    static double round(double v, int per) {
        if (!Double.isFinite(v)) return 0;
        return Math.round(v * per) / (double) per;
    }
}
