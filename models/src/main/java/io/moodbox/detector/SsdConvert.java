package io.moodbox.detector;

import io.moodbox.tflite.TfliteWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Converts face-api.js's SSD-MobileNetV1 weights (the npm files the appliance's build fetches)
 * into the TFLite models the box loads, once, at build time: {@value #INT8} (full int8, ranges
 * from {@code models/ssd_int8_ranges.properties}), {@value #FLOAT32} and {@value #PRIORS} (the
 * priors of the 512x384 input, little-endian float32 {ymin, xmin, ymax, xmax} each). The
 * appliance's pom runs it after fetching the weights; without them it says so and writes
 * nothing, and the box uses its Haar cascades. Ranges calibrated for other weights leave out
 * the int8 model (the box then runs the float32 one and says so).
 * <pre>
 *   SsdConvert --weights DIR --ranges FILE --out DIR
 *   SsdConvert --weights DIR [--ranges FILE] --probe FILE    the calibration model (every activation an output; int8 with --ranges)
 * </pre>
 */
public final class SsdConvert {
    static final String WEIGHTS = "ssd_mobilenetv1_model.bin", MANIFEST = "ssd_mobilenetv1_model-weights_manifest.json";
    static final String INT8 = "ssd_mobilenetv1_int8.tflite", FLOAT32 = "ssd_mobilenetv1_float32.tflite", PRIORS = "ssd_mobilenetv1_priors.bin";

    private SsdConvert() {}

    public static void main(String[] args) throws IOException {
        Path weightsDir = null, ranges = null, out = null, probe = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
            switch (args[i++]) {
                case "--weights" -> weightsDir = Path.of(value);
                case "--ranges" -> ranges = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--probe" -> probe = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + "; see SsdConvert's javadoc");
            }
        }
        if (weightsDir == null || (out == null) == (probe == null))
            throw new IllegalArgumentException("usage: SsdConvert --weights DIR --ranges FILE --out DIR | --weights DIR [--ranges FILE] --probe FILE");
        Path bin = weightsDir.resolve(WEIGHTS), manifest = weightsDir.resolve(MANIFEST);
        if (!Files.isRegularFile(bin) || !Files.isRegularFile(manifest)) {
            System.err.println("[face-api] no weights in " + weightsDir + " (npm was unreachable): no SSD model; the box uses the Haar cascades");
            return;
        }
        if (out != null && upToDate(out, bin, manifest, ranges)) {
            System.err.println("[face-api] SSD models in " + out + " are up to date");
            return;
        }
        long t0 = System.nanoTime();
        var weights = TfjsWeights.parse(Files.readAllBytes(manifest), Files.readAllBytes(bin));
        SsdRanges r = ranges == null ? null : SsdRanges.read(ranges);
        if (probe != null) {
            TfliteWriter.write(SsdModel.probe(weights, r), probe);
            System.err.println("[face-api] wrote the probe model " + probe);
            return;
        }
        Files.createDirectories(out);
        TfliteWriter.write(SsdModel.float32(weights, SsdModel.HEIGHT), out.resolve(FLOAT32));
        TfliteWriter.write(priorBytes(SsdModel.priors(weights)), out.resolve(PRIORS));
        if (r == null) {
            Files.deleteIfExists(out.resolve(INT8));
            System.err.println("[face-api] no int8 ranges given: float32 SSD only");
        } else if (!r.weightsSha256().equals(weights.sha256())) {
            Files.deleteIfExists(out.resolve(INT8));
            System.err.println("[face-api] WARNING: " + ranges + " was calibrated for other weights (sha256 " + r.weightsSha256()
                    + ", these are " + weights.sha256() + "): no int8 SSD; recalibrate (SsdCalibration)");
        } else {
            TfliteWriter.write(SsdModel.int8(weights, r, SsdModel.HEIGHT), out.resolve(INT8));
        }
        System.err.printf("[face-api] SSD models converted into %s in %d ms%n", out, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Whether every model in {@code out} is newer than the weights, the ranges and the converter's
     * own classes (recompiled when its sources change), so a build converts only when one changed.
     */
    private static boolean upToDate(Path out, Path... inputs) throws IOException {
        long newest = 0;
        var sources = new java.util.ArrayList<Path>();
        for (Path p : inputs) if (p != null) sources.add(p);
        for (Class<?> c : new Class<?>[]{SsdConvert.class, SsdModel.class, TfjsWeights.class, SsdRanges.class, TfliteWriter.class}) {
            var url = c.getResource(c.getSimpleName() + ".class");
            if (url == null || !url.getProtocol().equals("file")) return false;
            try {
                sources.add(Path.of(url.toURI()));
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        for (Path p : sources) newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
        for (String name : new String[]{FLOAT32, PRIORS, INT8}) {
            Path f = out.resolve(name);
            if (!Files.isRegularFile(f) || Files.getLastModifiedTime(f).toMillis() < newest) return false;
        }
        return true;
    }

    static byte[] priorBytes(float[] priors) {
        var b = ByteBuffer.allocate(priors.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(priors);
        return b.array();
    }
}
