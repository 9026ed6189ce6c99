package io.moodbox.emotion;

import io.moodbox.config.MoodboxException;

/** The emotion model cannot be loaded or run; the message says which file and what to do. */
public class ModelException extends MoodboxException {
    public ModelException(String message) { super(message); }
    public ModelException(String message, Throwable cause) { super(message, cause); }
}
