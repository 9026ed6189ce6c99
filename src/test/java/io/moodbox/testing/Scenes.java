package io.moodbox.testing;

import io.moodbox.camera.SceneGenerator;
import io.moodbox.dataset.Fer2013;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * FER2013 PrivateTest faces for scene tests, loaded once per test JVM. Tests that call
 * {@link #faces()} are skipped (not failed) where the dataset is absent.
 */
public final class Scenes {
    private static List<Fer2013.Face> privateTest;

    private Scenes() {}

    public static synchronized List<Fer2013.Face> faces() {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found: scene tests skipped");
        if (privateTest == null) {
            try {
                privateTest = Fer2013.load().split(Fer2013.Split.PRIVATE_TEST);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return privateTest;
    }

    public static SceneGenerator generator(SceneGenerator.Options options) {
        return new SceneGenerator(faces(), options);
    }
}
