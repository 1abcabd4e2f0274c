package io.github.instructshift.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.ModelConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.io.PrintStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instruct-shift bench}: load time, forward and generation throughput of a checkpoint, next to
 * the raw DJL matrix-multiply rate measured in the same run on the model's own shapes, so the engine's
 * efficiency reads as a ratio that is comparable across machines. Subcommands time the analyses, each
 * against its own baseline in the same run: {@code attribution} (batched against one-by-one),
 * {@code heads} (matrix work against the whole), {@code ffn} (randomized against exact PCA), and
 * {@code synthetic} writes a random checkpoint of any shape (a 7B-shaped layer by default) to run them on.
 * Benchmarks are commands, never timed unit tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure load time, forward and generation tokens/s against raw DJL matmul; "
        + "subcommands time the analyses against their baselines.",
        subcommands = {BenchAttributionCommand.class, BenchHeadsCommand.class, BenchFfnCommand.class,
                BenchSyntheticCommand.class})
public final class BenchCommand implements Callable<Integer> {
    /** Optional here so the subcommands need no --model; required when bench itself runs. */
    @ArgGroup(exclusive = false, multiplicity = "0..1")
    ModelOptions model;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "forward-pass length (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--new-tokens", defaultValue = "32", description = "tokens generated (default ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--repeats", defaultValue = "5", description = "timed repeats; the median is reported (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw new IllegalArgumentException("bench needs --model DIR, or a subcommand: attribution, heads, ffn, synthetic");
        }
        long t0 = System.nanoTime();
        Checkpoint ckpt = model.open();
        LoadOptions options = model.loadOptions();
        Map<String, Object> r = new LinkedHashMap<>();
        try (CausalLM lm = ckpt.load(options)) {
            double loadSeconds = seconds(t0);
            ModelConfig c = lm.config();
            int n = Math.min(promptTokens, c.maxPositions() - newTokens - 1);
            long[] ids = new Random(7).longs(n, 3, c.vocabSize()).toArray();
            // FLOPs of one token through the linear layers and lm_head (attention scores are small at these lengths)
            double flopsPerToken = Flops.forward(c, 1) + 2.0 * c.vocabSize() * c.hiddenSize();

            double forward = median(() -> lm.sequenceLogits(ids));
            long[] shortPrompt = Arrays.copyOf(ids, Math.min(16, n));
            double generate = median(() -> lm.generate(shortPrompt, newTokens, false));
            double prefill = median(() -> lm.generate(shortPrompt, 1, false));
            double perToken = Math.max(1e-9, (generate - prefill) / Math.max(1, newTokens - 1));

            double gemm = matmulRate(lm, n, c.hiddenSize(), c.intermediateSize(), repeats);
            double gemv = matmulRate(lm, 1, c.hiddenSize(), c.intermediateSize(), repeats);

            double forwardTps = n / forward;
            double generateTps = 1 / perToken;
            r.put("model", ckpt.dir().toString());
            r.put("device", lm.device().toString());
            r.put("dtype", lm.dtype().toString());
            r.put("parameters", ckpt.parameterCount());
            r.put("load_seconds", loadSeconds);
            r.put("forward_tokens", n);
            r.put("forward_tokens_per_s", forwardTps);
            r.put("forward_gflops", forwardTps * flopsPerToken / 1e9);
            r.put("generate_tokens_per_s", generateTps);
            r.put("generate_gflops", generateTps * flopsPerToken / 1e9);
            r.put("matmul_gflops", gemm);
            r.put("matvec_gflops", gemv);
            r.put("forward_efficiency", forwardTps * flopsPerToken / 1e9 / gemm);
            r.put("generate_efficiency", generateTps * flopsPerToken / 1e9 / gemv);
        }
        print(r, json, System.out, "efficiency = the model's FLOP rate / raw DJL matmul rate on [tokens, d_model]x[d_model, d_ff]"
                + " (forward) or [1, d_model]x[d_model, d_ff] (generation), same run, same device");
        return 0;
    }

    /** The report as JSON, or one {@code name value} line per field and a closing note. */
    static void print(Map<String, Object> r, boolean json, PrintStream out, String note) throws Exception {
        if (json) {
            Map<String, Object> clean = new LinkedHashMap<>();
            r.forEach((k, v) -> clean.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(clean));
        } else {
            r.forEach((k, v) -> out.printf(java.util.Locale.ROOT, "%-30s %s%n", k,
                    v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4g", d) : v));
            if (note != null) {
                out.println(note);
            }
        }
        out.flush();
    }

    /** GFLOP/s of {@code [rows, k] × [k, cols]} in the model's dtype on its device (median of repeats). */
    static double matmulRate(CausalLM lm, int rows, int k, int cols, int repeats) {
        try (NDManager m = lm.manager().newSubManager()) {
            NDArray a = m.randomNormal(new Shape(rows, k)).toType(lm.dtype(), false);
            NDArray b = m.randomNormal(new Shape(k, cols)).toType(lm.dtype(), false);
            int inner = Math.max(1, (int) (2e8 / (2.0 * rows * k * cols)));      // ~0.2 GFLOP per timing
            double s = median(() -> {
                for (int i = 0; i < inner; i++) {
                    try (NDArray p = a.matMul(b)) {
                        p.toType(DataType.FLOAT32, false).sum().getFloat();    // forces completion on any device
                    }
                }
            }, repeats);
            return 2.0 * rows * k * cols * inner / s / 1e9;
        }
    }

    private double median(Runnable work) {
        return median(work, repeats);
    }

    /** Median seconds of {@code repeats} runs after one warm-up run. */
    static double median(Runnable work, int repeats) {
        work.run();                                                          // warm-up
        double[] t = new double[Math.max(1, repeats)];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            work.run();
            t[i] = seconds(start);
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
