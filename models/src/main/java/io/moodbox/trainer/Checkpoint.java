package io.moodbox.trainer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A training run's whole state in one file, so a run resumes bit for bit in a later session:
 * the run's recipe and progress as text properties (epoch, optimizer step, best epoch, each
 * epoch's figures) and named float tensors (every network parameter including batch-norm
 * running statistics, and Adam's two moments). Layout: "MXC1", the properties as UTF-8
 * (length, bytes), tensor count, then per tensor name (UTF), rank, dims, floats, big-endian.
 * Written to a temporary file and renamed, so a run killed while saving keeps the last good one.
 */
record Checkpoint(Properties state, Map<String, WeightsFile.Tensor> tensors) {
    private static final int MAGIC = 0x4D584331; // "MXC1"
    static final String FILE = "checkpoint.ckpt";

    void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            byte[] text = text(state).getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
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

    static Checkpoint read(Path file) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) throw new IOException(file + " is not a moodbox training checkpoint");
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            var state = new Properties();
            state.load(new StringReader(new String(text, StandardCharsets.UTF_8)));
            int n = in.readInt();
            var tensors = new LinkedHashMap<String, WeightsFile.Tensor>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int[] shape = new int[in.readInt()];
                int size = 1;
                for (int d = 0; d < shape.length; d++) { shape[d] = in.readInt(); size *= shape[d]; }
                float[] data = new float[size];
                for (int k = 0; k < size; k++) data[k] = in.readFloat();
                tensors.put(name, new WeightsFile.Tensor(shape, data));
            }
            return new Checkpoint(state, tensors);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is cut short", e);
        }
    }

    /** The properties as sorted {@code key=value} lines (Properties' escaping), without its date comment. */
    static String text(Properties p) {
        var out = new java.io.StringWriter();
        try { p.store(out, null); } catch (IOException e) { throw new AssertionError(e); }
        return out.toString().lines().filter(l -> !l.startsWith("#")).sorted()
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }
}
