package io.moodbox.app;

import io.moodbox.config.Settings;
import io.moodbox.web.SettingsStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The page's {@link SettingsStore} over {@link Settings}: same validation, atomic save and live apply. */
final class WebSettings implements SettingsStore {
    private final Settings settings;

    WebSettings(Settings settings) {
        this.settings = settings;
    }

    @Override
    public List<SettingsStore.Setting> list() {
        List<SettingsStore.Setting> out = new ArrayList<>();
        for (io.moodbox.config.Setting s : settings.view())
            out.add(new SettingsStore.Setting(s.key(), s.value(), s.defaultValue(), s.live(), describe(s), s.label(), s.group()));
        return out;
    }

    private static String describe(io.moodbox.config.Setting s) {
        if (s.origin().equals(Settings.IGNORED))
            return s.description() + " (the value in the settings file is not valid, so the box uses this one; save a value here to mend it)";
        return s.origin().startsWith("env") || s.origin().equals("command line")
                ? s.description() + " (now set by " + s.origin() + ", which overrides the file)"
                : s.description();
    }

    @Override
    public Optional<String> value(String key) {
        try {
            return Optional.ofNullable(settings.get(key));
        } catch (RuntimeException e) {   // an unknown key: Settings names it, the page just goes without
            return Optional.empty();
        }
    }

    @Override
    public Result update(Map<String, String> changes) {
        Settings.Update u = settings.update(changes);
        return new Result(List.copyOf(u.live()), List.copyOf(u.needsRestart()));
    }
}
