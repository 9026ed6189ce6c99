package io.moodbox.config;

/**
 * One key as the settings page and the console show it: its effective value, its default, the
 * one-line help its record gives ({@code description}), whether a change applies live or needs a
 * restart, where the value comes from ({@code default}, {@code file}, {@code env} or
 * {@code command line}), its short label and its group (the stage's title on the page).
 */
public record Setting(String key, String value, String defaultValue, String description, boolean live,
                      String origin, String label, String group) {}
