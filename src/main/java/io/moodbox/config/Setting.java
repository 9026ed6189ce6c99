package io.moodbox.config;

/**
 * One key as the settings page and the console show it: its effective value, its shipped
 * default, the description from the defaults file, whether a change applies live or needs a
 * restart, and where the value comes from ({@code default}, {@code file}, {@code env} or
 * {@code command line}).
 */
public record Setting(String key, String value, String defaultValue, String description, boolean live,
                      String origin) {}
