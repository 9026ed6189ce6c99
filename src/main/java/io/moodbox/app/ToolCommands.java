package io.moodbox.app;

import java.util.Map;

/**
 * The developer commands ({@code moodbox bench}, {@code eval}, {@code classify}), which live in
 * {@code io.moodbox.tools}, after the app in the chain: {@link Main} finds them through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.moodbox.app.ToolCommands}), so no
 * runtime class refers to a tool and the box runs the same without them.
 */
public interface ToolCommands {

    /** One command: its arguments after the name in, the exit status out (2: a usage error). */
    @FunctionalInterface
    interface Command {
        int run(String[] args) throws Exception;
    }

    /** The commands by the name typed after {@code moodbox}. */
    Map<String, Command> commands();
}
