/**
 * Face detection and preparation: consumes {@link io.moodbox.camera.Frame}, produces
 * {@link io.moodbox.vision.FaceCrop}s ready for the emotion model; runs on {@code moodbox-vision}.
 */
package io.moodbox.vision;
