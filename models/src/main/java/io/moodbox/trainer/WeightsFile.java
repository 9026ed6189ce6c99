package io.moodbox.trainer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A framework-neutral weights file: named float tensors, big-endian. The bridge between the
 * DJL trainer and the plain-Java exporter. Layout: "MXW1", count, then per tensor
 * name (UTF), rank, dims, floats.
 */
public final class WeightsFile {
    private static final int MAGIC = 0x4D585731; // "MXW1"

    /** A tensor: its shape (PyTorch layout) and values, row-major. */
    public record Tensor(int[] shape, float[] data) {}

    private WeightsFile() {}

    /** Writes atomically: a half-written file never replaces a good one. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.writeInt(tensors.size());
            for (var e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                int[] shape = e.getValue().shape();
                out.writeInt(shape.length);
                for (int d : shape) out.writeInt(d);
                for (float v : e.getValue().data()) out.writeFloat(v);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Map<String, Tensor> read(Path file) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) throw new IOException(file + " is not a moodbox weights file");
            int n = in.readInt();
            var map = new LinkedHashMap<String, Tensor>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int[] shape = new int[in.readInt()];
                int size = 1;
                for (int d = 0; d < shape.length; d++) { shape[d] = in.readInt(); size *= shape[d]; }
                float[] data = new float[size];
                for (int k = 0; k < size; k++) data[k] = in.readFloat();
                map.put(name, new Tensor(shape, data));
            }
            return map;
        }
    }
}
