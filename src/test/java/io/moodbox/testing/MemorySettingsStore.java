package io.moodbox.testing;

import io.moodbox.config.ConfigException;
import io.moodbox.web.SettingsStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An in-memory {@link SettingsStore} with a few real-looking keys and the same contract as the
 * daemon's: all changes validated first (message names the key), nothing changed when one is bad.
 */
public final class MemorySettingsStore implements SettingsStore {
    private record Def(String defaultValue, boolean live, String description, Predicate<String> valid, String allowed,
                       String label, String group) {}

    private final Map<String, Def> defs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private int saves;

    public MemorySettingsStore() {
        def("mood.window-seconds", "30", true, "How long the room's mood is averaged over", MemorySettingsStore::int5to600, "5..600");
        def("music.volume-max", "80", true, "Loudest the box will play, percent", v -> isInt(v, 0, 100), "0..100");
        def("web.anonymous-status", "false", true, "Anyone on the network may see the mood", MemorySettingsStore::bool, "true or false");
        def("web.port", "8080", false, "Port of the page", v -> isInt(v, 1, 65535), "1..65535");
        def("mood.switch-margin", "0.10", true, "How far another mood must lead", v -> isDecimal(v, 0, 0.5), "0.0..0.5");
        def("mood.hold-s", "0.4", true, "How long it must lead", v -> isDecimal(v, 0, 30), "0..30");
    }

    private void def(String key, String dflt, boolean live, String desc, Predicate<String> valid, String allowed) {
        // Labelled and grouped as the daemon's records do it: a short name, the stage's title.
        String group = switch (key.substring(0, key.indexOf('.'))) {
            case "mood" -> "Room mood";
            case "music" -> "Music";
            default -> "Page";
        };
        String label = key.equals("music.volume-max") ? "Loudest volume" : key.substring(key.indexOf('.') + 1);
        defs.put(key, new Def(dflt, live, desc, valid, allowed, label, group));
        values.put(key, dflt);
    }

    public synchronized String get(String key) { return values.get(key); }

    public synchronized int saves() { return saves; }

    @Override
    public synchronized List<Setting> list() {
        List<Setting> out = new ArrayList<>();
        defs.forEach((k, d) -> out.add(new Setting(k, values.get(k), d.defaultValue(), d.live(), d.description(), d.label(), d.group())));
        return out;
    }

    @Override
    public synchronized Result update(Map<String, String> changes) {
        for (var e : changes.entrySet()) {
            Def d = defs.get(e.getKey());
            if (d == null) throw new ConfigException("unknown setting '" + e.getKey() + "'");
            if (!d.valid().test(e.getValue()))
                throw new ConfigException(e.getKey() + " must be " + d.allowed() + ", was '" + e.getValue() + "'");
        }
        List<String> applied = new ArrayList<>(), restart = new ArrayList<>();
        changes.forEach((k, v) -> {
            values.put(k, v);
            (defs.get(k).live() ? applied : restart).add(k);
        });
        saves++;
        return new Result(applied, restart);
    }

    private static boolean int5to600(String v) { return isInt(v, 5, 600); }

    private static boolean bool(String v) { return v.equals("true") || v.equals("false"); }

    private static boolean isDecimal(String v, double min, double max) {
        try {
            double d = Double.parseDouble(v.trim());
            return d >= min && d <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isInt(String v, int min, int max) {
        try {
            int i = Integer.parseInt(v.trim());
            return i >= min && i <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
