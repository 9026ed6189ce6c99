package io.moodbox.config;

/** A setting is missing or out of range; the message names the key and the allowed values. */
public class ConfigException extends MoodboxException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
