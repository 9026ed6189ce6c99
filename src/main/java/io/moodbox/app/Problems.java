package io.moodbox.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What needs the owner right now, keyed by where it comes from ("camera", "vision", "settings")
 * so each part sets and clears only its own; mirrored into {@link BoxState#problems()}.
 * Thread-safe.
 */
final class Problems {
    private final StateModel state;
    private final Map<String, String> byKey = new LinkedHashMap<>();

    Problems(StateModel state) {
        this.state = state;
    }

    synchronized void set(String key, String problem) {
        if (problem.equals(byKey.put(key, problem))) return;
        push();
    }

    synchronized void clear(String key) {
        if (byKey.remove(key) != null) push();
    }

    synchronized List<String> all() { return new ArrayList<>(byKey.values()); }

    private void push() {
        List<String> now = List.copyOf(byKey.values());
        state.update(s -> s.withProblems(now));
    }
}
