package io.moodbox.mpd;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The MPD settings validate themselves; the LAN filter; the command-line tokenizer. */
class MpdConfigTest {
    @Test
    void offByDefaultOnMpdsPortForTheLocalNetwork() {
        MpdConfig d = Settings.defaults().mpd();
        assertEquals(new MpdConfig(false, "lan", 6600, ""), d);
        assertEquals(MpdConfig.off(), d);
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(assertThrows(ConfigException.class, () -> new MpdConfig(true, "lan", 6600, "")).getMessage()
                .startsWith("mpd.enabled is true but mpd.password is empty"));
        assertTrue(assertThrows(ConfigException.class, () -> new MpdConfig(true, "lan", 6600, "short")).getMessage()
                .contains("shorter than 8"));
        assertTrue(assertThrows(ConfigException.class, () -> new MpdConfig(false, "lan", 70000, "")).getMessage()
                .startsWith("mpd.port must be 0..65535"));
        assertTrue(assertThrows(ConfigException.class, () -> new MpdConfig(false, "not an address!", 6600, "")).getMessage()
                .startsWith("mpd.bind must be lan"));
        assertTrue(assertThrows(ConfigException.class, () -> new MpdConfig(false, "lan", 6600, "has space")).getMessage()
                .startsWith("mpd.password must not contain spaces"));
        assertEquals("lan", new MpdConfig(true, " LAN ", 6600, "long-enough").bind());
        assertEquals("192.168.1.20", new MpdConfig(true, "192.168.1.20", 6600, "long-enough").bind());
    }

    @Test
    void anEnabledServerWithoutAPasswordInTheOwnersFileFallsBackToOff() throws Exception {
        var dir = java.nio.file.Files.createTempDirectory("mpd-config");
        var file = dir.resolve("moodbox.properties");
        java.nio.file.Files.writeString(file, "mpd.enabled = true\n");
        Settings s = Settings.load(file, java.util.Map.of(), java.util.Map.of());
        assertFalse(s.mpd().enabled(), "the box starts, without MPD");
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("mpd.enabled")), s.problems().toString());
    }

    @Test
    void onlyLocalAddressesAreLan() throws Exception {
        for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.178.20", "169.254.1.1", "::1", "fe80::1", "fd12:3456::1"))
            assertTrue(MpdServer.local(InetAddress.getByName(a)), a);
        for (String a : List.of("8.8.8.8", "172.32.0.1", "100.64.0.1", "2001:db8::1"))
            assertFalse(MpdServer.local(InetAddress.getByName(a)), a);
    }

    @Test
    void commandLinesSplitAsMpdSplitsThem() {
        assertEquals(List.of("find", "artist", "Simon & Garfunkel"), Session.tokens("find artist \"Simon & Garfunkel\""));
        assertEquals(List.of("find", "(title == 'a \"b\"')"), Session.tokens("find \"(title == 'a \\\"b\\\"')\""));
        assertEquals(List.of("status"), Session.tokens("  status\t"));
        assertEquals(List.of(), Session.tokens(""));
        assertThrows(MpdError.class, () -> Session.tokens("find \"open"));
        assertEquals("ACK [2@3] {setvol} bad one two\n", Session.ack(2, 3, "setvol", "bad\none\r\ntwo"));
    }
}
