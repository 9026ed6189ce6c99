package io.moodbox.web;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The owner's settings file as the page edits it. Implemented by {@code app} over
 * {@code config.Settings}; called on web request threads, one update at a time.
 */
public interface SettingsStore {
    /** Every setting, in file order, with its current value. */
    List<Setting> list();

    /** One setting's current value; empty when there is no such key. */
    default Optional<String> value(String key) {
        return list().stream().filter(s -> s.key().equals(key)).map(Setting::value).findFirst();
    }

    /**
     * Validates all {@code changes} together, each as the next start will read it; if any is bad,
     * throws {@link io.moodbox.config.ConfigException} whose message names the key, the value and
     * what would be valid, and saves nothing (the page answers 400). Otherwise writes the file
     * atomically (the previous file kept as a backup), applies live what can change live, and says
     * which keys wait for a restart. A write that fails (a full disk) throws
     * {@link io.moodbox.config.ConfigException.NotSaved} and changes nothing (the page answers 503).
     */
    Result update(Map<String, String> changes);

    /**
     * One setting: {@code live} if a change applies without a restart; {@code description} its
     * one-line help, {@code label} a short name, {@code group} the part of the box it belongs to
     * (the page shows one box per group, in order).
     */
    record Setting(String key, String value, String defaultValue, boolean live, String description, String label, String group) {
        /** Labelled by its key, grouped by the key's first part (fakes). */
        public Setting(String key, String value, String defaultValue, boolean live, String description) {
            this(key, value, defaultValue, live, description, key, key.contains(".") ? key.substring(0, key.indexOf('.')) : key);
        }
    }

    /** Keys changed now, and keys saved that take effect after a restart. */
    record Result(List<String> applied, List<String> restartNeeded) {
        public Result {
            applied = List.copyOf(applied);
            restartNeeded = List.copyOf(restartNeeded);
        }
    }
}
