/**
 * The hearing half: consumes {@code mood.MoodState}, produces sound and {@link io.moodbox.music.PlayerStatus}.
 *
 * <p>{@link io.moodbox.music.MusicLibrary} scans the owner's folders (caller's thread, the app's
 * {@code moodbox-library}) and places each {@link io.moodbox.music.Track} on the valence/arousal
 * plane: folder, tag, catalog, then content analysis. {@link io.moodbox.music.TrackPicker} turns
 * the room's mood into a pick with a reason (match, uplift, iso). {@link io.moodbox.music.Player}
 * plays picks on its own thread ({@code moodbox-audio}) through an {@link io.moodbox.music.AudioSink}
 * (Java Sound, or a capture sink in tests); {@link io.moodbox.music.TrackSource} joins the three
 * and {@link io.moodbox.music.MoodFollower} tells the player when the room's mood changes.
 * {@link io.moodbox.music.SampleLibrary} ({@code moodbox samples}) is a command-line entry
 * (and fills an empty library at start); {@link io.moodbox.music.CoverArt} reads the cover
 * embedded in a track's tags for the page, on request; the scan bench, {@code ScanBench}, lives in the tests. FFmpeg (JavaCV) natives live only
 * inside one file's decode or the player's current track and are freed there.
 */
package io.moodbox.music;
