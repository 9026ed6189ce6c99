package io.moodbox.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package structure as a plain class-graph check over the main sources: data flows one way,
 * frame -> faces -> emotions -> mood -> track -> speaker, so no file refers to a package later in
 * the chain than its own (imports and fully qualified names alike). The shared contracts live in
 * {@code box}, after the stages whose records the box's state carries and before everything that
 * observes or commands it; {@code app} only wires, so nothing but {@code app} itself refers to it.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/moodbox");

    /**
     * The chain, in order: a package may refer to its own rank or lower. The developer commands in
     * tools come last, so no runtime class names one (Main finds them through ServiceLoader).
     */
    static final List<String> CHAIN = List.of("config", "dataset", "camera", "vision", "emotion", "mood", "music", "box",
            "device", "web", "mpd", "homeassistant", "console", "app", "tools");

    /**
     * The one file that stands later than its package: config's Settings builds every stage's
     * record, so it ranks as wiring (until each record reads itself from a typed reader, issue 21).
     */
    static final Map<String, String> RANKED_AS = Map.of("config/Settings.java", "app");

    private static final Pattern REF = Pattern.compile("\\bio\\.moodbox\\.([a-z]+)\\.");
    private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

    @Test
    void noFileRefersToAPackageLaterInTheChain() throws IOException {
        List<String> wrong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(MAIN)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String rel = MAIN.relativize(f).toString().replace('\\', '/');
                String own = rel.substring(0, rel.indexOf('/'));
                assertTrue(CHAIN.contains(own), "package " + own + " is not in the chain " + CHAIN + "; place it there");
                int rank = CHAIN.indexOf(RANKED_AS.getOrDefault(rel, own));
                String code = COMMENT.matcher(Files.readString(f)).replaceAll("");
                Matcher m = REF.matcher(code);
                while (m.find()) {
                    String to = m.group(1);
                    if (!CHAIN.contains(to)) continue;   // a class name after io.moodbox, e.g. in a string
                    if (CHAIN.indexOf(to) > rank) wrong.add(rel + " -> " + to);
                }
            }
        }
        assertTrue(files > 100, "read the main sources (" + files + " files)");
        assertEquals(List.of(), wrong.stream().distinct().sorted().toList(),
                "references against the chain " + CHAIN + " (a file may refer only to its own package or earlier ones)");
    }

    @Test
    void theSharedContractsDependOnlyOnTheRecordsTheyCarry() throws IOException {
        List<String> refs = new ArrayList<>();
        try (Stream<Path> all = Files.list(MAIN.resolve("box"))) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("\\bimport io\\.moodbox\\.([a-z]+\\.[A-Za-z]+)").matcher(Files.readString(f));
                while (m.find()) refs.add(m.group(1));
            }
        }
        List<String> allowed = List.of("camera.SourceStatus", "mood.MoodState", "music.PlayerStatus");
        assertEquals(List.of(), refs.stream().filter(r -> !allowed.contains(r)).distinct().toList(),
                "box holds the contracts: it may name only the stage records the box's state carries " + allowed);
    }

    /** The runtime reaches the developer commands only through the registry, and finds them there. */
    @Test
    void mainFindsTheToolsThroughTheirRegistry() throws IOException {
        Path services = Path.of("src/main/resources/META-INF/services/" + ToolCommands.class.getName());
        assertEquals(List.of("io.moodbox.tools.Commands"), Files.readAllLines(services).stream().map(String::strip).filter(l -> !l.isEmpty()).toList());
        var commands = Main.commands().keySet();
        assertTrue(commands.containsAll(List.of("run", "console", "samples", "bench", "eval", "classify")), commands.toString());
    }
}
