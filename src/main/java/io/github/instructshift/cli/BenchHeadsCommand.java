package io.github.instructshift.cli;

import io.github.instructshift.heads.HeadsBenchmark;
import io.github.instructshift.heads.LayerTiming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instruct-shift bench heads}: the head comparison of Finding 2 ({@link HeadsBenchmark}) on a random
 * base/tuned pair of any shape, one 7B-shaped layer by default: seconds per layer (both models) and the
 * share of it spent in matrix work, i.e. the matrix kernels against the whole in the same run.
 */
@Command(name = "heads", mixinStandardHelpOptions = true,
        description = "Time the attention-head comparison on a random model pair (default: one LLaMA-7B-shaped layer).")
public final class BenchHeadsCommand implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "1", description = "layers (default ${DEFAULT-VALUE}; LLaMA-7B has 32)")
    int layers;

    @Option(names = "--heads", defaultValue = "32", description = "heads per layer (default ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--head-dim", defaultValue = "128", description = "d_head (default ${DEFAULT-VALUE})")
    int headDim;

    @Option(names = "--vocab", defaultValue = "32000", description = "vocabulary size (default ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--words", defaultValue = "26000", description = "word list size (default ${DEFAULT-VALUE}: ShareGPT's)")
    int words;

    @Option(names = "--top-k", defaultValue = "100", description = "words per dimension and side (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (layers < 1 || heads < 1 || headDim < 2 || vocab < 2 || words < 1 || topK < 1) {
            throw new IllegalArgumentException("every size must be positive (--head-dim >= 2, --vocab >= 2)");
        }
        HeadsBenchmark.Result res = HeadsBenchmark.run(layers, heads, headDim, vocab, words, topK);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("shape", String.format(Locale.ROOT, "%d layers x %d heads x d_head %d, vocab %d", layers, heads, headDim, vocab));
        r.put("words", words);
        r.put("top_k", topK);
        r.put("setup_seconds", res.setupSeconds());
        r.put("seconds_per_layer", res.meanLayerSeconds());
        r.put("total_seconds", res.totalSeconds());
        r.put("matrix_share", res.matrixShare());
        List<Map<String, Object>> perLayer = new ArrayList<>();
        for (LayerTiming t : res.layers()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("layer", t.layer());
            l.put("load_seconds", t.loadSeconds());
            l.put("matrix_seconds", t.matrixSeconds());
            l.put("java_seconds", t.javaSeconds());
            perLayer.add(l);
        }
        if (json) {
            r.put("layers", perLayer);
        }
        BenchCommand.print(r, json, System.out, null);
        if (!json) {
            for (LayerTiming t : res.layers()) {
                System.out.printf(Locale.ROOT, "layer %2d: load %.3f s, matrix %.3f s, java %.3f s (matrix share %.0f%%)%n",
                        t.layer(), t.loadSeconds(), t.matrixSeconds(), t.javaSeconds(), 100 * t.matrixShare());
            }
            System.out.println("seconds_per_layer covers both models; matrix_share = matrix-kernel time / layer time (same run)");
        }
        return 0;
    }
}
