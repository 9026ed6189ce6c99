package io.moodbox.mpd;

import io.moodbox.config.ConfigException;
import io.moodbox.config.Reader;

import java.util.regex.Pattern;

/**
 * The MPD protocol server's settings ({@code mpd.*} keys). {@code enabled} is off by default.
 * {@code bind}: {@code lan} (the default) listens on every interface but serves only clients on
 * this box or the local network (loopback, private and link-local addresses), so it keeps working
 * when DHCP hands the box a new address; an IP address or host name listens there alone.
 * {@code port} 6600 is MPD's own (0 picks a free one, for tests). {@code password} is what MPD
 * clients send with the {@code password} command; the protocol sends it in clear, so it is a
 * setting of its own, not the page's password. Validates itself, throwing {@link ConfigException}.
 */
public record MpdConfig(boolean enabled, String bind, int port, String password) {
    public static final String LAN = "lan";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]{1,253}");

    public MpdConfig {
        bind = bind == null ? "" : bind.trim();
        password = password == null ? "" : password;
        if (!bind.equalsIgnoreCase(LAN) && !HOST.matcher(bind).matches())
            throw new ConfigException("mpd.bind must be lan (every interface, local-network clients only), an IP address "
                    + "or a host name, was '" + bind + "'");
        if (bind.equalsIgnoreCase(LAN)) bind = LAN;
        if (port < 0 || port > 65535) throw new ConfigException("mpd.port must be 0..65535 (MPD's own is 6600), was " + port);
        if (password.length() > 256) throw new ConfigException("mpd.password must be at most 256 characters");
        for (int i = 0; i < password.length(); i++)
            if (Character.isISOControl(password.charAt(i)) || Character.isWhitespace(password.charAt(i)))
                throw new ConfigException("mpd.password must not contain spaces or control characters");
        // Named mpd.enabled first: the settings fall back on the first key a message names, and
        // falling back to "off" keeps the box starting.
        if (enabled && password.length() < 8)
            throw new ConfigException("mpd.enabled is true but mpd.password is " + (password.isEmpty() ? "empty" : "shorter than 8 characters")
                    + "; set a password of 8 or more characters (MPD clients send it in clear, so not the page's password)");
    }

    /** The {@code mpd.*} keys; every one applies without a restart. */
    public static MpdConfig from(Reader reader) {
        Reader r = reader.group("mpd", "MPD clients").live();
        return new MpdConfig(
                r.bool("enabled", false, "MPD server", "Serve the MPD protocol to clients such as mpc, ncmpcpp, MALP or Cantata; needs mpd.password."),
                r.string("bind", LAN, "MPD listens on", "lan (every interface, but only clients on this box or the local network), or one IP address."),
                r.integer("port", 6600, "MPD port", "MPD port (1..65535; MPD's own is 6600)."),
                r.string("password", "", "MPD password", "What MPD clients send (8+ characters, no spaces); MPD sends it in clear, so use one of its own, not the page's."));
    }

    /** Off, on MPD's port, local network only: what a box starts with. */
    public static MpdConfig off() { return new MpdConfig(false, LAN, 6600, ""); }
}
