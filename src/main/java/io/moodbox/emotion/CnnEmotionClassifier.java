package io.moodbox.emotion;

import io.moodbox.vision.FaceCrop;

import java.util.ArrayList;
import java.util.List;

/** {@link EmotionClassifier} on the int8 Mini-Xception: all faces of a frame in one invoke. */
final class CnnEmotionClassifier implements EmotionClassifier {
    private final TfliteModel model;

    CnnEmotionClassifier(EmotionConfig config) {
        model = new TfliteModel(config.model(), config.threads());
    }

    @Override
    public List<EmotionScores> classify(List<FaceCrop> faces) {
        if (faces.isEmpty()) return List.of();
        int s = model.size(), per = s * s;
        byte[] batch = new byte[faces.size() * per];
        for (int i = 0; i < faces.size(); i++) {
            FaceCrop f = faces.get(i);
            if (f.size() != s) throw new IllegalArgumentException("face crop is " + f.size() + " px, the model takes " + s);
            System.arraycopy(f.pixels(), 0, batch, i * per, per);
        }
        float[] scores = model.run(batch, faces.size());
        int k = Emotion.values().length;
        var out = new ArrayList<EmotionScores>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            float[] p = new float[k];
            System.arraycopy(scores, i * k, p, 0, k);
            out.add(new EmotionScores(p));
        }
        return out;
    }

    @Override
    public int inputSize() { return model.size(); }

    @Override
    public void close() { model.close(); }
}
