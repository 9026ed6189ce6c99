package io.moodbox.web;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's own files ({@code src/main/resources/web}, flat, about 40 KB), read from the class
 * path on first request and then served from memory, with an ETag so a browser revalidates
 * cheaply. Javalin's class-path static handler would mount the whole runnable jar (13,000
 * entries) as a zip file system, several times over, and keep about 15 MB of its index on the
 * heap for the box's lifetime. Called on the web server's request threads.
 */
final class PageFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "webmanifest", "application/manifest+json");
    /** One file name, no folders: nothing outside the page's folder can be asked for. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*\\.([a-z0-9]+)");

    private record File(byte[] bytes, String type, String etag) {}

    private final String folder;
    // Only files that exist are kept, so arbitrary names asked for cannot grow it.
    private final Map<String, File> loaded = new ConcurrentHashMap<>();

    /** {@code folder}: the class-path folder, e.g. {@code /web}. */
    PageFiles(String folder) {
        this.folder = folder.endsWith("/") ? folder : folder + "/";
    }

    /** Answers GET {@code /name}: the file, 304 when the browser's copy is current, else 404. */
    void serve(Context ctx, String name) {
        Optional<File> f = find(name);
        if (f.isEmpty()) {
            ctx.status(404).result("not found");
            return;
        }
        File file = f.get();
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", file.etag());
        if (file.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(file.type()).result(file.bytes());
    }

    private Optional<File> find(String name) {
        var m = NAME.matcher(name);
        if (!m.matches() || !TYPES.containsKey(m.group(2))) return Optional.empty();
        File cached = loaded.get(name);
        if (cached != null) return Optional.of(cached);
        try (InputStream in = PageFiles.class.getResourceAsStream(folder + name)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            File file = new File(bytes, TYPES.get(m.group(2)), etag(bytes));
            loaded.put(name, file);
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the page file " + name + " from the jar failed", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
