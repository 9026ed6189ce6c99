package io.moodbox.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of a TensorFlow.js layers model: a {@code weights_manifest.json} naming each tensor
 * (shape, dtype, optional quantization) and the binary that holds them back to back. Quantized
 * tensors are decoded as TensorFlow.js decodes them: {@code value = q * scale + min} for uint8 and
 * uint16, IEEE half floats for float16; {@code sha256} is the binary's, in hex, which ties the
 * int8 SSD's calibrated ranges to the weights they were measured on. Plain data, no natives; any thread.
 */
public record TfjsWeights(Map<String, Weight> weights, String sha256) {

    /** One tensor: its shape (TensorFlow's order, e.g. HWIO for a convolution) and its values. */
    public record Weight(String name, int[] shape, float[] values) {
        int size() { return values.length; }
    }

    public Weight get(String name) {
        Weight w = weights.get(name);
        if (w == null) throw new IllegalArgumentException("the face model's weights have no tensor " + name);
        return w;
    }

    /** Decodes {@code manifest} (the JSON) over {@code data} (the .bin); a mismatch is a clear error. */
    /** The weights in {@code dir} ({@link SsdConvert#WEIGHTS} and its manifest). */
    public static TfjsWeights read(java.nio.file.Path dir) throws IOException {
        return parse(java.nio.file.Files.readAllBytes(dir.resolve(SsdConvert.MANIFEST)), java.nio.file.Files.readAllBytes(dir.resolve(SsdConvert.WEIGHTS)));
    }

    public static TfjsWeights parse(byte[] manifest, byte[] data) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest);
        } catch (IOException e) {
            throw new IllegalArgumentException("the face model's weights manifest is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) throw new IllegalArgumentException("the face model's weights manifest must be a JSON array of weight groups");
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        var out = new LinkedHashMap<String, Weight>();
        for (JsonNode group : root) {
            for (JsonNode spec : group.path("weights")) {
                String name = spec.path("name").asText();
                int[] shape = new int[spec.path("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = spec.path("shape").get(i).asInt();
                int n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                String dtype = spec.path("dtype").asText();
                JsonNode q = spec.get("quantization");
                String stored = q != null ? q.path("dtype").asText() : dtype;
                int bytes = switch (stored) {
                    case "uint8" -> 1;
                    case "uint16", "float16" -> 2;
                    case "float32", "int32" -> 4;
                    default -> throw new IllegalArgumentException("weight " + name + ": unsupported stored type " + stored);
                };
                if (in.remaining() < (long) n * bytes)
                    throw new IllegalArgumentException("the face model's weights end inside " + name + " (" + in.remaining() + " bytes left, " + (long) n * bytes + " needed)");
                float[] v = new float[n];
                double scale = q != null ? q.path("scale").asDouble(1) : 1, min = q != null ? q.path("min").asDouble(0) : 0;
                for (int i = 0; i < n; i++) {
                    v[i] = switch (stored) {
                        case "uint8" -> (float) ((in.get() & 0xFF) * scale + min);
                        case "uint16" -> (float) ((in.getShort() & 0xFFFF) * scale + min);
                        case "float16" -> Float.float16ToFloat(in.getShort());
                        case "int32" -> in.getInt();
                        default -> in.getFloat();
                    };
                }
                if (dtype.equals("int32") && q != null) for (int i = 0; i < n; i++) v[i] = Math.round(v[i]);
                out.put(name, new Weight(name, shape, v));
            }
        }
        if (in.remaining() != 0) throw new IllegalArgumentException("the face model's weights hold " + in.remaining() + " bytes more than the manifest describes");
        try {
            return new TfjsWeights(Map.copyOf(out), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
