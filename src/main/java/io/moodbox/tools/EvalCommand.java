package io.moodbox.tools;

import io.moodbox.dataset.Fer2013;
import io.moodbox.dataset.Fer2013.Split;
import io.moodbox.emotion.EmotionConfig;
import io.moodbox.emotion.ModelEvaluator;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code moodbox eval [--model FILE[,FILE...]] [--float FILE[,FILE...]] [--split private|public|training] [--png FILE] [--threads N] [--flip-average] [--views N]}:
 * the model evaluator on a FER2013 split (PrivateTest by default: the reported figure).
 * {@code --flip-average} reads each face as the box does (with its mirror); {@code --views N}
 * averages N views (1, or 2 to 10 even: one-pixel shifts, each with its mirror).
 * {@code --model A,B --float A32,B32} averages the scores of several models (an ensemble),
 * against the average of their float twins.
 */
public final class EvalCommand {
    private EvalCommand() {}

    public static int run(String[] args) {
        List<Path> models = List.of(EmotionConfig.DEFAULT_MODEL), floatModels = List.of();
        Path png = null;
        Split split = Split.PRIVATE_TEST;
        int threads = 1;
        int views = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help")) { usage(); return 0; }
                if (a.equals("--flip-average")) { views = 2; continue; }
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--model" -> models = paths(v);
                    case "--float" -> floatModels = paths(v);
                    case "--png" -> png = Path.of(v);
                    case "--threads" -> threads = Integer.parseInt(v);
                    case "--views" -> views = ModelEvaluator.checkViews(Integer.parseInt(v));   // before the dataset loads
                    case "--split" -> split = switch (v.toLowerCase(Locale.ROOT)) {
                        case "private", "privatetest" -> Split.PRIVATE_TEST;
                        case "public", "publictest" -> Split.PUBLIC_TEST;
                        case "training", "train" -> Split.TRAINING;
                        default -> throw new IllegalArgumentException("--split must be private, public or training, was " + v);
                    };
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            ModelEvaluator.checkTwins(models, floatModels);   // before the dataset loads
            var report = ModelEvaluator.evaluate(models, Fer2013.load(split).all(), floatModels, threads, views);
            System.out.print(ModelEvaluator.format(report));
            if (png != null) {
                ModelEvaluator.writeConfusionPng(report, "Mini-Xception int8, FER2013 " + split, png);
                System.out.println("confusion matrix picture: " + png);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("moodbox eval: " + e.getMessage());
            usage();
            return 2;
        } catch (Exception e) {
            System.err.println("moodbox eval: " + e.getMessage());
            return 1;
        }
    }

    /** A comma-separated list of files: several models are averaged, as one ensemble. */
    private static List<Path> paths(String v) {
        List<Path> out = Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
        if (out.isEmpty()) throw new IllegalArgumentException("no file in '" + v + "'");
        return out;
    }

    private static void usage() {
        System.err.println("usage: moodbox eval [--model FILE[,FILE...]] [--float FILE[,FILE...]] [--split private|public|training] [--png FILE] [--threads N] [--flip-average] [--views N]");
    }
}
