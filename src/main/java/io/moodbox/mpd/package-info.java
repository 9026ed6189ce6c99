/**
 * The box as an MPD server ({@link io.moodbox.mpd.MpdServer}, settings {@link io.moodbox.mpd.MpdConfig}):
 * MPD clients on the local network see what plays and the room's mood, and steer the box through
 * {@link io.moodbox.box.Controls} only. Reads the {@link io.moodbox.box.StateModel} and the
 * {@link io.moodbox.music.MusicLibrary}; never anything about faces or pictures. Off by default.
 */
package io.moodbox.mpd;
