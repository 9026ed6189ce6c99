package io.moodbox.music;

import io.moodbox.music.Synth.Piece;
import io.moodbox.music.Synth.Timbre;

import java.util.List;

/** The dozen pieces of the sample library, a spread over the four quadrants. */
final class SamplePieces {
    private SamplePieces() {}

    static final List<Piece> ALL = List.of(
            new Piece("sunny-morning", "happy", 124, true, 0, Timbre.BRIGHT, 0.65, 2, true, 24),
            new Piece("bicycle-bells", "happy", 112, true, 7, Timbre.WARM, 0.55, 2, true, 24),
            new Piece("kitchen-dance", "happy", 132, true, 2, Timbre.BRIGHT, 0.7, 2, true, 24),
            new Piece("rooftop-run", "energetic", 148, true, 9, Timbre.BRIGHT, 0.85, 4, true, 24),
            new Piece("still-lake", "calm", 64, true, 5, Timbre.SOFT, 0.15, 1, false, 24),
            new Piece("window-light", "calm", 72, true, 10, Timbre.WARM, 0.2, 1, false, 24),
            new Piece("evening-tea", "calm", 80, true, 3, Timbre.SOFT, 0.2, 2, false, 24),
            new Piece("grey-harbour", "sad", 60, false, 9, Timbre.SOFT, 0.15, 1, false, 24),
            new Piece("empty-station", "sad", 68, false, 4, Timbre.WARM, 0.2, 1, false, 24),
            new Piece("last-letter", "sad", 76, false, 2, Timbre.SOFT, 0.25, 1, false, 24),
            new Piece("night-chase", "tense", 150, false, 11, Timbre.BRIGHT, 0.9, 4, true, 24),
            new Piece("storm-front", "tense", 138, false, 1, Timbre.BRIGHT, 0.85, 2, true, 24));
}
