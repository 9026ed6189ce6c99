package io.moodbox.app;

/**
 * Every command the owner can give, from a button, the web page or the console. The only way
 * back up the pipeline: nothing else reaches into a stage. Thread-safe; returns promptly.
 */
public interface Controls {
    void play();
    void pause();
    void togglePlay();
    void next();
    /** 0..100 percent. */
    void setVolume(int percent);
    /** Holds (or releases) the current mood: the music stops following the room. */
    void lockMood(boolean locked);
    /** Privacy mode: the camera is off while it is on. */
    void setPrivacy(boolean on);
    /** Re-scans the music library in the background. */
    void rescan();
    /** Clean shutdown of the box (power-off is the service manager's job). */
    void shutdown();
}
