package io.github.instructshift.cli;

import io.github.instructshift.attribution.GradientAttributor;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.ModelConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code instruct-shift bench attribution}: the batched attribution ({@link GradientAttributor#attribute},
 * several response tokens per backward pass, each pass cut after the last position it needs) against the
 * one-by-one baseline ({@link GradientAttributor#attributeOneByOne}, one full-length pass per response
 * token) on the same random prompt and response in the same run: seconds per response token of each,
 * the speed-up as a ratio, how far the two matrices differ, and the resident memory each needs at its
 * peak and what stays resident afterwards (Linux; see {@link NativeMemory}).
 */
@Command(name = "attribution", mixinStandardHelpOptions = true,
        description = "Batched attribution against the one-by-one baseline: s per response token, speed-up, memory.")
public final class BenchAttributionCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "prompt length incl. BOS (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--response-tokens", defaultValue = "32", description = "response length (default ${DEFAULT-VALUE})")
    int responseTokens;

    @Option(names = "--tokens-per-pass", defaultValue = "0",
            description = "response tokens per batched pass, 0 = the cheapest count the memory budget allows (default ${DEFAULT-VALUE})")
    int copies;

    @Option(names = "--repeats", defaultValue = "3", description = "timed repeats of each mode, median reported (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (promptTokens < 2 || responseTokens < 1 || repeats < 1 || copies < 0) {
            throw new IllegalArgumentException("need --prompt-tokens >= 2, --response-tokens >= 1, --repeats >= 1 "
                    + "and --tokens-per-pass >= 0");
        }
        long t0 = System.nanoTime();
        Checkpoint ckpt = model.open();
        Map<String, Object> r = new LinkedHashMap<>();
        try (CausalLM lm = ckpt.load(model.loadOptions())) {
            double loadSeconds = BenchCommand.seconds(t0);
            ModelConfig c = lm.config();
            if (promptTokens + responseTokens - 1 > c.maxPositions()) {
                throw new IllegalArgumentException("--prompt-tokens + --response-tokens - 1 = "
                        + (promptTokens + responseTokens - 1) + " exceeds the model's context of " + c.maxPositions());
            }
            Random rng = new Random(7);
            long[] prompt = rng.longs(promptTokens, 3, c.vocabSize()).toArray();
            prompt[0] = c.bosTokenId() >= 0 ? c.bosTokenId() : prompt[0];
            long[] response = rng.longs(responseTokens, 3, c.vocabSize()).toArray();
            GradientAttributor attributor = new GradientAttributor(lm);
            int perPass = copies > 0 ? copies : attributor.tokensPerPass(promptTokens, responseTokens);
            perPass = Math.min(perPass, responseTokens);
            int chunk = perPass;
            boolean cpu = ai.djl.Device.Type.CPU.equals(lm.device().getDeviceType());

            // warm-up of both paths on a short response (kernels, allocator), then the baseline state
            long[] shortResponse = Arrays.copyOf(response, Math.min(2, responseTokens));
            attributor.attributeOneByOne(prompt, shortResponse);
            attributor.attribute(prompt, shortResponse, chunk);
            int heldBefore = NativeMemory.heldArrays(lm.manager());
            double rssBefore = NativeMemory.settledAnonMiB();

            double[] oneByOne = new double[repeats];
            double[] batched = new double[repeats];
            double peakOneByOne = Double.NaN;
            double peakBatched = Double.NaN;
            float[][] a = null;
            float[][] b = null;
            for (int i = 0; i < repeats; i++) {              // interleaved, so drift hits both modes alike
                Measured m1 = measure(() -> attributor.attributeOneByOne(prompt, response));
                Measured m2 = measure(() -> attributor.attribute(prompt, response, chunk));
                oneByOne[i] = m1.seconds();
                batched[i] = m2.seconds();
                peakOneByOne = max(peakOneByOne, m1.peakMiB());
                peakBatched = max(peakBatched, m2.peakMiB());
                a = m1.scores();
                b = m2.scores();
            }
            double rssAfter = NativeMemory.settledAnonMiB();
            int heldAfter = NativeMemory.heldArrays(lm.manager());
            double tOne = median(oneByOne);
            double tBatched = median(batched);

            double scale = 0;
            double worst = 0;
            for (int n = 0; n < a.length; n++) {
                for (int m = 0; m < a[n].length; m++) {
                    scale = Math.max(scale, Math.abs(a[n][m]));
                    worst = Math.max(worst, Math.abs(a[n][m] - b[n][m]));
                }
            }
            r.put("model", ckpt.dir().toString());
            r.put("device", lm.device().toString());
            r.put("dtype", lm.dtype().toString());
            r.put("parameters", ckpt.parameterCount());
            r.put("threads_setting", threadsSetting());
            r.put("torch_threads", cpu ? ai.djl.pytorch.jni.JniUtils.getNumThreads() : "n/a");
            r.put("weights_resident_as", lm.residentDtype().toString());
            r.put("load_seconds", loadSeconds);
            r.put("prompt_tokens", promptTokens);
            r.put("response_tokens", responseTokens);
            r.put("repeats", repeats);
            r.put("tokens_per_pass", chunk);
            r.put("passes_one_by_one", responseTokens);
            r.put("passes_batched", (responseTokens + chunk - 1) / chunk);
            r.put("one_by_one_s_per_token", tOne / responseTokens);
            r.put("batched_s_per_token", tBatched / responseTokens);
            r.put("speedup", tOne / tBatched);
            // the roofline: FLOPs per attributed token over the raw matmul rate on the backward pass's shape
            double rate = BenchCommand.matmulRate(lm, (int) Math.min(2048L, (long) chunk * (promptTokens + responseTokens)),
                    c.hiddenSize(), c.intermediateSize(), 3) * 1e9;
            double flopsBatched = Flops.batched(c, promptTokens, responseTokens, chunk) / responseTokens;
            double flopsOne = Flops.oneByOne(c, promptTokens, responseTokens) / responseTokens;
            r.put("matmul_gflops", rate / 1e9);
            r.put("gflop_per_token_one_by_one", flopsOne / 1e9);
            r.put("gflop_per_token_batched", flopsBatched / 1e9);
            r.put("matmul_share_one_by_one", flopsOne / (tOne / responseTokens) / rate);
            r.put("matmul_share_batched", flopsBatched / (tBatched / responseTokens) / rate);
            r.put("max_abs_diff_over_max", scale == 0 ? 0.0 : worst / scale);
            r.put("anon_rss_before_mib", cpu ? rssBefore : Double.NaN);
            r.put("peak_rss_one_by_one_mib", cpu ? peakOneByOne : Double.NaN);
            r.put("peak_rss_batched_mib", cpu ? peakBatched : Double.NaN);
            r.put("peak_ratio_batched_over_one_by_one", cpu && peakOneByOne > 1 ? peakBatched / peakOneByOne : Double.NaN);
            double estimate = attributor.workingBytes(promptTokens, responseTokens, chunk) / 1048576.0;
            r.put("estimated_working_mib", estimate);
            r.put("estimate_bounds_peak", cpu ? estimate >= peakBatched : "n/a");
            r.put("peak_rss_process_mib", cpu ? NativeMemory.peakRssMiB() : Double.NaN);
            r.put("retained_rss_mib", cpu ? rssAfter - rssBefore : Double.NaN);
            r.put("held_arrays_delta", heldBefore < 0 || heldAfter < 0 ? "n/a" : heldAfter - heldBefore);
        }
        BenchCommand.print(r, json, System.out, "speedup = one-by-one time / batched time (same prompt and response, same run); "
                + "matmul_share = the method's FLOPs per token (linear layers, attention, lm_head rows; forward and "
                + "activation-gradient passes) / its time / the raw matmul rate on [tokens·chunk, d_model]x[d_model, d_ff] "
                + "(same run, same threads); estimated_working_mib = GradientAttributor.workingBytes, which should bound "
                + "peak_rss_batched_mib; peak_rss_process_mib = VmHWM of the whole process (weights, mapped pages, JVM); "
                + "peak_rss_* = peak anonymous resident memory (sampled every ~1 ms; mapped checkpoint files excluded, JVM "
                + "heap included) above its settled level (after GC and malloc_trim) before that call; retained_rss = "
                + "settled anonymous RSS after all repeats minus before; held_arrays_delta = arrays left in "
                + "the model's manager");
        return 0;
    }

    /** How PyTorch's intra-op threads were set: DJL's system property, OMP_NUM_THREADS, or PyTorch's default. */
    static String threadsSetting() {
        String property = System.getProperty("ai.djl.pytorch.num_threads");
        if (property != null) {
            return "ai.djl.pytorch.num_threads=" + property;
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        return omp != null ? "OMP_NUM_THREADS=" + omp : "default (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    private record Measured(double seconds, double peakMiB, float[][] scores) {}

    /** Seconds, peak anonymous memory above the settled level before, and the result of one call. */
    private static Measured measure(java.util.function.Supplier<float[][]> work) {
        double base = NativeMemory.settledAnonMiB();
        float[][][] scores = new float[1][][];
        double[] seconds = new double[1];
        double peak = NativeMemory.peakAnonMiBDuring(() -> {
            long start = System.nanoTime();
            scores[0] = work.get();
            seconds[0] = BenchCommand.seconds(start);
        });
        return new Measured(seconds[0], peak - base, scores[0]);
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
