package io.github.instructshift.report;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.instructshift.model.SafetensorsFile;
import io.github.instructshift.model.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A stand-in "tuned" model for developing and testing the notebooks without a real pair: a copy of a
 * single-file checkpoint (same config and tokenizer) whose every weight gets seeded Gaussian noise of
 * {@code scale} times that tensor's own standard deviation, written as float32 with
 * {@link SafetensorsWriter}. Run as {@code java -cp … io.github.instructshift.report.PerturbedCheckpoint
 * SOURCE TARGET [SCALE] [SEED]}.
 */
public final class PerturbedCheckpoint {
    /** The files besides the weights that a checkpoint directory carries over unchanged. */
    static final List<String> COPIED = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json");

    private PerturbedCheckpoint() {}

    public static void write(Path source, Path target, double scale, long seed) throws IOException {
        Path weights = source.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new ReportException(source + " has no model.safetensors (only single-file checkpoints are copied)");
        }
        Files.createDirectories(target);
        for (String name : COPIED) {
            if (Files.isRegularFile(source.resolve(name))) {
                Files.copy(source.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                target.resolve(name).toFile().setWritable(true, true);   // the source may be read-only
            }
        }
        SafetensorsFile file = SafetensorsFile.open(weights);
        Random random = new Random(seed);
        Map<String, SafetensorsWriter.Tensor> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Map.Entry<String, SafetensorsFile.Entry> e : new TreeMap<>(file.entries()).entrySet()) {
                float[] data;
                try (NDManager m = manager.newSubManager()) {
                    data = file.load(e.getKey(), m, DataType.FLOAT32).toFloatArray();
                }
                double mean = 0;
                for (float v : data) {
                    mean += v;
                }
                mean /= Math.max(1, data.length);
                double var = 0;
                for (float v : data) {
                    var += (v - mean) * (v - mean);
                }
                double std = Math.sqrt(var / Math.max(1, data.length));
                double sigma = scale * (std > 0 ? std : Math.abs(mean) > 0 ? Math.abs(mean) : 1);
                for (int i = 0; i < data.length; i++) {
                    data[i] += (float) (sigma * random.nextGaussian());
                }
                out.put(e.getKey(), new SafetensorsWriter.Tensor(e.getValue().shape().getShape(), data));
            }
        }
        SafetensorsWriter.write(target.resolve("model.safetensors"), out);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: PerturbedCheckpoint SOURCE_DIR TARGET_DIR [SCALE (default 0.05)] [SEED (default 1)]");
            System.exit(2);
        }
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 0.05;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        write(Path.of(args[0]), Path.of(args[1]), scale, seed);
        System.out.println("wrote " + args[1] + " (" + args[0] + " with noise " + scale + " x std, seed " + seed + ")");
    }
}
