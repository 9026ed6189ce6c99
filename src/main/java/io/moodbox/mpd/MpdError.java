package io.moodbox.mpd;

/**
 * A command that failed, as MPD reports it: {@code ACK [code@index] {command} message}. The codes
 * are MPD's own ({@code ACK_ERROR_*} in its protocol): clients switch on them.
 */
class MpdError extends RuntimeException {
    static final int NOT_LIST = 1, ARG = 2, PASSWORD = 3, PERMISSION = 4, UNKNOWN = 5, NO_EXIST = 50, SYSTEM = 52;

    final int code;

    MpdError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
