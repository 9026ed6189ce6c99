package io.moodbox.testing;

import java.nio.file.Path;

/** Where the ops/fetch-real-*.sh scripts keep what they fetch, as those scripts decide it. */
public final class RealDataCache {
    private RealDataCache() {}

    /** {@code $ENV_VAR} if set, else {@code $XDG_CACHE_HOME/moodbox/NAME}, else {@code ~/.cache/moodbox/NAME}. */
    public static Path dir(String envVar, String name) {
        String env = System.getenv(envVar);
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("moodbox").resolve(name);
    }
}
