package io.moodbox.app;

/** Command-line entry: {@code moodbox run|classify|bench|eval|console ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("usage: moodbox run|classify|bench|eval|console [options]");
        System.exit(2);
    }
}
