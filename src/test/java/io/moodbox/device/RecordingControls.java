package io.moodbox.device;

import io.moodbox.box.Controls;

import java.util.ArrayList;
import java.util.List;

/** Controls that write down every call as a short string ("togglePlay", "privacy true"). */
final class RecordingControls implements Controls {
    private static final Reply DONE = Reply.done("recorded");
    final List<String> calls = new ArrayList<>();

    @Override public synchronized Reply play() { calls.add("play"); return DONE; }
    @Override public synchronized Reply pause() { calls.add("pause"); return DONE; }
    @Override public synchronized Reply togglePlay() { calls.add("togglePlay"); return DONE; }
    @Override public synchronized Reply next() { calls.add("next"); return DONE; }
    @Override public synchronized Reply setVolume(int percent) { calls.add("volume " + percent); return DONE; }
    @Override public synchronized Reply lockMood(boolean locked) { calls.add("lockMood " + locked); return DONE; }
    @Override public synchronized Reply setPrivacy(boolean on) { calls.add("privacy " + on); return DONE; }
    @Override public synchronized Reply rescan() { calls.add("rescan"); return DONE; }
    @Override public synchronized Reply shutdown() { calls.add("shutdown"); return DONE; }

    synchronized List<String> calls() { return List.copyOf(calls); }
}
