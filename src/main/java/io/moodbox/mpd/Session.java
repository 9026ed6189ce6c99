package io.moodbox.mpd;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.mood.MoodState;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One MPD client connection: reads command lines, answers each with its lines and {@code OK} or
 * one {@code ACK [code@index] {command} message}, runs command lists, and waits in {@code idle}
 * until the server tells it of a change or the client sends {@code noidle}. Its own virtual
 * thread reads; the server's watch thread may write an idle answer, so writes share a lock.
 */
final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int MAX_LIST_COMMANDS = 4096;
    /** A client that says nothing for this long is closed (MPD's connection_timeout); not while idling. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Set<String> IDLE_SUBSYSTEMS = Set.of("player", "mixer", "playlist", "database", "stored_playlist",
            "update", "options", "output");
    /** What a client may do before the password: what MPD allows without any permission. */
    private static final Set<String> WITHOUT_PASSWORD = Set.of("password", "ping", "close", "commands", "notcommands", "tagtypes");
    private static final List<String> COMMANDS = List.of("add", "addid", "clear", "close", "command_list_begin",
            "command_list_end", "command_list_ok_begin", "commands", "currentsong", "find", "getvol", "idle", "list",
            "listall", "listallinfo", "listplaylist", "listplaylistinfo", "listplaylists", "load", "lsinfo", "next",
            "noidle", "notcommands", "outputs", "password", "pause", "ping", "play", "playlistid", "playlistinfo",
            "plchanges", "previous", "rescan", "search", "setvol", "stats", "status", "stop", "tagtypes", "update", "volume");
    private static final List<String> TAG_TYPES = List.of("Artist", "AlbumArtist", "Album", "Title", "Genre", "Comment");

    private final MpdServer server;
    private final Socket socket;
    private final Object lock = new Object();
    private OutputStream out;
    private boolean authenticated;
    // Idle state, guarded by lock.
    private final Set<String> pending = new LinkedHashSet<>();
    private Set<String> idleMask;
    private volatile boolean closed;

    Session(MpdServer server, Socket socket) {
        this.server = server;
        this.socket = socket;
    }

    void run() {
        String who = socket.getInetAddress().getHostAddress();
        log.info("MPD client connected from {}", who);
        try (socket) {
            socket.setSoTimeout(1000);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            out = socket.getOutputStream();
            write("OK MPD " + MpdServer.VERSION + "\n");
            LineReader lines = new LineReader(in);
            List<List<String>> batch = null;
            boolean batchOk = false;
            long lastHeard = System.nanoTime();
            while (!closed) {
                String line;
                try {
                    line = lines.next();
                } catch (SocketTimeoutException e) {
                    if (!idling() && System.nanoTime() - lastHeard > TIMEOUT.toNanos()) {
                        log.info("MPD client {} said nothing for {} s; closing", who, TIMEOUT.toSeconds());
                        break;
                    }
                    continue;
                } catch (LineTooLong e) {
                    write(ack(MpdError.ARG, 0, "", "line too long"));
                    break;
                }
                if (line == null) break;
                lastHeard = System.nanoTime();
                if (idling()) {
                    // While idle only noidle is allowed; MPD drops a client that sends anything else.
                    if (line.trim().equals("noidle")) noidle();
                    else break;
                    continue;
                }
                List<String> cmd;
                try {
                    cmd = tokens(line);
                } catch (MpdError e) {
                    write(ack(e.code, 0, "", e.getMessage()));
                    continue;
                }
                if (cmd.isEmpty()) {
                    write(ack(MpdError.UNKNOWN, 0, "", "No command given"));
                    continue;
                }
                String name = cmd.getFirst();
                if (batch != null) {
                    if (name.equals("command_list_end")) {
                        runList(batch, batchOk);
                        batch = null;
                    } else if (batch.size() >= MAX_LIST_COMMANDS) {
                        write(ack(MpdError.ARG, batch.size(), name, "command list too long"));
                        break;
                    } else batch.add(cmd);
                    continue;
                }
                switch (name) {
                    case "command_list_begin", "command_list_ok_begin" -> {
                        batch = new ArrayList<>();
                        batchOk = name.equals("command_list_ok_begin");
                    }
                    case "command_list_end" -> write(ack(MpdError.NOT_LIST, 0, name, "not in command list mode"));
                    case "close" -> closed = true;
                    case "noidle" -> { }   // not idling: nothing to end, and MPD says nothing
                    case "idle" -> idle(cmd);
                    default -> {
                        StringBuilder b = new StringBuilder();
                        try {
                            execute(cmd, b);
                            write(b.append("OK\n").toString());
                        } catch (MpdError e) {
                            write(ack(e.code, 0, e instanceof Unknown ? "" : name, e.getMessage()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) log.debug("MPD client {}: {}", who, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("MPD client {}: closing after an internal error", who, e);
        } finally {
            closed = true;
            log.info("MPD client {} disconnected", who);
        }
    }

    private void runList(List<List<String>> batch, boolean ok) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
            List<String> cmd = batch.get(i);
            try {
                if (cmd.getFirst().equals("idle") || cmd.getFirst().startsWith("command_list"))
                    throw new MpdError(MpdError.ARG, cmd.getFirst() + " is not allowed in a command list");
                if (cmd.getFirst().equals("close")) {
                    closed = true;
                    break;
                }
                execute(cmd, b);
                if (ok) b.append("list_OK\n");
            } catch (MpdError e) {
                // The list stops at the first failure; the index says which command it was.
                write(b + ack(e.code, i, e instanceof Unknown ? "" : cmd.getFirst(), e.getMessage()));
                return;
            }
        }
        if (!closed) write(b.append("OK\n").toString());
    }

    // ---- idle ----

    private boolean idling() {
        synchronized (lock) { return idleMask != null; }
    }

    private void idle(List<String> cmd) throws IOException {
        if (!allowed("idle")) {
            write(ack(MpdError.PERMISSION, 0, "idle", "you don't have permission for \"idle\""));
            return;
        }
        Set<String> mask = new LinkedHashSet<>();
        for (String s : cmd.subList(1, cmd.size())) {
            if (!IDLE_SUBSYSTEMS.contains(s)) {
                write(ack(MpdError.ARG, 0, "idle", "Unrecognized idle event: " + s));
                return;
            }
            mask.add(s);
        }
        if (mask.isEmpty()) mask.addAll(IDLE_SUBSYSTEMS);
        String answer;
        synchronized (lock) {
            idleMask = mask;
            answer = answerIdle();
        }
        if (answer != null) write(answer);
    }

    /** From the server: something changed. Events pile up until an idle asks for them (none is lost). */
    void event(Set<String> events) {
        String answer;
        synchronized (lock) {
            pending.addAll(events);
            answer = idleMask == null ? null : answerIdle();
        }
        // Written on a thread of its own: a client that stops reading must not hold up the others.
        if (answer != null) Thread.ofVirtual().name("moodbox-mpd-idle").start(() -> {
            try {
                write(answer);
            } catch (IOException e) {
                close();
            }
        });
    }

    private void noidle() throws IOException {
        synchronized (lock) {
            if (idleMask == null) return;   // an event answered it already
            idleMask = null;
        }
        write("OK\n");
    }

    /** Under lock: ends the idle and returns its answer if any of its subsystems changed, else null. */
    private String answerIdle() {
        StringBuilder b = new StringBuilder();
        for (String e : List.copyOf(pending)) {
            if (idleMask.contains(e)) {
                b.append("changed: ").append(e).append('\n');
                pending.remove(e);
            }
        }
        if (b.isEmpty()) return null;
        idleMask = null;
        return b.append("OK\n").toString();
    }

    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("Closing an MPD client: {}", e.getMessage());
        }
    }

    private final Object writing = new Object();

    private void write(String s) throws IOException {
        synchronized (writing) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    static String ack(int code, int index, String command, String message) {
        String m = message == null ? "" : message.replaceAll("[\\r\\n]+", " ");
        return "ACK [" + code + "@" + index + "] {" + command + "} " + m + "\n";
    }

    // ---- commands ----

    private boolean allowed(String name) {
        return authenticated || WITHOUT_PASSWORD.contains(name);
    }

    private void execute(List<String> cmd, StringBuilder b) {
        String name = cmd.getFirst();
        List<String> a = cmd.subList(1, cmd.size());
        if (!COMMANDS.contains(name)) throw new Unknown(name);
        if (!allowed(name)) throw new MpdError(MpdError.PERMISSION, "you don't have permission for \"" + name + "\"");
        switch (name) {
            case "ping" -> { }
            case "password" -> password(args(a, 1, 1).getFirst());
            case "commands" -> COMMANDS.stream().filter(this::allowed).forEach(c -> line(b, "command", c));
            case "notcommands" -> COMMANDS.stream().filter(c -> !allowed(c)).forEach(c -> line(b, "command", c));
            case "tagtypes" -> { if (a.isEmpty()) TAG_TYPES.forEach(t -> line(b, "tagtype", t)); }
            case "status" -> status(b);
            case "currentsong" -> {
                BoxState s = server.state.current();
                Track t = s.player().track();
                if (t != null) song(b, server.catalog(), t, 0, comment(s, t));
            }
            case "stats" -> stats(b);
            case "play" -> {
                if (!args(a, 0, 1).isEmpty() && position(a.getFirst(), server.playlist().size()) != 0)
                    throw new MpdError(MpdError.ARG, "moodbox plays its queue in order; to hear a queued track now, clear the queue and add it");
                reply(server.controls.play());
            }
            case "pause" -> {
                String on = args(a, 0, 1).isEmpty() ? "" : a.getFirst();
                reply(switch (on) {
                    case "" -> server.controls.togglePlay();
                    case "1" -> server.controls.pause();
                    case "0" -> server.controls.play();
                    default -> throw new MpdError(MpdError.ARG, "Boolean (0/1) expected: " + on);
                });
            }
            // moodbox has no stop apart from pause: the track keeps its place.
            case "stop" -> {
                if (server.state.current().player().state() == PlayerStatus.State.PLAYING) reply(server.controls.pause());
            }
            case "next" -> reply(server.controls.next());
            case "previous" -> reply(server.controls.previous());
            case "setvol" -> setVolume(integer(args(a, 1, 1).getFirst(), "Integer expected"));
            case "volume" -> setVolume(server.volume() + integer(args(a, 1, 1).getFirst(), "Integer expected"));
            case "getvol" -> line(b, "volume", Integer.toString(server.volume()));
            case "outputs" -> {
                PlayerStatus p = server.state.current().player();
                b.append("outputid: 0\noutputname: ").append(clean(p.output().isEmpty() ? "moodbox" : p.output()))
                        .append("\nplugin: moodbox\noutputenabled: ").append(p.audible() ? 1 : 0).append('\n');
            }
            case "update", "rescan" -> {
                reply(server.controls.rescan());
                line(b, "updating_db", "1");
            }
            case "lsinfo" -> lsinfo(b, args(a, 0, 1).isEmpty() ? "" : a.getFirst());
            case "listall", "listallinfo" -> {
                Catalog c = server.catalog();
                String dir = args(a, 0, 1).isEmpty() ? "" : a.getFirst();
                if (!c.isDirectory(dir) && c.byUri(dir) == null) throw new MpdError(MpdError.NO_EXIST, "No such directory");
                for (Track t : c.under(dir)) {
                    if (name.equals("listall")) line(b, "file", c.uri(t));
                    else song(b, c, t, -1, null);
                }
            }
            case "find", "search" -> {
                Catalog c = server.catalog();
                for (Track t : matching(c, a, name.equals("search"))) song(b, c, t, -1, null);
            }
            case "list" -> list(b, a);
            case "add", "addid" -> {
                String uri = args(a, 1, 2).getFirst();
                List<Track> found = server.catalog().under(uri);
                if (found.isEmpty()) throw new MpdError(MpdError.NO_EXIST, "No such directory or song: " + uri);
                if (name.equals("addid") && (found.size() != 1 || a.size() > 1))
                    throw new MpdError(MpdError.ARG, "addid takes one song and no position: moodbox adds to the end of its queue");
                for (Track t : found) reply(server.controls.queueTrack(t.id(), false));
                if (name.equals("addid")) line(b, "Id", Integer.toString(server.songId(found.getFirst())));
                server.changed();
            }
            case "clear" -> {
                reply(server.controls.clearQueue());
                server.changed();
            }
            case "playlistinfo", "playlistid", "plchanges" -> {
                List<Track> pl = server.playlist();
                int from = 0, to = pl.size();
                if (name.equals("playlistinfo") && !args(a, 0, 1).isEmpty()) {
                    int[] r = range(a.getFirst(), pl.size());
                    from = r[0];
                    to = r[1];
                } else if (name.equals("playlistid") && !args(a, 0, 1).isEmpty()) {
                    int id = integer(a.getFirst(), "Integer expected");
                    from = -1;
                    for (int i = 0; i < pl.size() && from < 0; i++) if (server.songId(pl.get(i)) == id) from = i;
                    if (from < 0) throw new MpdError(MpdError.NO_EXIST, "No such song");
                    to = from + 1;
                } else if (name.equals("plchanges")) {
                    args(a, 1, 2);
                    // Versions are not kept per entry: a client with an older version gets the whole playlist.
                    if (integer(a.getFirst(), "Integer expected") == server.playlistVersion()) to = 0;
                }
                BoxState s = server.state.current();
                Catalog c = server.catalog();
                for (int i = from; i < to; i++) song(b, c, pl.get(i), i, i == 0 && s.player().track() != null ? comment(s, pl.get(i)) : null);
            }
            case "listplaylists" -> {
                for (String p : server.catalog().playlists()) line(b, "playlist", p);
            }
            case "listplaylist", "listplaylistinfo" -> {
                Catalog c = server.catalog();
                List<Track> tracks = moodPlaylist(c, args(a, 1, 1).getFirst());
                for (Track t : tracks) {
                    if (name.equals("listplaylist")) line(b, "file", c.uri(t));
                    else song(b, c, t, -1, null);
                }
            }
            case "load" -> {
                List<Track> tracks = moodPlaylist(server.catalog(), args(a, 1, 2).getFirst());
                for (Track t : tracks) reply(server.controls.queueTrack(t.id(), false));
                server.changed();
            }
            default -> throw new Unknown(name);
        }
    }

    /** An unknown command: MPD names no command in the braces for it. */
    private static final class Unknown extends MpdError {
        Unknown(String name) { super(UNKNOWN, "unknown command \"" + name + "\""); }
    }

    private void password(String given) {
        String want = server.config().password();
        boolean ok = !want.isEmpty() && MessageDigest.isEqual(want.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            try {
                Thread.sleep(500);   // slows guessing from one connection; the limit on clients bounds the rest
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new MpdError(MpdError.PASSWORD, "incorrect password");
        }
        authenticated = true;
    }

    private void setVolume(int percent) {
        if (percent < 0 || percent > 100) throw new MpdError(MpdError.ARG, "Invalid volume value: " + percent + " (0..100)");
        Controls.Reply r = server.controls.setVolume(percent);
        server.volumeAsked(percent);
        reply(r);
    }

    /** A refused command is an ACK carrying the box's own words for why. */
    private static void reply(Controls.Reply r) {
        if (!r.done()) throw new MpdError(MpdError.SYSTEM, r.message());
    }

    private static List<Track> moodPlaylist(Catalog c, String name) {
        List<Track> tracks = c.playlist(name);
        if (tracks == null) throw new MpdError(MpdError.NO_EXIST, "No such playlist");
        return tracks;
    }

    private void status(StringBuilder b) {
        BoxState s = server.state.current();
        PlayerStatus p = s.player();
        List<Track> pl = server.playlist();
        line(b, "volume", Integer.toString(server.volume()));
        b.append("repeat: 0\nrandom: 0\nsingle: 0\nconsume: 1\n");
        line(b, "playlist", Integer.toString(server.playlistVersion()));
        line(b, "playlistlength", Integer.toString(pl.size()));
        line(b, "state", playState(p));
        if (p.track() != null) {
            Track t = p.track();
            line(b, "song", "0");
            line(b, "songid", Integer.toString(server.songId(t)));
            line(b, "time", Math.round(p.positionSeconds()) + ":" + Math.round(t.durationSeconds()));
            line(b, "elapsed", String.format(Locale.ROOT, "%.3f", p.positionSeconds()));
            line(b, "duration", String.format(Locale.ROOT, "%.3f", t.durationSeconds()));
            if (pl.size() > 1) {
                line(b, "nextsong", "1");
                line(b, "nextsongid", Integer.toString(server.songId(pl.get(1))));
            }
        }
        if (p.state() == PlayerStatus.State.NO_DEVICE && !p.reason().isBlank()) line(b, "error", p.reason());
    }

    static String playState(PlayerStatus p) {
        return switch (p.state()) {
            case PLAYING -> "play";
            case PAUSED -> "pause";
            case STOPPED, NO_DEVICE -> p.track() == null ? "stop" : "pause";
        };
    }

    private void stats(StringBuilder b) {
        Catalog c = server.catalog();
        Set<String> artists = new TreeSet<>(), albums = new TreeSet<>();
        double seconds = 0;
        for (Track t : c.tracks) {
            if (t.artist() != null && !t.artist().isBlank()) artists.add(t.artist());
            if (t.album() != null && !t.album().isBlank()) albums.add(t.album());
            seconds += t.durationSeconds();
        }
        line(b, "artists", Integer.toString(artists.size()));
        line(b, "albums", Integer.toString(albums.size()));
        line(b, "songs", Integer.toString(c.tracks.size()));
        line(b, "uptime", Long.toString(Duration.between(server.started, java.time.Instant.now()).toSeconds()));
        line(b, "db_playtime", Long.toString(Math.round(seconds)));
        line(b, "db_update", Long.toString(c.builtAt.getEpochSecond()));
        line(b, "playtime", Long.toString(Duration.between(server.started, java.time.Instant.now()).toSeconds()));
    }

    private void lsinfo(StringBuilder b, String dir) {
        Catalog c = server.catalog();
        Track one = c.byUri(dir);
        if (one != null) {
            song(b, c, one, -1, null);
            return;
        }
        if (!c.isDirectory(dir)) throw new MpdError(MpdError.NO_EXIST, "No such directory");
        for (String d : c.directories(dir)) line(b, "directory", d);
        for (Track t : c.files(dir)) song(b, c, t, -1, null);
        if (dir.isBlank() || dir.equals("/")) for (String p : c.playlists()) line(b, "playlist", p);
    }

    private void list(StringBuilder b, List<String> a) {
        if (a.isEmpty()) throw new MpdError(MpdError.ARG, "too few arguments for \"list\"");
        String tag = Filter.tag(a.getFirst());
        if (tag.equals("any")) throw new MpdError(MpdError.ARG, "Unknown tag type: any");
        List<String> rest = new ArrayList<>(a.subList(1, a.size()));
        // "group TAG" pairs would nest the answer; moodbox answers the flat list.
        for (int i = 0; i + 1 < rest.size(); ) {
            if (rest.get(i).equalsIgnoreCase("group")) {
                rest.remove(i);
                rest.remove(i);
            } else i++;
        }
        Catalog c = server.catalog();
        // MPD's oldest form: "list album ARTIST".
        if (rest.size() == 1 && tag.equals("album") && !rest.getFirst().trim().startsWith("(")) rest = List.of("artist", rest.getFirst());
        List<Track> tracks = rest.isEmpty() ? c.tracks : matching(c, rest, false);
        Set<String> seen = new TreeSet<>();
        for (Track t : tracks) {
            String v = Filter.value(c, t, tag);
            if (!v.isBlank()) seen.add(v);
        }
        String key = tag.equals("file") ? "file" : TAG_TYPES.stream().filter(x -> x.equalsIgnoreCase(tag)).findFirst().orElse(tag);
        for (String v : seen) line(b, key, v);
    }

    private static List<Track> matching(Catalog c, List<String> a, boolean ignoreCase) {
        List<String> filter = new ArrayList<>(a);
        int window = filter.indexOf("window");
        int[] win = null;
        if (window >= 0 && window + 1 < filter.size()) {
            win = range(filter.get(window + 1), Integer.MAX_VALUE);
            filter.remove(window + 1);
            filter.remove(window);
        }
        int sort = filter.indexOf("sort");
        if (sort >= 0 && sort + 1 < filter.size() && sort % 2 == (filter.getFirst().startsWith("(") ? 1 : 0)) {
            filter.remove(sort + 1);
            filter.remove(sort);
        }
        Predicate<Track> f = Filter.parse(c, filter, ignoreCase);
        List<Track> out = c.tracks.stream().filter(f).toList();
        if (win != null) out = out.subList(Math.min(win[0], out.size()), Math.min(win[1], out.size()));
        return out;
    }

    private void song(StringBuilder b, Catalog c, Track t, int pos, String comment) {
        line(b, "file", c.uri(t));
        if (notBlank(t.title())) line(b, "Title", t.title());
        if (notBlank(t.artist())) line(b, "Artist", t.artist());
        if (notBlank(t.album())) line(b, "Album", t.album());
        if (notBlank(t.genre())) line(b, "Genre", t.genre());
        line(b, "Comment", comment != null ? comment : "mood " + t.mood());
        line(b, "Time", Long.toString(Math.round(t.durationSeconds())));
        line(b, "duration", String.format(Locale.ROOT, "%.3f", t.durationSeconds()));
        if (pos >= 0) {
            line(b, "Pos", Integer.toString(pos));
            line(b, "Id", Integer.toString(server.songId(t)));
        }
    }

    /** The current song's comment: the room's mood, the track's, and why it plays. Room-level only. */
    static String comment(BoxState s, Track t) {
        MoodState m = s.mood();
        String room = s.privacy() ? "room not watched (privacy mode)"
                : switch (m.presence()) {
                    case PRESENT -> "room mood " + m.mood().label() + (m.locked() ? " (held)" : "");
                    case NOBODY -> "nobody in the room" + (m.locked() ? "; mood held at " + m.mood().label() : "");
                    case UNKNOWN -> "room mood unknown" + (m.locked() ? "; held at " + m.mood().label() : "");
                };
        String why = s.player().reason() == null || s.player().reason().isBlank() ? "" : " " + s.player().reason();
        return room + "; track mood " + t.mood() + "." + why;
    }

    private static boolean notBlank(String s) { return s != null && !s.isBlank(); }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append(": ").append(clean(value)).append('\n');
    }

    /** A value on one line: a tag with a line break in it must not end the answer early. */
    private static String clean(String v) { return v.replaceAll("[\\r\\n]+", " "); }

    private static List<String> args(List<String> a, int min, int max) {
        if (a.size() < min) throw new MpdError(MpdError.ARG, "too few arguments");
        if (a.size() > max) throw new MpdError(MpdError.ARG, "too many arguments");
        return a;
    }

    private static int integer(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new MpdError(MpdError.ARG, what + ": " + s);
        }
    }

    private static int position(String s, int size) {
        int p = integer(s, "Integer expected");
        if (p < 0 || p >= Math.max(size, 1)) throw new MpdError(MpdError.ARG, "Bad song index");
        return p;
    }

    /** "N" or "START:END" (END may be empty: to the end) as a half-open range within {@code size}. */
    static int[] range(String s, int size) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            int p = integer(s, "Integer expected");
            if (p < 0 || p >= size) throw new MpdError(MpdError.ARG, "Bad song index");
            return new int[]{p, p + 1};
        }
        int from = integer(s.substring(0, colon), "Integer expected");
        int to = colon + 1 == s.length() ? size : integer(s.substring(colon + 1), "Integer expected");
        if (from < 0 || to < from) throw new MpdError(MpdError.ARG, "Bad song index");
        return new int[]{Math.min(from, size), Math.min(to, size)};
    }

    /** Splits a command line as MPD does: words, or double-quoted strings with backslash escapes. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            if (i >= n) return out;
            StringBuilder b = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        if (i >= n) throw new MpdError(MpdError.ARG, "Missing closing '\"'");
                        c = line.charAt(i++);
                    }
                    b.append(c);
                }
                if (i >= n) throw new MpdError(MpdError.ARG, "Missing closing '\"'");
                i++;
                if (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t')
                    throw new MpdError(MpdError.ARG, "Space expected after closing '\"'");
            } else {
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    char c = line.charAt(i++);
                    if (c == '"') throw new MpdError(MpdError.ARG, "Invalid unquoted character");
                    b.append(c);
                }
            }
            out.add(b.toString());
        }
    }

    private static final class LineTooLong extends IOException {
        LineTooLong() { super("line too long"); }
    }

    /** Reads lines of UTF-8; a read timeout leaves the partial line in place for the next call. */
    private static final class LineReader {
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final byte[] buf = new byte[8192];
        private int pos, len;

        LineReader(InputStream in) { this.in = in; }

        String next() throws IOException {
            while (true) {
                while (pos < len) {
                    byte c = buf[pos++];
                    if (c == '\n') {
                        String s = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                    }
                    line.write(c);
                    if (line.size() > MAX_LINE_BYTES) throw new LineTooLong();
                }
                len = in.read(buf);
                pos = 0;
                if (len < 0) {
                    len = 0;
                    return null;
                }
            }
        }
    }
}
