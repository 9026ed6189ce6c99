package io.moodbox.device;

/**
 * The few GPIO operations the box needs, so the LED and button logic never touch Pi4J directly.
 * Pins are BCM numbers. Implementations are thread-safe for one writer per pin.
 */
interface Gpio extends AutoCloseable {

    /** A push-pull output; {@code set(true)} lights what is wired to it (active level handled inside). */
    interface Output {
        void set(boolean on);
    }

    /** An input with the pull resistor fitting the wiring; {@code active()} reads the logical level (pressed). */
    interface Input {
        boolean active();

        /**
         * On a mock GPIO only: sets the pin's level as a finger on a wired button would (pressed:
         * the active level), so everything that reads the pin sees a real press.
         */
        default void drive(boolean pressed) {
            throw new UnsupportedOperationException("only a mock pin can be driven");
        }
    }

    /** Opens a pin as an output, initially off. */
    Output output(String name, int bcm, boolean activeLow);

    /** Opens a pin as an input; {@code activeLow} also selects the pull-up (else the pull-down). */
    Input input(String name, int bcm, boolean activeLow);

    /** In words, for the log and the page: {@code "gpiod gpiochip4"}, {@code "mock"}. */
    String describe();

    /** Whether this is an in-memory mock, whose inputs can be {@linkplain Input#drive driven}. */
    default boolean isMock() { return false; }

    @Override
    void close();
}
