/**
 * Settings: the defaults each stage's record declares as it reads its keys through
 * {@link io.moodbox.config.Reader}, overlaid by the owner's file, overlaid by {@code MOODBOX_*}
 * environment variables, turned into each stage's config record. The only package that imports
 * Apache Commons Configuration.
 */
package io.moodbox.config;
