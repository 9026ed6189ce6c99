package io.moodbox.app;

import io.moodbox.camera.Frame;
import io.moodbox.emotion.EmotionClassifier;
import io.moodbox.emotion.EmotionScores;
import io.moodbox.mood.FaceReading;
import io.moodbox.vision.FaceCrop;
import io.moodbox.vision.FaceFinder;

import java.util.ArrayList;
import java.util.List;

/**
 * The real {@link Analyzer}: the face finder's prepared crops go to the emotion model in one batch,
 * and each face's scores come back with its size and the detector's confidence. Owns both
 * natives; closes the classifier, then the finder.
 */
final class FaceAnalyzer implements Analyzer {
    private final FaceFinder finder;
    private final EmotionClassifier classifier;

    FaceAnalyzer(FaceFinder finder, EmotionClassifier classifier) {
        this.finder = finder;
        this.classifier = classifier;
    }

    @Override
    public List<FaceReading> analyze(Frame frame) {
        List<FaceCrop> faces = finder.find(frame);
        if (faces.isEmpty()) return List.of();
        List<EmotionScores> scores = classifier.classify(faces);
        List<FaceReading> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            FaceCrop f = faces.get(i);
            out.add(new FaceReading(scores.get(i), Math.sqrt((double) f.width() * f.height()), clamp(f.confidence())));
        }
        return out;
    }

    private static double clamp(float c) {
        return Math.max(0, Math.min(1, c));
    }

    @Override
    public void close() {
        try {
            classifier.close();
        } finally {
            finder.close();
        }
    }
}
