package io.moodbox.music;

import io.moodbox.testing.Required;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analysis on real recordings ({@code ops/real-music/manifest.tsv}, fetched by
 * {@code ops/fetch-real-music.sh}: a second when cached, else about 600 MB of Debian packages).
 * Asserts the floors of what {@link RealMusicBench} prints, so a change that makes the analysis
 * worse on real music fails here. The labels come from titles and descriptions, not by ear. A
 * set that cannot be fetched fails (via {@link Required}), it is not skipped.
 */
class RealMusicTest {
    /**
     * Measured (docs/music.md): tempo 80% of 30 steady tracks (issue 23 asks 80%), quadrant 50% of
     * 26 labelled (goal 70%), 4 in the opposite quadrant (goal none). The tempo floor is the goal;
     * the others are what the analysis does today; raise them as it improves.
     */
    static final double MIN_TEMPO = 0.8, MIN_QUADRANT = 0.5;
    static final int MAX_OPPOSITE = 4, MIN_TRACKS = 40, MIN_LABELLED = 25, MIN_STEADY = 25;

    static List<RealMusic.Entry> entries;
    static List<RealMusic.Result> results;

    @BeforeAll
    static void fetchAndAnalyse() throws Exception {
        var fetched = RealMusic.fetch();
        Required.that(fetched.status() == 0, "ops/fetch-real-music.sh could not bring the real recordings (exit "
                + fetched.status() + "): " + fetched.output() + "; it needs apt-get and Debian's package servers");
        entries = RealMusic.read();
        results = RealMusic.analyse(entries, 60);
    }

    @Test
    void theSetIsWholeAndEachFileIsTheOneListed() throws Exception {
        assertTrue(entries.size() >= MIN_TRACKS, "tracks: " + entries.size());
        assertTrue(entries.stream().filter(RealMusic.Entry::labelled).count() >= MIN_LABELLED, "labelled tracks");
        assertTrue(entries.stream().filter(RealMusic.Entry::steady).count() >= MIN_STEADY, "steady-beat tracks");
        Set<String> ids = new HashSet<>();
        for (RealMusic.Entry e : entries) {
            assertTrue(ids.add(e.id()), "two tracks are called " + e.id());
            assertTrue(!e.licence().isBlank() && !e.labelFrom().isBlank(), e.id() + " names its licence and where its label came from");
            assertEquals(e.labelled(), !e.labelFrom().equals("-"), e.id() + ": a label says where it came from");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(e.file())) {
                sha.update(in.readAllBytes());
            }
            assertEquals(e.sha256(), HexFormat.of().formatHex(sha.digest()), e.id());
        }
    }

    @Test
    void tempoAgreesWithAubioOnSteadyBeats() {
        double share = RealMusic.tempoAgreement(results);
        assertTrue(share >= MIN_TEMPO, "tempo within 4% of aubio (or at double/half) for " + Math.round(100 * share) + "% of steady tracks");
    }

    @Test
    void moodQuadrantsAgreeWithTheLabels() {
        double accuracy = RealMusic.quadrantAccuracy(results);
        String table = "\n" + RealMusic.confusion(results);
        assertTrue(accuracy >= MIN_QUADRANT, "right quadrant for " + Math.round(100 * accuracy) + "%" + table);
        List<String> opposite = RealMusic.opposite(results).stream().map(r -> r.entry().id()).toList();
        assertTrue(opposite.size() <= MAX_OPPOSITE, "in the opposite quadrant: " + opposite + table);
    }

    @Test
    void stereoIsMeasuredAsOneChannelPlays() {
        // Every real track here is stereo; the level is one channel's, so it is never above 0 dBFS
        // and a quiet orchestral track reads quieter than a mastered game track.
        for (RealMusic.Result r : results) assertTrue(r.analysis().loudnessDb() < 0, r.entry().id());
    }
}
