/**
 * Room mood: consumes each frame's {@code FaceReading}s (emotion scores with face size and
 * detector confidence), produces an immutable {@link io.moodbox.mood.MoodState} published on a
 * {@link io.moodbox.mood.MoodBoard}. Tracking runs on {@code moodbox-vision}; listeners on the
 * app's events thread.
 */
package io.moodbox.mood;
