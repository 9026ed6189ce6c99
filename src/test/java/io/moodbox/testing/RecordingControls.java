package io.moodbox.testing;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateModel;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Controls} that records each command as text ("volume 40", "lock true") and, like the
 * real daemon, reflects volume, play/pause, lock and privacy in the {@link StateModel} so pages
 * and consoles see the effect.
 */
public final class RecordingControls implements Controls {
    private final StateModel state;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    public RecordingControls(StateModel state) { this.state = state; }

    public List<String> calls() { return List.copyOf(calls); }

    /** What the next commands answer; by default each is done, with its name as the message. */
    private volatile Reply answer;

    /** Makes every following command answer {@code r} (null: back to "done"). */
    public void answerWith(Reply r) { answer = r; }

    private Reply reply(String call) {
        Reply r = answer;
        return r != null ? r : Reply.done("recorded " + call);
    }

    @Override public Reply play() { calls.add("play"); player(PlayerStatus.State.PLAYING); return reply("play"); }
    @Override public Reply pause() { calls.add("pause"); player(PlayerStatus.State.PAUSED); return reply("pause"); }
    @Override public Reply togglePlay() {
        calls.add("toggle");
        player(state.current().player().state() == PlayerStatus.State.PLAYING ? PlayerStatus.State.PAUSED : PlayerStatus.State.PLAYING);
        return reply("toggle");
    }
    @Override public Reply next() { calls.add("next"); return reply("next"); }
    @Override public Reply rescan() { calls.add("rescan"); return reply("rescan"); }
    @Override public Reply shutdown() { calls.add("shutdown"); return reply("shutdown"); }
    @Override public Reply correctMood(String trackId, String mood) { calls.add("mood " + trackId + " " + mood); return reply("mood " + trackId + " " + mood); }
    @Override public Reply queueTrack(String trackId, boolean now) {
        String c = "queue " + trackId + (now ? " now" : "");
        calls.add(c);
        return reply(c);
    }

    @Override public Reply setVolume(int percent) {
        calls.add("volume " + percent);
        state.update(s -> { PlayerStatus p = s.player();
            return with(s, s.mood(), new PlayerStatus(p.state(), p.track(), p.reason(), percent, p.positionSeconds())); });
        return reply("volume " + percent);
    }

    @Override public Reply lockMood(boolean locked) {
        calls.add("lock " + locked);
        state.update(s -> { MoodState m = s.mood();
            return with(s, new MoodState(m.presence(), m.mood(), m.emotions(), m.valence(), m.arousal(), m.confidence(),
                    m.faces(), locked, m.at()), s.player()); });
        return reply("lock " + locked);
    }

    @Override public Reply setPrivacy(boolean on) {
        calls.add("privacy " + on);
        state.update(s -> new BoxState(s.phase(), s.camera(), on, s.mood(), s.player(), s.fps(), s.problems(), s.startedAt(), s.at()));
        return reply("privacy " + on);
    }

    private void player(PlayerStatus.State st) {
        state.update(s -> { PlayerStatus p = s.player();
            return with(s, s.mood(), new PlayerStatus(st, p.track(), p.reason(), p.volumePercent(), p.positionSeconds())); });
    }

    private static BoxState with(BoxState s, MoodState m, PlayerStatus p) {
        return new BoxState(s.phase(), s.camera(), s.privacy(), m, p, s.fps(), s.problems(), s.startedAt(), s.at());
    }
}
