package io.moodbox.config;

/** Root of moodbox's small, unchecked exception hierarchy. The message is written for the owner. */
public class MoodboxException extends RuntimeException {
    public MoodboxException(String message) { super(message); }
    public MoodboxException(String message, Throwable cause) { super(message, cause); }
}
