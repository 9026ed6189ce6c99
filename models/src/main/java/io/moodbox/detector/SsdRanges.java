package io.moodbox.detector;


import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The activation ranges the int8 SSD is quantized with, calibrated ahead on generated scenes
 * ({@code SsdCalibration} in the appliance's tests) because the build has no calibration data.
 * Stored as {@code models/ssd_int8_ranges.properties}, which {@link SsdConvert} reads:
 * {@code weights.sha256} (the {@code .bin} they were calibrated for), {@code method}, one
 * {@code range.<tensor name> = lo,hi} per activation, and {@code channels.<tensor name> = m0,m1,...}:
 * each ReLU6 activation's largest value by channel, which cross-layer equalization
 * ({@link SsdModel#int8}) needs. Plain data; any thread.
 */
public record SsdRanges(String weightsSha256, String method, Map<String, float[]> ranges, Map<String, float[]> channels) {
    public static SsdRanges read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the SSD's int8 ranges " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the properties text; a malformed line is a {@link IllegalArgumentException} naming it. */
    public static SsdRanges parse(String text, String source) {
        var p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": not a properties file: " + e.getMessage(), e);
        }
        String sha = p.getProperty("weights.sha256", "").trim().toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{64}")) throw new IllegalArgumentException(source + ": weights.sha256 must be 64 hex digits");
        var ranges = new HashMap<String, float[]>();
        var channels = new HashMap<String, float[]>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("channels.")) {
                String[] v = p.getProperty(key).split(",");
                float[] m = new float[v.length];
                try {
                    for (int i = 0; i < v.length; i++) {
                        m[i] = Float.parseFloat(v[i].trim());
                        if (!(m[i] >= 0) || !Float.isFinite(m[i])) throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + ": " + key + " must be a list of finite values >= 0");
                }
                channels.put(key.substring("channels.".length()), m);
                continue;
            }
            if (!key.startsWith("range.")) continue;
            String[] v = p.getProperty(key).split(",");
            try {
                float lo = Float.parseFloat(v[0].trim()), hi = Float.parseFloat(v[1].trim());
                if (v.length != 2 || !(lo <= hi) || !Float.isFinite(lo) || !Float.isFinite(hi)) throw new NumberFormatException();
                ranges.put(key.substring("range.".length()), new float[]{lo, hi});
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(source + ": " + key + " must be 'lo,hi' with lo <= hi, was '" + p.getProperty(key) + "'");
            }
        }
        return new SsdRanges(sha, p.getProperty("method", "?"), Map.copyOf(ranges), Map.copyOf(channels));
    }

    /** Writes the ranges atomically (temp file + move), sorted by tensor name, with {@code comment} on top. */
    public void write(Path file, String comment) throws IOException {
        var sb = new StringBuilder();
        for (String line : comment.split("\n")) sb.append("# ").append(line).append('\n');
        sb.append("weights.sha256 = ").append(weightsSha256).append('\n');
        sb.append("method = ").append(method).append('\n');
        for (var e : new TreeMap<>(ranges).entrySet())
            sb.append("range.").append(e.getKey()).append(" = ").append(e.getValue()[0]).append(',').append(e.getValue()[1]).append('\n');
        for (var e : new TreeMap<>(channels).entrySet()) {
            sb.append("channels.").append(e.getKey()).append(" = ");
            float[] m = e.getValue();
            // 5 significant digits, rounded up: a channel's maximum must not shrink.
            for (int i = 0; i < m.length; i++)
                sb.append(i > 0 ? "," : "").append(new java.math.BigDecimal(m[i]).round(new java.math.MathContext(5, java.math.RoundingMode.UP)).stripTrailingZeros().toPlainString());
            sb.append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
