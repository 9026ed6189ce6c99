package io.moodbox.mood;

import io.moodbox.emotion.Emotion;
import io.moodbox.mood.MoodState.Presence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MoodBoardTest {

    static MoodState state(Emotion mood, float happy, int faces) {
        float[] e = new float[7];
        e[Emotion.HAPPY.ordinal()] = happy;
        return new MoodState(Presence.PRESENT, mood, e, 0, 0, 0.5, faces, false, Instant.EPOCH);
    }

    @Test
    void listenersAreToldInOrderOnOneThreadAndAThrowingOneIsSkipped() throws Exception {
        ExecutorService events = Executors.newSingleThreadExecutor(r -> new Thread(r, "moodbox-test-events"));
        MoodBoard board = new MoodBoard(MoodState.initial(Instant.EPOCH), events, Duration.ofHours(1));
        List<String> seen = new ArrayList<>();
        board.addListener((old, now) -> { throw new IllegalStateException("broken listener"); });
        board.addListener((old, now) -> seen.add(Thread.currentThread().getName() + ":" + old.mood() + "->" + now.mood()));

        board.publish(state(Emotion.HAPPY, 0.5f, 1));
        board.publish(state(Emotion.SAD, 0.5f, 1));
        events.shutdown();
        assertTrue(events.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(List.of("moodbox-test-events:NEUTRAL->HAPPY", "moodbox-test-events:HAPPY->SAD"), seen);
        assertEquals(Emotion.SAD, board.current().mood());
    }

    @Test
    void driftIsThrottledButEveryStateIsCurrent() {
        List<MoodState> told = new ArrayList<>();
        MoodBoard board = new MoodBoard(state(Emotion.HAPPY, 0.5f, 1), Runnable::run, Duration.ofHours(1));
        board.addListener((old, now) -> told.add(now));
        for (int i = 0; i < 100; i++) board.publish(state(Emotion.HAPPY, 0.5f + i / 1000f, 1));
        assertTrue(told.size() <= 1, "drift told " + told.size() + " times");
        assertEquals(0.599f, board.current().emotions()[Emotion.HAPPY.ordinal()], 1e-6);

        board.publish(state(Emotion.HAPPY, 0.6f, 2));   // a face more: told at once
        assertEquals(2, told.getLast().faces());
    }
}
