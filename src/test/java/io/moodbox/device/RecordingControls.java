package io.moodbox.device;

import io.moodbox.app.Controls;

import java.util.ArrayList;
import java.util.List;

/** Controls that write down every call as a short string ("togglePlay", "privacy true"). */
final class RecordingControls implements Controls {
    final List<String> calls = new ArrayList<>();

    @Override public synchronized void play() { calls.add("play"); }
    @Override public synchronized void pause() { calls.add("pause"); }
    @Override public synchronized void togglePlay() { calls.add("togglePlay"); }
    @Override public synchronized void next() { calls.add("next"); }
    @Override public synchronized void setVolume(int percent) { calls.add("volume " + percent); }
    @Override public synchronized void lockMood(boolean locked) { calls.add("lockMood " + locked); }
    @Override public synchronized void setPrivacy(boolean on) { calls.add("privacy " + on); }
    @Override public synchronized void rescan() { calls.add("rescan"); }
    @Override public synchronized void shutdown() { calls.add("shutdown"); }

    synchronized List<String> calls() { return List.copyOf(calls); }
}
