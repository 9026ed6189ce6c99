package io.moodbox.web;

import java.util.Optional;

/**
 * The camera's latest frame as a JPEG, for the owner's preview. Implemented by {@code app} over
 * the camera; called on a web request thread. Empty when there is no current frame (camera off,
 * privacy on, not started). The frame is encoded on demand and never written anywhere.
 */
public interface PreviewSource {
    Optional<byte[]> latestJpeg();
}
