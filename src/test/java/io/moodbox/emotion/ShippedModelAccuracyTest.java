package io.moodbox.emotion;

import io.moodbox.testing.Required;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped int8 model's figures on FER2013 PrivateTest, through the evaluator and the real
 * interpreter: accuracy, agreement with its float twin, and the expected top label on the
 * expressions a room shows most clearly.
 *
 * <p>The floors guard the shipped model as measured (66.37% accuracy, above the 66% of Arriaga et
 * al., below the 70% goal; 98.05% agreement, under the 99% target: see models/MODEL_CARD.md),
 * with half a point of room so a different CPU's kernels cannot fail the build over a face or two.
 */
class ShippedModelAccuracyTest {
    static ModelEvaluator.Report report;

    @BeforeAll
    static void evaluate() throws Exception {
        Required.that(Fer2013.locate().isPresent(), "FER2013 not found (set MOODBOX_FER2013)");
        Path twin = Path.of("models/emotion-minixception-float32.tflite");
        report = ModelEvaluator.evaluate(EmotionConfig.DEFAULT_MODEL, Fer2013.load().split(Split.PRIVATE_TEST),
                Files.exists(twin) ? twin : null, 1);
        System.out.print(ModelEvaluator.format(report));
    }

    @Test
    void privateTestAccuracyStaysAtWhatWasShipped() {
        assertTrue(report.accuracy() >= 0.656, "PrivateTest accuracy " + report.accuracy());
    }

    @Test
    void int8AgreesWithFloatOnAlmostEveryFace() {
        Required.that(!Double.isNaN(report.agreement()), "no float twin shipped");
        assertTrue(report.agreement() >= 0.978, "int8/float agreement " + report.agreement());
    }

    @Test
    void clearExpressionsGetTheirLabel() {
        assertTrue(report.recall()[Emotion.HAPPY.ordinal()] >= 0.80, "happy recall " + report.recall()[Emotion.HAPPY.ordinal()]);
        assertTrue(report.recall()[Emotion.SURPRISE.ordinal()] >= 0.70, "surprise recall " + report.recall()[Emotion.SURPRISE.ordinal()]);
        assertTrue(report.recall()[Emotion.NEUTRAL.ordinal()] >= 0.55, "neutral recall " + report.recall()[Emotion.NEUTRAL.ordinal()]);
    }
}
