package io.moodbox.app;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.config.Settings;
import io.moodbox.emotion.Emotion;
import io.moodbox.music.MusicConfig;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.PlayerStatus.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The music half of the real daemon without a speaker: with the null output the tracks move on by
 * themselves, a new settled mood gets a new pick, and every control answers what it really did.
 * With an empty library or a missing sound card they say so, in words, instead of "ok".
 */
class MusicSideTest {
    @TempDir Path dir;
    Moodbox box;

    @AfterEach
    void stop() {
        if (box != null) box.close();
    }

    void await(String what, Predicate<BoxState> condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.test(box.state().current())) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; state " + box.state().current());
            Thread.sleep(20);
        }
    }

    @Test
    void withTheNullOutputTracksAdvanceOnTheirOwnAndEveryControlSaysWhatItDid() throws Exception {
        Path music = dir.resolve("music");
        for (String mood : new String[]{"calm", "happy", "energetic"}) TestSettings.tone(music, mood, 2);
        Settings s = TestSettings.load(dir, Map.of("MOODBOX_MUSIC_ROOTS", music.toString()));
        box = Moodbox.start(s, new Moodbox.Parts(null, null));
        await("playing silently", b -> b.player().state() == State.PLAYING && !b.player().audible()
                && b.player().track() != null, Duration.ofSeconds(20));
        assertEquals("none (music.output is null)", box.state().current().player().output());
        assertTrue(box.state().current().problems().stream().noneMatch(p -> p.contains("sound")),
                "a silent output chosen on purpose is no problem: " + box.state().current().problems());

        // 2 s tracks paced in real time: the player moves on by itself, with no speaker.
        Set<String> seen = new HashSet<>();
        box.state().addListener((old, now) -> {
            if (now.player().track() != null) synchronized (seen) { seen.add(now.player().track().mood()); }
        });
        await("three tracks in turn", b -> { synchronized (seen) { return seen.size() == 3; } }, Duration.ofSeconds(15));

        Controls.Reply r = box.controls().play();
        assertTrue(r.done(), r.message());
        assertTrue(r.message().startsWith("Already playing.") && r.message().contains("Nothing is heard"), r.message());
        r = box.controls().setVolume(55);
        assertTrue(r.message().startsWith("Volume 55%.") && r.message().contains("music.output is null"), r.message());
        await("the volume shown", b -> b.player().volumePercent() == 55, Duration.ofSeconds(5));
        assertEquals(new Controls.Reply(true, "Paused."), box.controls().pause());
        await("paused", b -> b.player().state() == State.PAUSED, Duration.ofSeconds(5));
        assertEquals("Already paused.", box.controls().pause().message());
        box.controls().setVolume(20);
        await("a volume change while paused shows at once", b -> b.player().volumePercent() == 20, Duration.ofSeconds(5));
        assertEquals("Playing again. Nothing is heard (sound: none (music.output is null)).", box.controls().play().message());
        r = box.controls().next();
        assertTrue(r.done() && r.message().startsWith("Skipped;"), r.message());
    }

    @Test
    void aNewSettledMoodFadesToANewPickWhenTheOwnerChoseToFollowNow() throws Exception {
        Path music = dir.resolve("music");
        TestSettings.tone(music, "happy", 60);
        TestSettings.tone(music, "calm", 60);
        Settings s = TestSettings.load(dir, Map.of("MOODBOX_MUSIC_ROOTS", music.toString(),
                "MOODBOX_MUSIC_MOOD_CHANGE", "fade", "MOODBOX_MUSIC_FADE_MS", "200"));
        MoodboxTest.ScriptedSource source = new MoodboxTest.ScriptedSource();
        source.showing = Emotion.SAD;   // uplift: sad -> happy music
        box = Moodbox.start(s, new Moodbox.Parts(source, new MoodboxTest.FakeAnalyzer()));
        await("happy music for a sad room", b -> b.mood().mood() == Emotion.SAD && b.player().track() != null
                && b.player().track().mood().equals("happy"), Duration.ofSeconds(20));
        source.showing = Emotion.ANGRY;   // angry -> calm music, long before the 60 s track ends
        await("calm music for an angry room", b -> b.player().track().mood().equals("calm"), Duration.ofSeconds(10));
        assertTrue(box.state().current().player().positionSeconds() < 10, "a new pick, not the track's end");
    }

    @Test
    void byDefaultANewMoodWaitsForTheTrackToEnd() throws Exception {
        Path music = dir.resolve("music");
        TestSettings.tone(music, "happy", 60);
        TestSettings.tone(music, "calm", 60);
        Settings s = TestSettings.load(dir, Map.of("MOODBOX_MUSIC_ROOTS", music.toString()));
        assertEquals(MusicConfig.MoodChange.TRACK_END, s.music().moodChange());
        MoodboxTest.ScriptedSource source = new MoodboxTest.ScriptedSource();
        source.showing = Emotion.SAD;
        box = Moodbox.start(s, new Moodbox.Parts(source, new MoodboxTest.FakeAnalyzer()));
        await("happy music for a sad room", b -> b.mood().mood() == Emotion.SAD && b.player().track() != null
                && b.player().track().mood().equals("happy"), Duration.ofSeconds(20));
        source.showing = Emotion.ANGRY;
        await("the room's new mood", b -> b.mood().mood() == Emotion.ANGRY, Duration.ofSeconds(10));
        Thread.sleep(1500);
        assertEquals("happy", box.state().current().player().track().mood(), "the track plays on to its end");
    }

    @Test
    void anEmptyLibraryAndAMissingSoundCardAreSaidPlainly() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-music"));
        Settings s = TestSettings.load(dir, Map.of("MOODBOX_MUSIC_ROOTS", empty.toString(),
                "MOODBOX_MUSIC_OUTPUT", "no-such-sound-card-5d1e"));
        box = Moodbox.start(s, new Moodbox.Parts(null, null));
        await("the scan done", b -> box.library().scanProgress().finishedAt() != null, Duration.ofSeconds(10));
        Controls.Reply play = box.controls().play();
        assertFalse(play.done(), "nothing to play is not 'ok'");
        assertEquals("Nothing to play: the music library is empty. Put music into " + empty + " and press Re-scan.",
                play.message());
        Controls.Reply next = box.controls().next();
        assertFalse(next.done());
        assertTrue(next.message().startsWith("Nothing to skip to: the music library is empty."), next.message());
        assertFalse(box.controls().pause().done(), "nothing is playing");

        // The owner named a sound card that is not there: one plain problem, no Java exception text.
        await("the missing card on the page", b -> b.problems().stream().anyMatch(p -> p.contains("no-such-sound-card-5d1e")),
                Duration.ofSeconds(10));
        String problem = box.state().current().problems().stream().filter(p -> p.contains("no-such-sound-card")).findFirst().orElseThrow();
        assertTrue(problem.startsWith("No sound: the sound card 'no-such-sound-card-5d1e' (music.output) is not connected"), problem);
        assertFalse(problem.contains("Exception") || problem.contains("PCM_SIGNED") || problem.contains("javax"), problem);
    }

    @Test
    void autoWithoutASoundCardIsOneProblemLineAndAChosenSilenceIsNone() {
        PlayerStatus silent = new PlayerStatus(State.PLAYING, null, "", 30, 0, "none: no sound card was found", false);
        assertTrue(Moodbox.soundProblem(silent, MusicConfig.Output.AUTO).orElseThrow().startsWith("No sound card found, so the music plays silently"));
        assertTrue(Moodbox.soundProblem(silent, MusicConfig.Output.parse("null", "")).isEmpty());
        assertTrue(Moodbox.soundProblem(silent, MusicConfig.Output.parse("file:/tmp/o.wav", "")).isEmpty());
        PlayerStatus heard = new PlayerStatus(State.PLAYING, null, "", 30, 0, "the system's sound card", true);
        assertTrue(Moodbox.soundProblem(heard, MusicConfig.Output.AUTO).isEmpty());
        PlayerStatus missing = new PlayerStatus(State.NO_DEVICE, null, "No sound: x.", 30, 0, "sound card 'x'", true);
        assertEquals("No sound: x.", Moodbox.soundProblem(missing, MusicConfig.Output.parse("x", "")).orElseThrow());
    }

    @Test
    void theOwnersLibraryCommandsCorrectAMoodAndQueueATrack() throws Exception {
        Path music = dir.resolve("music");
        for (String mood : new String[]{"calm", "happy"}) TestSettings.tone(music, mood, 2);
        Settings s = TestSettings.load(dir, Map.of("MOODBOX_MUSIC_ROOTS", music.toString()));
        box = Moodbox.start(s, new Moodbox.Parts(null, null));
        await("playing", b -> b.player().track() != null, Duration.ofSeconds(20));
        var calm = box.library().tracks().stream().filter(t -> t.mood().equals("calm")).findFirst().orElseThrow();
        var happy = box.library().tracks().stream().filter(t -> t.mood().equals("happy")).findFirst().orElseThrow();

        Controls.Reply r = box.controls().correctMood(calm.id(), "tense");
        assertTrue(r.done() && r.message().contains("is now tense (set by you)"), r.message());
        assertEquals("tense", box.library().tracks().stream().filter(t -> t.id().equals(calm.id())).findFirst().orElseThrow().mood());
        assertEquals("happy", box.library().tracks().stream().filter(t -> t.id().equals(happy.id())).findFirst().orElseThrow().mood(),
                "the other track stays where it was");
        r = box.controls().correctMood(calm.id(), "purple");
        assertFalse(r.done());
        assertTrue(r.message().startsWith("The mood was not changed: 'purple' is no mood"), r.message());

        box.controls().pause();
        r = box.controls().queueTrack(happy.id(), false);
        assertTrue(r.done() && r.message().contains("is queued"), r.message());
        assertTrue(box.library().queue().stream().anyMatch(t -> t.id().equals(happy.id())), "in the player's queue");
        r = box.controls().queueTrack("nope", true);
        assertFalse(r.done());
        assertTrue(r.message().startsWith("No track nope"), r.message());
    }
}
