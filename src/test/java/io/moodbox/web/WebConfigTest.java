package io.moodbox.web;

import io.moodbox.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class WebConfigTest {
    static final Path OWNER = Path.of("owner.properties");

    @Test
    void badValuesNameTheKeyAndTheAllowedRange() {
        assertMessage("web.port must be 0..65535", () -> new WebConfig("0.0.0.0", 70000, false, false, false, 60, OWNER, 16384));
        assertMessage("web.bind", () -> new WebConfig("my box!", 80, false, false, false, 60, OWNER, 16384));
        assertMessage("web.session-idle-minutes must be 5..", () -> new WebConfig("::", 80, false, false, false, 1, OWNER, 16384));
        assertMessage("web.max-body-bytes must be 1024..", () -> new WebConfig("::", 80, false, false, false, 60, OWNER, 10));
        assertMessage("web.owner-file", () -> new WebConfig("::", 80, false, false, false, 60, null, 16384));
    }

    @Test
    void liveChangesKeepAddressPortAndFile() {
        WebConfig a = new WebConfig(" 127.0.0.1 ", 8080, false, false, false, 60, OWNER, 16384);
        assertEquals("127.0.0.1", a.bind());
        WebConfig b = a.withLive(new WebConfig("0.0.0.0", 9090, true, true, true, 30, Path.of("x"), 2048));
        assertEquals(new WebConfig("127.0.0.1", 8080, true, true, true, 30, OWNER, 2048), b);
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        ConfigException ex = assertThrows(ConfigException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
