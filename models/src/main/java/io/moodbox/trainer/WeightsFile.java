package io.moodbox.trainer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A framework-neutral weights file: named float tensors, big-endian. The bridge between the
 * DJL trainer and the plain-Java exporter. Layout: "MXW1", count, then per tensor
 * name (UTF), rank, dims, floats. {@link Checkpoint} writes its tensors the same way.
 */
public final class WeightsFile {
    private static final int MAGIC = 0x4D585731; // "MXW1"

    /** A tensor: its shape (PyTorch layout) and values, row-major. */
    public record Tensor(int[] shape, float[] data) {}

    private WeightsFile() {}

    /** Writes atomically: a half-written file never replaces a good one. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        writeFile(file, MAGIC, out -> writeTensors(out, tensors));
    }

    public static Map<String, Tensor> read(Path file) throws IOException {
        return readFile(file, MAGIC, "a moodbox weights file", WeightsFile::readTensors);
    }

    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    interface Parser<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** {@code magic}, then {@code body}, into a temporary file renamed over {@code file}. */
    static void writeFile(Path file, int magic, Body body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(magic);
            body.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Checks {@code magic} (else: "FILE is not KIND"), then parses the rest; a short file is "cut short". */
    static <T> T readFile(Path file, int magic, String kind, Parser<T> parser) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != magic) throw new IOException(file + " is not " + kind);
            return parser.read(in);
        } catch (EOFException e) {
            throw new IOException(file + " is cut short", e);
        }
    }

    /** Count, then per tensor name (UTF), rank, dims, floats; in the map's order. */
    static void writeTensors(DataOutputStream out, Map<String, Tensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (var e : tensors.entrySet()) {
            out.writeUTF(e.getKey());
            int[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (int d : shape) out.writeInt(d);
            for (float v : e.getValue().data()) out.writeFloat(v);
        }
    }

    /** What {@link #writeTensors} wrote, in the same order. */
    static Map<String, Tensor> readTensors(DataInputStream in) throws IOException {
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
