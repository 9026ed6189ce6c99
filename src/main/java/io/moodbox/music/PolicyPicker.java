package io.moodbox.music;

import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState;
import io.moodbox.music.MoodPoints.Point;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@link TrackPicker} for the three policies. Scoring (lower is better): distance to the target,
 * minus a bonus for tracks the owner lets play in this room emotion and plus a penalty for ones
 * they skip, minus a small bonus for catalog popularity, plus a little jitter so equally good
 * tracks take turns. Tracks picked within the repeat window are left out while others exist.
 */
final class PolicyPicker implements TrackPicker {
    static final double TASTE_WEIGHT = 0.35, POPULARITY_WEIGHT = 0.15, JITTER = 0.04;

    private final MusicConfig config;
    private final Taste taste;
    private final SplittableRandom random;
    private final Deque<String> recent = new ArrayDeque<>();
    // Iso path: where the walk started, toward what, and how far it has come.
    private Emotion isoFrom;
    private MoodState.Presence isoPresence;
    private Point isoStart;
    private int isoStep;

    PolicyPicker(MusicConfig config, Taste taste, SplittableRandom random) {
        this.config = config;
        this.taste = taste;
        this.random = random;
    }

    @Override
    public Optional<Pick> pick(MoodState room, List<Track> library) {
        if (library.isEmpty()) return Optional.empty();
        boolean present = room.presence() == MoodState.Presence.PRESENT;
        Emotion emotion = present ? room.mood() : Emotion.NEUTRAL;
        Point roomPoint = present ? new Point(room.valence(), room.arousal()) : MoodPoints.point("neutral");
        String roomWords = present
                ? String.format(Locale.ROOT, "The room looks %s %s", emotion.label(), roomPoint)
                : room.presence() == MoodState.Presence.NOBODY ? "Nobody is in the room" : "The camera is not watching";

        Point target;
        String policyWords;
        switch (config.policy()) {
            case MATCH -> {
                target = roomPoint;
                policyWords = "match: music that mirrors it";
            }
            case UPLIFT -> {
                String mood = config.uplift().get(emotion);
                target = MoodPoints.point(mood);
                policyWords = "uplift: " + emotion.label() + " -> " + mood + " music";
            }
            default -> {
                String goalMood = config.uplift().get(emotion);
                Point goal = MoodPoints.point(goalMood);
                if (isoStart == null || isoFrom != emotion || isoPresence != room.presence()) {
                    isoStart = roomPoint; // a new mood starts a new walk from where the room is
                    isoFrom = emotion;
                    isoPresence = room.presence();
                    isoStep = 0;
                }
                isoStep = Math.min(isoStep + 1, config.isoSteps() + 1);
                double fraction = Math.min(1.0, (isoStep - 1) / (double) config.isoSteps());
                target = isoStart.toward(goal, fraction);
                policyWords = isoStep > config.isoSteps()
                        ? "iso: arrived at " + goalMood + " music, staying there"
                        : String.format(Locale.ROOT, "iso: step %d of %d from the room's mood toward %s music",
                        isoStep, config.isoSteps() + 1, goalMood);
            }
        }

        Track best = null;
        double bestScore = Double.MAX_VALUE, bestDistance = 0;
        int bestPlays = 0, bestSkips = 0;
        boolean avoidRepeats = library.stream().anyMatch(t -> !recent.contains(t.id()));
        for (Track t : library) {
            if (avoidRepeats && recent.contains(t.id())) continue;
            double d = target.distance(new Point(t.valence(), t.arousal()));
            int plays = taste.plays(t.id(), emotion), skips = taste.skips(t.id(), emotion);
            // Liking in (-1, 1): shrinks toward 0 with few observations.
            double liking = (plays - 2.0 * skips) / (plays + 2.0 * skips + 2);
            double pop = t.popularity() >= 0 ? t.popularity() / 100.0 - 0.5 : 0;
            double score = d - TASTE_WEIGHT * liking - POPULARITY_WEIGHT * pop + JITTER * random.nextDouble();
            if (score < bestScore) {
                bestScore = score;
                best = t;
                bestDistance = d;
                bestPlays = plays;
                bestSkips = skips;
            }
        }
        StringBuilder why = new StringBuilder(roomWords).append("; ").append(policyWords).append(". ");
        why.append(String.format(Locale.ROOT, "\"%s\" is %s (%s), %.2f from the target %s",
                best.displayName(), best.mood(), best.decidedBy(), bestDistance, target));
        if (bestPlays + bestSkips > 0)
            why.append(String.format(Locale.ROOT, "; in a %s room you let it play %d times and skipped it %d",
                    emotion.label(), bestPlays, bestSkips));
        if (avoidRepeats && config.repeatWindow() > 0 && !recent.isEmpty())
            why.append(String.format(Locale.ROOT, "; none of the last %d picks is repeated (music.repeat-window)",
                    Math.min(config.repeatWindow(), recent.size())));
        if (best.popularity() >= 0) why.append("; catalog popularity ").append(best.popularity());
        if (!avoidRepeats) why.append("; every track played recently, so repeating");
        why.append('.');
        recent.addLast(best.id());
        while (recent.size() > config.repeatWindow()) recent.removeFirst();
        return Optional.of(new Pick(best, target.valence(), target.arousal(), why.toString()));
    }

    @Override
    public void feedback(Track track, MoodState room, boolean skipped) {
        Emotion e = room.presence() == MoodState.Presence.PRESENT ? room.mood() : Emotion.NEUTRAL;
        taste.record(track.id(), e, skipped);
    }
}
