package io.github.instructshift.heads;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark entry point for the head comparison (not a unit test): time per layer and the share
 * of it spent in matrix work, on a random base/tuned pair of any shape.
 *
 * <pre>
 * java -cp ... io.github.instructshift.heads.HeadsBenchmark LAYERS HEADS HEAD_DIM VOCAB WORDS [TOP_K]
 * # LLaMA-7B / Vicuna-7B shape with the ShareGPT word count: 32 32 128 32000 26000 100
 * </pre>
 * Relatedness uses the base model's embeddings (the default), so the similarity blocks are
 * d_model wide, the most expensive setting.
 */
public final class HeadsBenchmark {
    private HeadsBenchmark() {}

    /** What one run measured. */
    public record Result(List<LayerTiming> layers, double totalSeconds, double setupSeconds) {

        public double matrixShare() {
            double m = layers.stream().mapToDouble(LayerTiming::matrixSeconds).sum();
            double t = layers.stream().mapToDouble(LayerTiming::totalSeconds).sum();
            return t == 0 ? 0 : m / t;
        }

        public double meanLayerSeconds() {
            return layers.stream().mapToDouble(LayerTiming::totalSeconds).average().orElse(0);
        }
    }

    public static Result run(int layers, int heads, int headDim, int vocab, int words, int topK) {
        if (words > vocab) {
            throw new HeadsException("more words (" + words + ") than tokens (" + vocab + ")");
        }
        SyntheticModel base = new SyntheticModel(layers, heads, headDim, vocab, 1, 0f);
        SyntheticModel tuned = new SyntheticModel(layers, heads, headDim, vocab, 1, 0.05f);
        SyntheticModel.Tokenizer tok = new SyntheticModel.Tokenizer(vocab);
        List<LayerTiming> timings = new ArrayList<>();
        long t0 = System.nanoTime();
        HeadsAnalysis.compare(new HeadsAnalysis.Model("base", base, tok), new HeadsAnalysis.Model("tuned", tuned, tok),
                SyntheticModel.words(words), null, 0,
                new HeadsOptions(topK, 0, Math.min(3000, words), 2, 0), List.of(), timings::add);
        double total = (System.nanoTime() - t0) / 1e9;
        double inLayers = timings.stream().mapToDouble(LayerTiming::totalSeconds).sum();
        return new Result(timings, total, total - inLayers);
    }

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: HeadsBenchmark LAYERS HEADS HEAD_DIM VOCAB WORDS [TOP_K]   (7B: 32 32 128 32000 26000)");
            System.exit(2);
        }
        int[] a = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = Integer.parseInt(args[i]);
        }
        Result r = run(a[0], a[1], a[2], a[3], a[4], args.length > 5 ? a[5] : 100);
        for (LayerTiming t : r.layers()) {
            System.out.printf(Locale.ROOT, "layer %2d  load %6.2f s  matrix %6.2f s  java %6.2f s  matrix share %4.0f%%%n",
                    t.layer(), t.loadSeconds(), t.matrixSeconds(), t.javaSeconds(), 100 * t.matrixShare());
        }
        System.out.printf(Locale.ROOT, "setup %.1f s, %.2f s per layer (both models), total %.1f s, matrix share %.0f%%%n",
                r.setupSeconds(), r.meanLayerSeconds(), r.totalSeconds(), 100 * r.matrixShare());
    }
}
