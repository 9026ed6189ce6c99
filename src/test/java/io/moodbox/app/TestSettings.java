package io.moodbox.app;

import io.moodbox.config.Settings;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Settings for tests that start the box: everything it writes goes under {@code dir}, the page on a free local port. */
final class TestSettings {
    private TestSettings() {}

    static Settings load(Path dir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("MOODBOX_WEB_PORT", "0");
        all.put("MOODBOX_WEB_BIND", "127.0.0.1");
        all.put("MOODBOX_WEB_OWNER_FILE", dir.resolve("web-owner.properties").toString());
        all.put("MOODBOX_WEB_ANONYMOUS_STATUS", "true");
        all.put("MOODBOX_MUSIC_STATE_DIR", dir.resolve("music-state").toString());
        all.put("MOODBOX_MUSIC_ROOTS", dir.resolve("music").toString());
        all.putAll(env);
        return Settings.load(dir.resolve("moodbox.properties"), all, Map.of());
    }
}
