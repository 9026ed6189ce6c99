package io.moodbox.vision;

import io.moodbox.camera.SceneGenerator;

import java.util.List;

/** Matches found faces to a scene's true faces: centre inside the true box, size within 2x. */
record SceneScore(int truth, int found, int matched) {

    static SceneScore of(List<SceneGenerator.TruthFace> truth, List<FaceCrop> found) {
        boolean[] used = new boolean[found.size()];
        int matched = 0;
        for (var t : truth) {
            for (int i = 0; i < found.size(); i++) {
                if (used[i]) continue;
                var c = found.get(i);
                double cx = c.x() + c.width() / 2.0, cy = c.y() + c.height() / 2.0;
                double ratio = Math.sqrt((double) c.width() * c.height()) / t.size();
                if (cx >= t.x() && cx < t.x() + t.size() && cy >= t.y() && cy < t.y() + t.size() && ratio > 0.5 && ratio < 2) {
                    used[i] = true;
                    matched++;
                    break;
                }
            }
        }
        return new SceneScore(truth.size(), found.size(), matched);
    }

    SceneScore plus(SceneScore o) {
        return new SceneScore(truth + o.truth, found + o.found, matched + o.matched);
    }

    double recall() { return truth == 0 ? 1 : (double) matched / truth; }

    double precision() { return found == 0 ? 1 : (double) matched / found; }
}
