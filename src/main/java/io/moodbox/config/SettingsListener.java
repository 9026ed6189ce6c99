package io.moodbox.config;

import java.util.Set;

/**
 * Told when settings change (a web or console update, or the owner's file edited on disk), with
 * the keys whose effective value changed. Called on the thread that made the change (a request
 * thread or {@code moodbox-config}); apply what can change live and return promptly.
 */
public interface SettingsListener {
    void settingsChanged(Settings settings, Set<String> changedKeys);
}
