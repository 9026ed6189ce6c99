package io.moodbox.mpd;

import io.moodbox.box.BoxState;
import io.moodbox.box.Controls;
import io.moodbox.box.StateListener;
import io.moodbox.box.StateModel;
import io.moodbox.music.MusicLibrary;
import io.moodbox.music.PlayerStatus;
import io.moodbox.music.Track;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The box as an MPD server, so the MPD clients owners already use (mpc, ncmpcpp, MALP, Cantata)
 * show and steer it. Commands go only through {@link Controls}; what clients see comes from the
 * {@link StateModel}'s {@link BoxState}, the {@link MusicLibrary}'s tracks and the owner's queue.
 * The "current playlist" is the track playing now followed by the owner's queue (consume mode:
 * a track leaves it once played); after the queue the box picks for the room's mood. Each mood is
 * a virtual stored playlist ({@code mood-calm}); the room's mood is in the current song's
 * {@code Comment}. Nothing about faces or pictures is ever sent.
 *
 * <p>Threads: {@code moodbox-mpd} accepts, one virtual thread per client
 * ({@code moodbox-mpd-client-N}), {@code moodbox-mpd-watch} turns state changes into idle events
 * (also told on {@code moodbox-events}). {@link #apply} restarts the listener live.
 */
public final class MpdServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MpdServer.class);

    /** The protocol version announced: clients enable features by it (getvol came in 0.23). */
    static final String VERSION = "0.23.5";
    static final int MAX_CLIENTS = 16;

    final StateModel state;
    final Controls controls;
    private final MusicLibrary library;
    private final List<Path> roots;
    final Supplier<List<Track>> queue;
    private final Consumer<List<String>> problems;
    final Instant started = Instant.now();

    private volatile MpdConfig config;
    private ServerSocket listener;            // guarded by this
    private Thread acceptor;                  // guarded by this
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "moodbox-mpd-watch");
        t.setDaemon(true);
        return t;
    });
    // On the watch thread, never on moodbox-events: answering idle clients is network I/O.
    private final StateListener stateListener = (old, now) -> {
        try {
            watch.execute(this::check);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("MPD server closed; state change not watched");
        }
    };

    private final Map<String, Integer> songIds = new ConcurrentHashMap<>();
    private final AtomicInteger nextSongId = new AtomicInteger();
    private volatile Catalog catalog;
    private Seen seen;                        // guarded by this
    private volatile int playlistVersion = 1;

    /** What clients last saw, to turn changes into idle events. */
    private record Seen(String player, String track, String mood, int volume, List<String> playlist, List<Track> library) {}

    /**
     * {@code roots}: the music folders, so a track's URI is its path in its folder; {@code queue}:
     * the owner's queue, next first; {@code problems}: told what the owner should know (the port
     * is taken), an empty list when all is well.
     */
    public MpdServer(MpdConfig config, StateModel state, Controls controls, MusicLibrary library, List<Path> roots,
                     Supplier<List<Track>> queue, Consumer<List<String>> problems) {
        this.config = Objects.requireNonNull(config);
        this.state = state;
        this.controls = controls;
        this.library = library;
        this.roots = List.copyOf(roots);
        this.queue = queue;
        this.problems = problems;
        this.catalog = new Catalog(library.tracks(), roots);
    }

    /** Starts listening when enabled, and watching the box's state. A port that cannot be bound is a problem, not a failure. */
    public synchronized MpdServer start() {
        state.addListener(stateListener);
        watch.scheduleWithFixedDelay(this::check, 500, 500, TimeUnit.MILLISECONDS);
        if (config.enabled()) open();
        return this;
    }

    /** Takes new settings live: off closes the listener and every client; a new address or port reopens. */
    public synchronized void apply(MpdConfig next) {
        MpdConfig old = config;
        config = next;
        if (old.equals(next) && (listener != null) == next.enabled()) return;
        boolean reopen = !old.enabled() || !next.enabled() || !old.bind().equals(next.bind()) || old.port() != next.port();
        if (reopen) {
            shut();
            if (next.enabled()) open();
        } else if (!old.password().equals(next.password())) {
            // A changed password logs every client out: they must send the new one.
            sessions.forEach(Session::close);
        }
    }

    /** The port listened on, or -1 when not listening. */
    public synchronized int port() { return listener == null ? -1 : listener.getLocalPort(); }

    MpdConfig config() { return config; }

    private void open() {
        MpdConfig c = config;
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(c.bind().equals(MpdConfig.LAN) ? new InetSocketAddress(c.port()) : new InetSocketAddress(c.bind(), c.port()), 32);
            listener = s;
            acceptor = new Thread(() -> accept(s), "moodbox-mpd");
            acceptor.setDaemon(true);
            acceptor.start();
            problems.accept(List.of());
            log.info("MPD server on {} port {}{}", c.bind(), s.getLocalPort(),
                    c.bind().equals(MpdConfig.LAN) ? " (local-network clients only)" : "");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            log.error("The MPD server cannot listen on {} port {}: {}", c.bind(), c.port(), e.getMessage());
            problems.accept(List.of("MPD clients cannot connect: the box cannot listen on " + c.bind() + " port " + c.port()
                    + " (" + e.getMessage() + "). Is another MPD running? Choose another mpd.port or mpd.bind in Settings."));
        }
    }

    private void shut() {
        if (listener == null) return;
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("Closing the MPD listener: {}", e.getMessage());
        }
        listener = null;
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sessions.forEach(Session::close);
        log.info("MPD server stopped");
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                if (!s.isClosed()) log.warn("MPD accept failed: {}", e.getMessage());
                continue;
            }
            InetAddress from = client.getInetAddress();
            if (config.bind().equals(MpdConfig.LAN) && !local(from)) {
                log.warn("MPD: refused a client from {}, which is not on the local network (mpd.bind=lan)", from.getHostAddress());
                closeQuietly(client);
                continue;
            }
            if (sessions.size() >= MAX_CLIENTS) {
                log.warn("MPD: refused a client from {}: {} clients are connected already", from.getHostAddress(), MAX_CLIENTS);
                closeQuietly(client);
                continue;
            }
            Session session = new Session(this, client);
            sessions.add(session);
            Thread.ofVirtual().name("moodbox-mpd-client-" + clientCount.incrementAndGet()).start(() -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                }
            });
        }
    }

    /** Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) or link-local. */
    static boolean local(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()) return true;
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            log.debug("Closing a refused MPD client: {}", e.getMessage());
        }
    }

    // ---- what sessions read ----

    /** The library as clients see it, rebuilt when a scan has produced a new track list. */
    Catalog catalog() {
        Catalog c = catalog;
        List<Track> now = library.tracks();
        if (c.source != now) {
            c = new Catalog(now, roots);
            catalog = c;
        }
        return c;
    }

    /** The current playlist: the track playing (or paused) now, then the owner's queue. */
    List<Track> playlist() {
        List<Track> out = new ArrayList<>();
        Track now = state.current().player().track();
        if (now != null) out.add(now);
        out.addAll(queue.get());
        return out;
    }

    int songId(Track t) { return songIds.computeIfAbsent(t.id(), k -> nextSongId.incrementAndGet()); }

    int playlistVersion() { return playlistVersion; }

    // The player applies a volume on its own thread; until the state shows it, clients read what they set.
    private volatile int askedVolume = -1;
    private volatile long askedAt;

    void volumeAsked(int percent) {
        askedVolume = percent;
        askedAt = System.nanoTime();
    }

    /** The volume as clients should see it: the one just set, until the player reports it. */
    int volume() {
        int now = state.current().player().volumePercent(), asked = askedVolume;
        if (asked < 0 || asked == now || System.nanoTime() - askedAt > 2_000_000_000L) return now;
        return asked;
    }

    /** After a command that changed the queue: tell idling clients now rather than at the next tick. */
    void changed() { stateListener.stateChanged(null, null); }

    // ---- idle events ----

    /** Compares what clients saw with now and tells every session what changed. Any thread. */
    synchronized void check() {
        BoxState s = state.current();
        PlayerStatus p = s.player();
        Catalog c = catalog();
        List<String> pl = new ArrayList<>();
        for (Track t : playlist()) pl.add(t.id());
        String mood = s.mood().presence() + " " + s.mood().mood() + " " + s.mood().locked() + " " + s.privacy();
        Seen now = new Seen(Session.playState(p), p.track() == null ? "" : p.track().id(), mood, p.volumePercent(), pl, c.source);
        Seen was = seen;
        seen = now;
        if (was == null) return;
        Set<String> events = new LinkedHashSet<>();
        if (!was.player.equals(now.player) || !was.track.equals(now.track) || !was.mood.equals(now.mood)) events.add("player");
        if (was.volume != now.volume) events.add("mixer");
        if (!was.playlist.equals(now.playlist)) {
            playlistVersion++;
            events.add("playlist");
        }
        if (was.library != now.library) {
            events.add("database");
            events.add("stored_playlist");
            events.add("update");
        }
        if (!events.isEmpty()) sessions.forEach(x -> x.event(events));
    }

    @Override
    public synchronized void close() {
        state.removeListener(stateListener);
        watch.shutdownNow();
        shut();
    }
}
