package io.moodbox.app;

import io.moodbox.music.Track;
import io.moodbox.web.LibraryView;

import java.util.List;
import java.util.Map;

/** The page's library view in a build without the music stage: empty, and says why. */
final class NoLibrary implements LibraryView {
    @Override public Map<String, List<Track>> tracksByMood() { return Map.of(); }

    @Override public List<Track> queue() { return List.of(); }

    @Override public ScanProgress scanProgress() {
        return new ScanProgress(false, 0, 0, null, "This build has no music library yet.");
    }
}
