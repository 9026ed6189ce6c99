package io.moodbox.config;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The owner's settings file on disk. It is read as bytes and parsed from those bytes, so what was
 * checked is exactly what is kept; it is written atomically (a temporary file in the same folder,
 * fsync, the previous file kept as {@code .bak} by a hard link, a rename over the old one, fsync of
 * the folder), so a power cut or {@code kill -9} leaves the old file or the new one, whole. Beside
 * it live {@code .last-good}, the last version that loaded cleanly (written the same way, only
 * when it changed), and {@code .broken}, a copy of a file that no longer parses, so nothing the
 * owner wrote is lost when the box falls back. Used under {@link Settings}' lock.
 */
final class OwnerFile {
    private static final Logger log = LoggerFactory.getLogger(OwnerFile.class);
    /** A settings file is a few KB; anything far larger is not one (and is not read into memory). */
    static final long MAX_BYTES = 1 << 20;
    static final String LAST_GOOD = ".last-good", BACKUP = ".bak", BROKEN = ".broken";

    /**
     * One reading of a file: its bytes and known keys' values under their current names
     * ({@code repeated}: keys set on more than one line, with their count; {@code renamed}: old
     * names found, with the name each is read as; where the file sets both, the new name wins), or why it could not be read ({@code error}, a phrase for the owner).
     * {@code exists} is false for a missing file, which reads as empty and fine.
     */
    record Read(boolean exists, byte[] bytes, Map<String, String> values, Map<String, Integer> repeated,
                Map<String, String> renamed, String error) {
        boolean ok() { return error == null; }

        static Read missing() { return new Read(false, new byte[0], Map.of(), Map.of(), Map.of(), null); }

        static Read failed(byte[] bytes, String error) { return new Read(true, bytes, Map.of(), Map.of(), Map.of(), error); }
    }

    private final Path file;
    private final Predicate<String> known;
    private final UnaryOperator<String> rename;

    /** {@code rename}: a key's current name for an old one, the key itself otherwise; {@code known} is asked of current names. */
    OwnerFile(Path file, Predicate<String> known, UnaryOperator<String> rename) {
        this.file = file;
        this.known = known;
        this.rename = rename;
    }

    Path path() { return file; }

    Path lastGood() { return sibling(LAST_GOOD); }

    Path backup() { return sibling(BACKUP); }

    Path broken() { return sibling(BROKEN); }

    private Path sibling(String suffix) { return file.resolveSibling(file.getFileName() + suffix); }

    /** Removes what saves cut short by a kill left beside the owner's file. */
    void removeStaleTemporaries() {
        AtomicFile.removeLeftovers(file);
    }

    /** The owner's file; unknown keys are logged and left out. */
    Read read() { return read(file, true); }

    /** The last good copy, or {@link Read#missing()}. */
    Read readLastGood() { return read(lastGood(), false); }

    private Read read(Path p, boolean warnUnknown) {
        byte[] bytes;
        try {
            if (Files.isDirectory(p)) return Read.failed(new byte[0], "it is a folder, not a file");
            if (Files.exists(p) && Files.size(p) > MAX_BYTES)
                return Read.failed(new byte[0], "it is " + Files.size(p) / 1024 + " KB, far more than a settings file holds");
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Read.missing();
        } catch (AccessDeniedException e) {
            return Read.failed(new byte[0], "the box has no permission to read it");
        } catch (IOException e) {
            return Read.failed(new byte[0], "it could not be read (" + e.getMessage() + ")");
        }
        return parse(p, bytes, warnUnknown);
    }

    /** Parses a properties text; binary data (a NUL, say, as a power cut can leave) is a broken file. */
    Read parse(Path source, byte[] bytes, boolean warnUnknown) {
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f')
                return Read.failed(bytes, "it holds binary data (byte 0x%02x at offset %d), not settings text".formatted(b, i));
        }
        PropertiesConfiguration p = new PropertiesConfiguration();
        try {
            new FileHandler(p).load(new StringReader(decode(bytes)));
        } catch (ConfigurationException | RuntimeException e) {
            return Read.failed(bytes, "it does not parse as a settings file (" + rootMessage(e) + ")");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> repeated = new LinkedHashMap<>();
        Map<String, String> renamed = new LinkedHashMap<>();
        for (Iterator<String> it = p.getKeys(); it.hasNext(); ) {
            String k = it.next(), now = rename.apply(k);
            if (!known.test(now)) {
                if (warnUnknown) log.warn("{}: unknown setting '{}' ignored", source, k);
                continue;
            }
            if (!now.equals(k)) {
                renamed.put(k, now);
                if (p.containsKey(now)) continue;   // the new name, set too, wins
            }
            Object v = p.getProperty(k);
            if (v instanceof List<?> list) repeated.put(now, list.size());
            else values.put(now, v == null ? "" : String.valueOf(v));
        }
        return new Read(true, bytes, Collections.unmodifiableMap(values), Collections.unmodifiableMap(repeated),
                Collections.unmodifiableMap(renamed), null);
    }

    /** UTF-8 (what the box writes: ASCII with \\u escapes), else ISO-8859-1, the traditional properties encoding. */
    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * What a save starts from, to keep the owner's comments and order: the file as it is on disk
     * if it parses, else its last good copy, else an empty one; {@code values} (what the box runs
     * on) fill in whatever the chosen text lacks when it is not the owner's file itself.
     */
    PropertiesConfiguration forSave(Map<String, String> values) {
        for (Path p : List.of(file, lastGood())) {
            try {
                if (!Files.isRegularFile(p) || Files.size(p) > MAX_BYTES) continue;
                byte[] bytes = Files.readAllBytes(p);
                if (!parse(p, bytes, false).ok()) continue;
                PropertiesConfiguration c = new PropertiesConfiguration();
                new FileHandler(c).load(new StringReader(renamed(decode(bytes))));
                if (!p.equals(file)) values.forEach((k, v) -> { if (!v.equals(c.getString(k, null))) c.setProperty(k, v); });
                return c;
            } catch (IOException | ConfigurationException | RuntimeException e) {
                log.debug("Not starting the save from {}", p, e);
            }
        }
        PropertiesConfiguration c = new PropertiesConfiguration();
        values.forEach(c::setProperty);
        return c;
    }

    private static final Pattern KEY_LINE = Pattern.compile("^(\\s*)([A-Za-z0-9._-]+)(?=[\\s=:]|$)(.*)$", Pattern.DOTALL);

    /**
     * The file's text with old key names written as the new ones, in place, so a save keeps the
     * owner's order and comments. An old name whose new name the file also sets becomes a
     * comment (nothing the owner wrote is lost; the new name's line is the one in force).
     */
    String renamed(String text) {
        String[] lines = text.split("(?<=\n)", -1);
        java.util.Set<String> present = new java.util.HashSet<>();
        boolean continued = false;
        for (String line : lines) {
            if (!continued) {
                Matcher m = KEY_LINE.matcher(stripEnd(line));
                if (m.matches() && !line.stripLeading().startsWith("#") && !line.stripLeading().startsWith("!")) present.add(m.group(2));
            }
            continued = continues(line);
        }
        StringBuilder out = new StringBuilder(text.length());
        continued = false;
        for (String line : lines) {
            String body = stripEnd(line), end = line.substring(body.length());
            Matcher m = continued ? null : KEY_LINE.matcher(body);
            continued = continues(line);
            if (m != null && m.matches() && !body.stripLeading().startsWith("#") && !body.stripLeading().startsWith("!")) {
                String k = m.group(2), now = rename.apply(k);
                if (!now.equals(k) && known.test(now)) {
                    out.append(present.contains(now) ? "# " + body.strip() + "   (old name; " + now + ", also in this file, is the one used)"
                            : m.group(1) + now + m.group(3)).append(end);
                    continue;
                }
            }
            out.append(line);
        }
        return out.toString();
    }

    private static String stripEnd(String line) {
        int n = line.length();
        while (n > 0 && (line.charAt(n - 1) == '\n' || line.charAt(n - 1) == '\r')) n--;
        return line.substring(0, n);
    }

    /** A line ending in an odd number of backslashes goes on in the next. */
    private static boolean continues(String line) {
        String b = stripEnd(line);
        int n = 0;
        for (int i = b.length() - 1; i >= 0 && b.charAt(i) == '\\'; i--) n++;
        return n % 2 == 1;
    }

    /** The text a save writes. */
    static byte[] text(PropertiesConfiguration p) {
        if (p.getLayout().getHeaderComment() == null)
            p.getLayout().setHeaderComment("moodbox settings (saved by the box; see docs/config.md for every key)");
        StringWriter w = new StringWriter();
        try {
            new FileHandler(p).save(w);
        } catch (ConfigurationException e) {
            throw new ConfigException("cannot write the settings text: " + rootMessage(e), e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Replaces the owner's file with {@code bytes}, keeping the previous one as {@code .bak}. */
    void replace(byte[] bytes) throws IOException {
        // The new file is complete on disk before the backup moves, so a full disk keeps .bak as it was.
        Path tmp = AtomicFile.writeTemporary(file, bytes, AtomicFile.Option.OWNER_ONLY);
        try {
            if (Files.exists(file)) keepBackup();
            AtomicFile.moveIntoPlace(tmp, file);
            tmp = null;
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
    }

    /** The previous file as {@code .bak}: a hard link costs no space (a full disk still saves), else a copy. */
    private void keepBackup() throws IOException {
        Path tmp = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".bak.tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createLink(tmp, file);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        try {
            AtomicFile.moveIntoPlace(tmp, backup(), AtomicFile.Option.NO_SYNC);   // the main rename syncs the folder
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code .last-good} when its content differs; a failure is logged, never fatal. */
    void keepLastGood(byte[] bytes) {
        keepCopy(lastGood(), bytes, "last good copy");
    }

    /** Keeps the bytes of a file that no longer parses as {@code .broken}, before anything replaces it. */
    void keepBroken(byte[] bytes) {
        if (bytes.length > 0) keepCopy(broken(), bytes, "copy of the unreadable file");
    }

    private void keepCopy(Path target, byte[] bytes, String what) {
        try {
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length && Arrays.equals(Files.readAllBytes(target), bytes))
                return;
            AtomicFile.write(target, bytes, AtomicFile.Option.OWNER_ONLY);
        } catch (IOException e) {
            log.warn("Could not write the {} {} ({})", what, target, e.getMessage());
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
