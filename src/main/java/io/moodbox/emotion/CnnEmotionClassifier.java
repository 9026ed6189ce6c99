package io.moodbox.emotion;

import io.moodbox.vision.FaceCrop;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link EmotionClassifier} on the int8 Mini-Xception: all faces of a frame in one invoke, and
 * with flip averaging their mirror images in the same invoke.
 */
final class CnnEmotionClassifier implements EmotionClassifier {
    private final TfliteModel model;
    private final boolean flipAverage;

    CnnEmotionClassifier(EmotionConfig config) {
        this(new TfliteModel(config.model(), config.threads()), config.flipAverage());
    }

    CnnEmotionClassifier(TfliteModel model, boolean flipAverage) {
        this.model = model;
        this.flipAverage = flipAverage;
    }

    @Override
    public List<EmotionScores> classify(List<FaceCrop> faces) {
        if (faces.isEmpty()) return List.of();
        int s = model.size(), per = s * s, n = faces.size();
        byte[] batch = new byte[(flipAverage ? 2 * n : n) * per];
        for (int i = 0; i < n; i++) {
            FaceCrop f = faces.get(i);
            if (f.size() != s) throw new IllegalArgumentException("face crop is " + f.size() + " px, the model takes " + s);
            System.arraycopy(f.pixels(), 0, batch, i * per, per);
            if (flipAverage) mirror(f.pixels(), s, batch, (n + i) * per);
        }
        float[] scores = model.run(batch, flipAverage ? 2 * n : n);
        int k = Emotion.values().length;
        var out = new ArrayList<EmotionScores>(n);
        for (int i = 0; i < n; i++) {
            float[] p = new float[k];
            for (int c = 0; c < k; c++)
                p[c] = flipAverage ? (scores[i * k + c] + scores[(n + i) * k + c]) / 2 : scores[i * k + c];
            out.add(new EmotionScores(p));
        }
        return out;
    }

    /** Left-right mirror of a square gray image into {@code dst} at {@code offset}. */
    static void mirror(byte[] src, int size, byte[] dst, int offset) {
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) dst[offset + y * size + x] = src[y * size + size - 1 - x];
    }

    @Override
    public int inputSize() { return model.size(); }

    @Override
    public void close() { model.close(); }
}
