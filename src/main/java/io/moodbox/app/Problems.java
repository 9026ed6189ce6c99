package io.moodbox.app;

import io.moodbox.box.StateModel;
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
    private final Map<String, List<String>> byKey = new LinkedHashMap<>();

    Problems(StateModel state) {
        this.state = state;
    }

    synchronized void set(String key, String problem) {
        set(key, List.of(problem));
    }

    /** Replaces this part's problems; an empty list clears them. */
    synchronized void set(String key, List<String> problems) {
        List<String> now = List.copyOf(problems);
        List<String> old = now.isEmpty() ? byKey.remove(key) : byKey.put(key, now);
        if (now.equals(old == null ? List.of() : old)) return;
        push();
    }

    synchronized void clear(String key) {
        if (byKey.remove(key) != null) push();
    }

    synchronized List<String> all() {
        List<String> all = new ArrayList<>();
        byKey.values().forEach(all::addAll);
        return all;
    }

    private void push() {
        List<String> now = all();
        state.update(s -> s.withProblems(now));
    }
}
