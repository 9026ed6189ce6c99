package io.moodbox.web;

import io.moodbox.config.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The owner's password, kept only as a slow salted hash (PBKDF2-HMAC-SHA256) in a small file
 * written atomically with owner-only permissions. While no password is set, a one-time setup code
 * (logged at startup) is required to set one, so a neighbour on the LAN cannot claim the box
 * first. Thread-safe.
 */
final class OwnerAccount {
    private static final Logger log = LoggerFactory.getLogger(OwnerAccount.class);

    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    /** OWASP's 2023 figure for PBKDF2-SHA256; about half a second on a Pi 4, which is the point. */
    static final int DEFAULT_ITERATIONS = 600_000;
    static final int MIN_PASSWORD = 10, MAX_PASSWORD = 256;
    // No 0/O, 1/I/L: the code is read off a log by a person.
    private static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    enum State { SETUP, READY, DAMAGED }

    private record Hash(int iterations, byte[] salt, byte[] hash) {}

    private final Path file;
    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private Hash hash;              // guarded by this
    private String setupCode;       // guarded by this; null once a password is set
    private String damage;          // guarded by this; why the file could not be read

    OwnerAccount(Path file, int iterations) {
        this.file = file;
        this.iterations = iterations;
        load();
    }

    private synchronized void load() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            hash = parse(new StringReader(text));
        } catch (NoSuchFileException e) {
            setupCode = newSetupCode();
        } catch (IOException | IllegalArgumentException e) {
            damage = "The owner password file " + file + " cannot be read (" + e.getMessage()
                    + "). Delete it and restart moodbox to set a new password.";
            log.error("{}", damage);
        }
    }

    private static Hash parse(Reader r) throws IOException {
        Properties p = new Properties();
        p.load(r);
        if (!ALGORITHM.equals(p.getProperty("algorithm")))
            throw new IllegalArgumentException("algorithm must be " + ALGORITHM + ", was " + p.getProperty("algorithm"));
        int iterations;
        try {
            iterations = Integer.parseInt(p.getProperty("iterations", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations is not a number");
        }
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive");
        byte[] salt = Base64.getDecoder().decode(p.getProperty("salt", ""));
        byte[] hash = Base64.getDecoder().decode(p.getProperty("hash", ""));
        if (salt.length < 16 || hash.length < 32) throw new IllegalArgumentException("salt or hash is missing or short");
        return new Hash(iterations, salt, hash);
    }

    /**
     * Why the next start could not use {@code file} as the owner file, or empty when it can: it
     * must be an owner file already, so that changing {@code web.owner-file} never leaves the
     * box without its password (a missing file means a new setup code, read off the log).
     */
    static Optional<String> problem(Path file, Path current) {
        if (Files.isDirectory(file)) return Optional.of("is a folder, not the owner password file");
        if (!Files.exists(file))
            return Optional.of("does not exist: the next start would have no owner password and would ask for a new one with a "
                    + "setup code from the log; copy the current owner file (" + current + ") there first");
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > 64 * 1024) return Optional.of("is not an owner password file");
            parse(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("is not an owner password file (" + e.getMessage() + ")");
        }
    }

    synchronized State state() {
        if (damage != null) return State.DAMAGED;
        return hash == null ? State.SETUP : State.READY;
    }

    synchronized String damage() { return damage; }

    /** The one-time code, while no password is set. */
    synchronized Optional<String> setupCode() { return Optional.ofNullable(setupCode); }

    /** Checks a setup code (case, spaces and dashes ignored) in constant time. */
    synchronized boolean setupCodeMatches(String given) {
        if (setupCode == null || given == null) return false;
        return MessageDigest.isEqual(normalise(setupCode).getBytes(StandardCharsets.UTF_8),
                normalise(given).getBytes(StandardCharsets.UTF_8));
    }

    /** Why a new password is unacceptable, or empty when it is fine. */
    static Optional<String> weakness(String password) {
        if (password == null || password.length() < MIN_PASSWORD)
            return Optional.of("password must be at least " + MIN_PASSWORD + " characters");
        if (password.length() > MAX_PASSWORD)
            return Optional.of("password must be at most " + MAX_PASSWORD + " characters");
        if (password.isBlank()) return Optional.of("password must not be only spaces");
        return Optional.empty();
    }

    /** Sets the first password (setup code already checked) or a new one; writes the file atomically. */
    void setPassword(String password) throws IOException {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        Hash h = new Hash(iterations, salt, derive(password, salt, iterations));
        synchronized (this) {
            write(h);
            hash = h;
            setupCode = null;
            damage = null;
        }
        log.info("Owner password set; stored as a salted {} hash in {}", ALGORITHM, file);
    }

    /** Slow on purpose; callers limit how many run at once. */
    boolean verify(String password) {
        Hash h;
        synchronized (this) { h = hash; }
        if (h == null || password == null || password.length() > MAX_PASSWORD) return false;
        return MessageDigest.isEqual(h.hash(), derive(password, h.salt(), h.iterations()));
    }

    private void write(Hash h) throws IOException {
        Properties p = new Properties();
        p.setProperty("algorithm", ALGORITHM);
        p.setProperty("iterations", Integer.toString(h.iterations()));
        p.setProperty("salt", Base64.getEncoder().encodeToString(h.salt()));
        p.setProperty("hash", Base64.getEncoder().encodeToString(h.hash()));
        StringWriter text = new StringWriter();
        p.store(text, "moodbox owner password (salted hash, not the password). Delete this file and restart "
                + "moodbox to set a new password. Written " + Instant.now());
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8), AtomicFile.Option.OWNER_ONLY);
    }

    static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    private String newSetupCode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            if (i == 5) sb.append('-');
            sb.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String normalise(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }
}
