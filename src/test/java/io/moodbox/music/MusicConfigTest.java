package io.moodbox.music;

import io.moodbox.config.ConfigException;
import io.moodbox.emotion.Emotion;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MusicConfigTest {
    private static MusicConfig parse(Map<String, String> m) {
        return MusicConfig.parse(m::get);
    }

    @Test
    void defaultsParseAndMatchTheSeedsTable() {
        MusicConfig c = parse(Map.of());
        assertEquals(MusicConfig.Policy.UPLIFT, c.policy());
        assertEquals("sad", c.uplift().get(Emotion.DISGUST));
        assertEquals("happy", c.uplift().get(Emotion.SAD));
        assertEquals("happy", c.uplift().get(Emotion.HAPPY));
        assertEquals("calm", c.uplift().get(Emotion.FEAR));
        assertEquals("calm", c.uplift().get(Emotion.ANGRY));
        assertEquals("energetic", c.uplift().get(Emotion.SURPRISE));
        assertEquals("energetic", c.uplift().get(Emotion.NEUTRAL));
        assertEquals(Path.of("audio-library"), c.roots().getFirst());
        assertTrue(c.maxStartVolume() < 100);
    }

    @Test
    void valuesAreReadAndBadOnesNameTheKeyAndAllowedValues() {
        Map<String, String> m = new HashMap<>(Map.of("music.policy", "iso", "music.roots", "/a, /b", "music.mood-change", "track-end",
                "music.fade-ms", "1500", "music.normalise", "loudness"));
        MusicConfig c = parse(m);
        assertEquals(MusicConfig.Policy.ISO, c.policy());
        assertEquals(2, c.roots().size());
        assertEquals(MusicConfig.MoodChange.TRACK_END, c.moodChange());
        assertEquals(1500, c.fadeMs());

        m.put("music.policy", "random");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("music.policy") && e.getMessage().contains("match, uplift, iso"), e.getMessage());
        m.put("music.policy", "match");
        m.put("music.fade-ms", "lots");
        e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("music.fade-ms"), e.getMessage());
        m.put("music.fade-ms", "99999");
        e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("0..20000"), e.getMessage());
        m.remove("music.fade-ms");
        m.put("music.uplift", "sad:ecstatic");
        e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("music.uplift") && e.getMessage().contains("calm"), e.getMessage());
        m.put("music.uplift", "sad:Relaxed");
        assertEquals("calm", parse(m).uplift().get(Emotion.SAD), "one row changed, synonyms accepted");
        assertEquals("calm", parse(m).uplift().get(Emotion.ANGRY), "the other rows keep the seeds' map");
        e = assertThrows(ConfigException.class, () -> new MusicConfig(c.roots(), c.stateDir(), c.policy(),
                Map.of(Emotion.SAD, "happy"), 4, 8, 60, c.output(), 30, 40, c.moodChange(), 3000, c.normalise(), -20, false));
        assertTrue(e.getMessage().contains("no entry for angry"), e.getMessage());
        m.put("music.uplift", "grumpy:calm");
        e = assertThrows(ConfigException.class, () -> parse(m));
        assertTrue(e.getMessage().contains("'grumpy' is not an emotion"), e.getMessage());
    }
}
