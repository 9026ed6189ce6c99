/**
 * The LAN page and its JSON API: a Javalin server ({@link io.moodbox.web.WebServer}) that shows
 * the box's state live (server-sent events) and turns the owner's clicks into
 * {@link io.moodbox.box.Controls} calls. Runs on its own threads ({@code moodbox-web-*}); observes
 * {@link io.moodbox.box.StateModel} from the {@code moodbox-events} thread. Settings, the music
 * library, the camera preview and the LED and buttons come in through {@link io.moodbox.web.SettingsStore},
 * {@link io.moodbox.web.LibraryView}, {@link io.moodbox.web.PreviewSource} and
 * {@link io.moodbox.web.DevicePanel}, wired by {@code app}.
 */
package io.moodbox.web;
