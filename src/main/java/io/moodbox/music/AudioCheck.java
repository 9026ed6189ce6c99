package io.moodbox.music;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a file is music the box can play, told by decoding it as the library's scan does (not
 * by its name): used for the page's uploads before a file joins the library. Runs FFmpeg on the
 * caller's thread for up to a few hundred milliseconds; thread-safe.
 */
public final class AudioCheck {
    /** Seconds decoded from the middle of the file: enough to tell audio from anything else. */
    static final double SECONDS = 10;

    private AudioCheck() {}

    /** The file endings the library scans, lower case, without the dot. */
    public static Set<String> extensions() { return new TreeSet<>(FileMusicLibrary.EXTENSIONS); }

    /** True when {@code name} ends in one of {@link #extensions()}. */
    public static boolean hasAudioName(String name) {
        return FileMusicLibrary.EXTENSIONS.contains(FileMusicLibrary.extension(name.toLowerCase(Locale.ROOT)));
    }

    /** Empty when the file decodes as audio; else why not, in words ("no audio could be decoded"). */
    public static Optional<String> problem(Path file) {
        try {
            AudioFile.decodeExcerpt(file, SECONDS);
            return Optional.empty();
        } catch (AudioFile.Unreadable e) {
            return Optional.of(e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            return Optional.of("could not be decoded (" + e.getClass().getSimpleName() + ")");
        }
    }
}
