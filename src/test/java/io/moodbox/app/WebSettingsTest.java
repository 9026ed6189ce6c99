package io.moodbox.app;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import io.moodbox.web.SettingsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class WebSettingsTest {
    @TempDir Path dir;

    @Test
    void thePageSeesEveryKeyAndItsUpdatesGoThroughSettings() throws Exception {
        Path file = dir.resolve("moodbox.properties");
        Settings settings = Settings.load(file, Map.of("MOODBOX_MOOD_HOLD_S", "2"), Map.of());
        WebSettings store = new WebSettings(settings);

        List<SettingsStore.Setting> list = store.list();
        assertEquals(settings.view().size(), list.size());
        SettingsStore.Setting hold = list.stream().filter(s -> s.key().equals("mood.hold-s")).findFirst().orElseThrow();
        assertEquals("2", hold.value());
        assertTrue(hold.live());
        assertTrue(hold.description().contains("MOODBOX_MOOD_HOLD_S"), "says the environment wins: " + hold.description());
        // The page's label and group come from the record that reads the key (MoodConfig.from).
        assertEquals("Lead held for", hold.label());
        assertEquals("Room mood", hold.group());
        assertEquals(List.of("Camera", "The box", "Faces", "Emotions", "Room mood", "Music", "LED and buttons", "Page"),
                list.stream().map(SettingsStore.Setting::group).distinct().toList(), "one box per stage, in the chain's order");

        SettingsStore.Result r = store.update(Map.of("mood.half-life-s", "2", "daemon.error-limit", "40"));
        assertEquals(List.of("mood.half-life-s"), r.applied());
        assertEquals(List.of("daemon.error-limit"), r.restartNeeded());
        assertEquals(40, Settings.load(file, Map.of(), Map.of()).daemon().errorLimit());

        String saved = Files.readString(file);
        ConfigException e = assertThrows(ConfigException.class, () -> store.update(Map.of("web.port", "99999")));
        assertTrue(e.getMessage().contains("web.port"), e.getMessage());
        assertEquals(saved, Files.readString(file));
    }

    @Test
    void oneValueIsReadByKeyAndFollowsAnUpdate() {
        Settings settings = Settings.load(dir.resolve("moodbox.properties"), Map.of(), Map.of());
        WebSettings store = new WebSettings(settings);
        assertEquals(java.util.Optional.of(settings.get("mood.switch-margin")), store.value("mood.switch-margin"));
        store.update(Map.of("mood.switch-margin", "0.2"));
        assertEquals(0.2, Double.parseDouble(store.value("mood.switch-margin").orElseThrow()), 1e-9);
        assertEquals(java.util.Optional.empty(), store.value("mood.no_such_key"));
    }
}
