package io.moodbox.trainer;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A training run's whole state in one file, so a run resumes bit for bit in a later session:
 * the run's recipe and progress as text properties (epoch, optimizer step, best epoch, each
 * epoch's figures) and named float tensors (every network parameter including batch-norm
 * running statistics, and Adam's two moments). Layout: "MXC1", the properties as UTF-8
 * (length, bytes), then the tensors as {@link WeightsFile} writes them (count, then per tensor
 * name (UTF), rank, dims, floats), big-endian.
 * Written to a temporary file and renamed, so a run killed while saving keeps the last good one.
 */
record Checkpoint(Properties state, Map<String, WeightsFile.Tensor> tensors) {
    private static final int MAGIC = 0x4D584331; // "MXC1"
    static final String FILE = "checkpoint.ckpt";

    void write(Path file) throws IOException {
        WeightsFile.writeFile(file, MAGIC, out -> {
            byte[] text = text(state).getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
            WeightsFile.writeTensors(out, tensors);
        });
    }

    static Checkpoint read(Path file) throws IOException {
        return WeightsFile.readFile(file, MAGIC, "a moodbox training checkpoint", in -> {
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            var state = new Properties();
            state.load(new StringReader(new String(text, StandardCharsets.UTF_8)));
            return new Checkpoint(state, WeightsFile.readTensors(in));
        });
    }

    /** The properties as sorted {@code key=value} lines (Properties' escaping), without its date comment. */
    static String text(Properties p) {
        var out = new java.io.StringWriter();
        try { p.store(out, null); } catch (IOException e) { throw new AssertionError(e); }
        return out.toString().lines().filter(l -> !l.startsWith("#")).sorted()
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }
}
