package io.moodbox.music;

import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.TrackPicker.Pick;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackPickerTest {
    @TempDir Path state;

    /** Two tracks per canonical mood, at its point, slightly apart. */
    static List<Track> library() {
        List<Track> l = new ArrayList<>();
        for (var e : MoodPoints.CANONICAL.entrySet()) {
            for (int i = 0; i < 2; i++) {
                double dv = i * 0.05;
                l.add(new Track(e.getKey() + i, Path.of("/m/" + e.getKey() + i + ".flac"), e.getKey() + " " + i, "", "", 180,
                        e.getValue().valence() + dv, e.getValue().arousal(), e.getKey(), "folder"));
            }
        }
        return l;
    }

    static MoodState room(Emotion e) {
        float[] dist = new float[Emotion.values().length];
        dist[e.ordinal()] = 1;
        return new MoodState(MoodState.Presence.PRESENT, e, dist, e.valence(), e.arousal(), 0.9, 1, false, Instant.EPOCH);
    }

    private MusicConfig config(MusicConfig.Policy policy, int isoSteps, int window) {
        MusicConfig d = MusicConfig.defaults(state, state);
        return new MusicConfig(d.roots(), d.stateDir(), policy, d.uplift(), isoSteps, window, d.analysisSeconds(), d.output(),
                d.volume(), d.maxStartVolume(), d.moodChange(), d.fadeMs(), d.normalise(), d.targetLoudnessDb(), false);
    }

    private TrackPicker picker(MusicConfig c) {
        return new PolicyPicker(c, new Taste(c.tasteFile()), new SplittableRandom(1));
    }

    @Test
    void upliftFollowsTheSeedsTable() {
        MusicConfig c = config(MusicConfig.Policy.UPLIFT, 4, 0);
        TrackPicker p = picker(c);
        String[][] expected = {{"DISGUST", "sad"}, {"HAPPY", "happy"}, {"SAD", "happy"}, {"FEAR", "calm"}, {"ANGRY", "calm"},
                {"SURPRISE", "energetic"}, {"NEUTRAL", "energetic"}};
        for (String[] row : expected) {
            Pick pick = p.pick(room(Emotion.valueOf(row[0])), library()).orElseThrow();
            assertEquals(row[1], pick.track().mood(), row[0] + ": " + pick.reason());
            assertTrue(pick.reason().contains("uplift: " + row[0].toLowerCase() + " -> " + row[1]), pick.reason());
        }
    }

    @Test
    void anEditedTableIsObeyed() {
        MusicConfig d = config(MusicConfig.Policy.UPLIFT, 4, 0);
        var table = MusicConfig.parseUplift(MusicConfig.DEFAULT_UPLIFT + ", sad:calm");
        MusicConfig c = new MusicConfig(d.roots(), d.stateDir(), d.policy(), table, 4, 0, 60, d.output(), 30, 40,
                d.moodChange(), 3000, d.normalise(), -20, false);
        assertEquals("calm", picker(c).pick(room(Emotion.SAD), library()).orElseThrow().track().mood());
    }

    @Test
    void matchMirrorsTheRoom() {
        TrackPicker p = picker(config(MusicConfig.Policy.MATCH, 4, 0));
        assertEquals("sad", p.pick(room(Emotion.SAD), library()).orElseThrow().track().mood());
        assertEquals("happy", p.pick(room(Emotion.HAPPY), library()).orElseThrow().track().mood());
        assertEquals("tense", p.pick(room(Emotion.ANGRY), library()).orElseThrow().track().mood());
    }

    @Test
    void isoStartsAtTheRoomAndWalksToTheTarget() {
        // A denser library so every step of the walk has a track near it.
        List<Track> lib = new ArrayList<>(library());
        for (int i = 0; i <= 10; i++) {
            double f = i / 10.0;
            lib.add(new Track("path" + i, Path.of("/m/p" + i + ".flac"), "p" + i, "", "", 180,
                    -0.7 + f * 1.4, -0.4 + f * 0.8, "x", "analysis"));
        }
        TrackPicker p = picker(config(MusicConfig.Policy.ISO, 4, 20));
        MoodState sad = room(Emotion.SAD);
        Point goal = new Point(MoodPoints.point("happy"));
        double lastDistance = Double.MAX_VALUE;
        List<Pick> walk = new ArrayList<>();
        for (int i = 0; i < 6; i++) walk.add(p.pick(sad, lib).orElseThrow());
        // The first target is the room itself; each next is closer to happy; then it stays there.
        assertEquals(Emotion.SAD.valence(), walk.get(0).targetValence(), 1e-9);
        assertEquals(Emotion.SAD.arousal(), walk.get(0).targetArousal(), 1e-9);
        assertTrue(walk.get(0).reason().contains("iso: step 1 of 5"), walk.get(0).reason());
        for (int i = 0; i < 5; i++) {
            double d = goal.distance(new Point(walk.get(i).targetValence(), walk.get(i).targetArousal()));
            assertTrue(d < lastDistance, "step " + i + " gets closer");
            lastDistance = d;
        }
        assertEquals(0, lastDistance, 1e-9);
        assertTrue(walk.get(5).reason().contains("arrived at happy"), walk.get(5).reason());
        assertTrue(walk.get(0).track().valence() < 0 && walk.get(4).track().valence() > 0.5, walk.toString());
        // The tracks themselves walk too: their valence rises along the path.
        for (int i = 1; i < 5; i++) assertTrue(walk.get(i).track().valence() > walk.get(i - 1).track().valence() - 0.1);
        // A new room mood starts a new walk from where the room now is.
        Pick fresh = p.pick(room(Emotion.ANGRY), lib).orElseThrow();
        assertEquals(Emotion.ANGRY.valence(), fresh.targetValence(), 1e-9);
    }

    private record Point(double v, double a) {
        Point(MoodPoints.Point p) { this(p.valence(), p.arousal()); }

        double distance(Point o) { return Math.hypot(v - o.v, a - o.a); }
    }

    @Test
    void noRepeatsWithinTheWindowAndRepeatsOnlyWhenEverythingWasPlayed() {
        TrackPicker p = picker(config(MusicConfig.Policy.UPLIFT, 4, 8));
        List<Track> lib = library();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) ids.add(p.pick(room(Emotion.SAD), lib).orElseThrow().track().id());
        for (int i = 0; i < ids.size(); i++) {
            Set<String> window = new HashSet<>(ids.subList(Math.max(0, i - 8), i));
            assertTrue(!window.contains(ids.get(i)), "repeat at " + i + ": " + ids);
        }
        // Two tracks, window 8: they must alternate, and the pick says it is repeating.
        List<Track> two = lib.subList(0, 2);
        TrackPicker q = picker(config(MusicConfig.Policy.UPLIFT, 4, 8));
        String a = q.pick(room(Emotion.SAD), two).orElseThrow().track().id();
        String b = q.pick(room(Emotion.SAD), two).orElseThrow().track().id();
        assertNotEquals(a, b);
        assertTrue(q.pick(room(Emotion.SAD), two).orElseThrow().reason().contains("repeating"));
    }

    @Test
    void skipsAndPlaysPerMoodSteerThePicksAndSurviveARestart() {
        MusicConfig c = config(MusicConfig.Policy.UPLIFT, 4, 0);
        List<Track> lib = library();
        TrackPicker p = picker(c);
        Track first = p.pick(room(Emotion.SAD), lib).orElseThrow().track();
        assertEquals("happy", first.mood());
        for (int i = 0; i < 3; i++) p.feedback(first, room(Emotion.SAD), true);
        Track other = picker(c).pick(room(Emotion.SAD), lib).orElseThrow().track();
        assertNotEquals(first.id(), other.id(), "skipped three times in a sad room: the other happy track wins");
        assertEquals("happy", other.mood());
        // Skips in a sad room say nothing about a happy room.
        assertEquals(first.id(), picker(c).pick(room(Emotion.HAPPY), lib).orElseThrow().track().id());
        // Plays pull a track forward and the reason says so.
        TrackPicker r = picker(c);
        for (int i = 0; i < 4; i++) r.feedback(other, room(Emotion.NEUTRAL), false);
        Pick pick = picker(c).pick(room(Emotion.NEUTRAL), lib).orElseThrow();
        assertEquals("energetic", pick.track().mood(), "taste never outweighs the mood itself");
    }

    @Test
    void popularityBreaksTiesAndIsExplained() {
        MusicConfig c = config(MusicConfig.Policy.UPLIFT, 4, 0);
        var p0 = MoodPoints.point("happy");
        List<Track> lib = List.of(
                new Track("a", Path.of("/a.flac"), "A", "", "", 100, p0.valence(), p0.arousal(), "happy", "catalog", "", 0, Double.NaN, 10, null),
                new Track("b", Path.of("/b.flac"), "B", "", "", 100, p0.valence(), p0.arousal(), "happy", "catalog", "", 0, Double.NaN, 95, null));
        Pick pick = picker(c).pick(room(Emotion.HAPPY), lib).orElseThrow();
        assertEquals("b", pick.track().id());
        assertTrue(pick.reason().contains("popularity 95"), pick.reason());
    }

    @Test
    void nobodyThereMeansBackgroundMusicAndSaysSo() {
        MoodState nobody = new MoodState(MoodState.Presence.NOBODY, Emotion.SAD, new float[7], -0.7, -0.4, 0, 0, false, Instant.EPOCH);
        Pick pick = picker(config(MusicConfig.Policy.MATCH, 4, 0)).pick(nobody, library()).orElseThrow();
        assertEquals("neutral", pick.track().mood());
        assertTrue(pick.reason().startsWith("Nobody is in the room"), pick.reason());
        assertTrue(picker(config(MusicConfig.Policy.MATCH, 4, 0)).pick(nobody, List.of()).isEmpty());
    }

    @Test
    void whyThisTrackNamesSkipsWhoDecidedTheMoodAndTheRepeatWindow() {
        MusicConfig c = config(MusicConfig.Policy.MATCH, 4, 3);
        List<Track> lib = library();
        TrackPicker p = picker(c);
        Track first = p.pick(room(Emotion.HAPPY), lib).orElseThrow().track();
        for (int i = 0; i < 2; i++) p.feedback(first, room(Emotion.HAPPY), true);
        List<String> ids = new ArrayList<>(List.of(first.id()));
        Pick last = null;
        for (int i = 0; i < 4; i++) {
            last = p.pick(room(Emotion.HAPPY), lib).orElseThrow();
            ids.add(last.track().id());
        }
        for (int i = 0; i < ids.size(); i++)
            for (int j = Math.max(0, i - 3); j < i; j++) assertNotEquals(ids.get(j), ids.get(i), "no repeat within 3 picks: " + ids);
        assertTrue(last.reason().contains("none of the last 3 picks is repeated (music.repeat-window)"), last.reason());
        assertTrue(last.reason().contains("(set by you)"), "a folder's mood is the owner's word: " + last.reason());
        // Alone in the library, the skipped track is picked and the reason counts its skips.
        Pick alone = picker(c).pick(room(Emotion.HAPPY), List.of(first)).orElseThrow();
        assertTrue(alone.reason().contains("you let it play 0 times and skipped it 2"), alone.reason());
    }
}
