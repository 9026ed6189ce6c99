/**
 * Frame sources: produces {@link io.moodbox.camera.Frame}s (BGR bytes, copied out of native memory)
 * and {@link io.moodbox.camera.SourceStatus}; read on the {@code moodbox-camera} thread. Also the
 * {@link io.moodbox.camera.SceneGenerator} that composes test and demo scenes from FER2013 faces.
 */
package io.moodbox.camera;
