package io.github.instructshift.cli;

import io.github.instructshift.model.Checkpoint;
import java.nio.file.Path;
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

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (layers < 1 || hidden < 2 || ffn < 1 || heads < 1 || kvHeads < 0 || vocab < 3 || context < 2) {
            throw new IllegalArgumentException("every size must be positive (--vocab >= 3, --context >= 2)");
        }
        SyntheticCheckpoint.Shape shape = new SyntheticCheckpoint.Shape(layers, hidden, ffn, heads,
                kvHeads == 0 ? heads : kvHeads, vocab, context);
        long t0 = System.nanoTime();
        SyntheticCheckpoint.write(out, shape, seed);
        Checkpoint c = Checkpoint.open(out);                  // the loader's own checks
        System.out.printf(Locale.ROOT, "wrote %s: %d layers, d_model %d, d_ff %d, %d/%d heads, vocab %d, %d parameters "
                        + "(%.2f GB float32) in %.1f s%n", out, layers, hidden, ffn, heads, shape.kvHeads(), vocab,
                c.parameterCount(), 4e-9 * c.parameterCount(), BenchCommand.seconds(t0));
        return 0;
    }
}
