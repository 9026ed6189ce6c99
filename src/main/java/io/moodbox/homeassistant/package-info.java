/**
 * The box in Home Assistant through MQTT discovery ({@link io.moodbox.homeassistant.HomeAssistant},
 * settings {@link io.moodbox.homeassistant.MqttConfig}): the room's mood and what plays as sensors,
 * privacy and mood lock as switches, volume, play, pause and next. Commands go through
 * {@link io.moodbox.box.Controls} only; only room-level facts are published. Off by default.
 */
package io.moodbox.homeassistant;
