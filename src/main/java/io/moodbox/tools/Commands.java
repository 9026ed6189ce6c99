package io.moodbox.tools;

import io.moodbox.app.ToolCommands;

import java.util.LinkedHashMap;
import java.util.Map;

/** The developer commands this package gives {@code moodbox} (registered for ServiceLoader in META-INF/services). */
public final class Commands implements ToolCommands {
    @Override
    public Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("classify", ClassifyCommand::run);
        c.put("bench", Bench::run);
        c.put("eval", EvalCommand::run);
        return c;
    }
}
