package io.moodbox.box;

/** Told of every change to the {@link BoxState}, on the state model's one events thread. Must not block. */
public interface StateListener {
    void stateChanged(BoxState old, BoxState now);
}
