package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.TextTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The head analysis end to end: base vs tuned, streamed layer by layer.
 *
 * <pre>{@code
 * HeadsReport r = HeadsAnalysis.compare(new Model("llama", w1, t1), new Model("vicuna", w2, t2),
 *         WordFrequencies.read(tsv), null, 0, HeadsOptions.paper(), Verbs.general(...), timing -> {});
 * r.groupTable(); r.topPairs(true, 3, 7, 20); r.verbChanges("write"); r.headChangeTable();
 * }</pre>
 */
public final class HeadsAnalysis {
    private HeadsAnalysis() {}

    /** A model opened for the analysis. */
    public record Model(String name, ModelWeights weights, TextTokenizer tokenizer) {
    }

    /**
     * Compares the heads of two models of the same shape.
     *
     * @param vectorFile   GloVe/word2vec text file for the relatedness test, or null to use the base
     *                     model's own word embeddings (said so in the report's notes)
     * @param vectorDim    expected dimension of {@code vectorFile}, 0 for any
     * @param generalVerbs the general-verb baseline (see {@link Verbs#general})
     * @param onLayer      hears each layer's timing as it finishes (progress, benchmarks)
     */
    public static HeadsReport compare(Model base, Model tuned, WordFrequencies vocabulary, Path vectorFile, int vectorDim,
                                      HeadsOptions options, List<String> generalVerbs,
                                      Consumer<LayerTiming> onLayer) {
        ModelConfig cb = base.weights().config();
        ModelConfig ct = tuned.weights().config();
        checkSameShape(base.name(), cb, tuned.name(), ct);
        List<String> notes = new ArrayList<>();
        if (cb.vocabSize() != ct.vocabSize()) {
            notes.add("token vocabularies differ (" + base.name() + " " + cb.vocabSize() + ", " + tuned.name() + " "
                    + ct.vocabSize() + "): each model embeds the words with its own tokenizer; only words both can"
                    + " represent are compared");
        }
        List<WordTokens> tokens = new ArrayList<>();
        WordFrequencies words = shared(vocabulary, List.of(base, tuned), notes, tokens);
        WordTokens baseTokens = tokens.get(0);
        WordTokens tunedTokens = tokens.get(1);

        List<HeadPairs> basePairs = new ArrayList<>();
        List<HeadPairs> tunedPairs = new ArrayList<>();
        List<HeadKnowledge> baseKnow = new ArrayList<>();
        List<HeadKnowledge> tunedKnow = new ArrayList<>();
        List<HeadChange> changes = new ArrayList<>();
        List<LayerTiming> timings = new ArrayList<>();
        String relatednessSource;
        try (NDManager root = NDManager.newBaseManager();
             HeadScanner bs = new HeadScanner(base.weights(), baseTokens, options.topK(), options.topDims(), root);
             HeadScanner ts = new HeadScanner(tuned.weights(), tunedTokens, options.topK(), options.topDims(), root);
             Relatedness rel = relatedness(words, vectorFile, vectorDim, options, bs.wordEmbeddings(), base.name(),
                     notes, root)) {
            relatednessSource = rel.description();
            for (int layer = 0; layer < cb.numLayers(); layer++) {
                LayerTiming.Clock clock = new LayerTiming.Clock();
                try (NDManager sub = root.newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray qb = FoldedHeads.queries(base.weights(), layer, sub);
                    NDArray kb = FoldedHeads.keys(base.weights(), layer, sub);
                    NDArray qt = FoldedHeads.queries(tuned.weights(), layer, sub);
                    NDArray kt = FoldedHeads.keys(tuned.weights(), layer, sub);
                    long t1 = System.nanoTime();
                    clock.load += t1 - t0;
                    changes.addAll(HeadChange.ofLayer(layer, qb, kb, qt, kt));
                    clock.matrix += System.nanoTime() - t1;
                    List<HeadPairs> lb = bs.layer(layer, qb, kb, rel, clock);
                    List<HeadPairs> lt = ts.layer(layer, qt, kt, rel, clock);
                    long t2 = System.nanoTime();
                    basePairs.addAll(lb);
                    tunedPairs.addAll(lt);
                    for (HeadPairs hp : lb) {
                        baseKnow.add(HeadKnowledge.of(hp, words.words(), options.minDims()));
                    }
                    for (HeadPairs hp : lt) {
                        tunedKnow.add(HeadKnowledge.of(hp, words.words(), options.minDims()));
                    }
                    clock.java += System.nanoTime() - t2;
                }
                LayerTiming timing = clock.toTiming(layer);
                timings.add(timing);
                onLayer.accept(timing);
            }
        }
        List<VerbShift.GroupShare> groups = VerbShift.compare(baseKnow, tunedKnow, cb.numLayers(),
                Verbs.INSTRUCTION, generalVerbs);
        return new HeadsReport(base.name(), tuned.name(), words, relatednessSource, notes, basePairs, tunedPairs,
                baseKnow, tunedKnow, changes, groups, generalVerbs, timings);
    }

    /**
     * The pairs of every head of a single model (no comparison): for browsing one model and for the
     * benchmark. Relatedness as in {@link #compare}.
     */
    public static List<HeadPairs> scan(Model model, WordFrequencies vocabulary, Path vectorFile, int vectorDim,
                                       HeadsOptions options, List<String> notes, Consumer<LayerTiming> onLayer) {
        List<WordTokens> perModel = new ArrayList<>();
        WordFrequencies words = shared(vocabulary, List.of(model), notes, perModel);
        WordTokens tokens = perModel.get(0);
        try (NDManager root = NDManager.newBaseManager();
             HeadScanner s = new HeadScanner(model.weights(), tokens, options.topK(), options.topDims(), root);
             Relatedness rel = relatedness(words, vectorFile, vectorDim, options, s.wordEmbeddings(), model.name(),
                     notes, root)) {
            return s.scanAll(rel, onLayer);
        }
    }

    /**
     * The vocabulary restricted to words every model's tokenizer can represent; the drop is noted and
     * each model's tokens of the kept words are added to {@code tokensOut}.
     */
    static WordFrequencies shared(WordFrequencies vocabulary, List<Model> models, List<String> notes,
                             List<WordTokens> tokensOut) {
        boolean[] keep = new boolean[vocabulary.size()];
        java.util.Arrays.fill(keep, true);
        List<WordTokens> all = new ArrayList<>();
        for (Model m : models) {
            WordTokens t = WordTokens.of(m.tokenizer(), vocabulary.words());
            all.add(t);
            List<String> dropped = new ArrayList<>();
            for (int i = 0; i < keep.length; i++) {
                if (!t.usable(i)) {
                    if (keep[i] && dropped.size() < 5) {
                        dropped.add(vocabulary.words().get(i));
                    }
                    keep[i] = false;
                }
            }
            int n = 0;
            for (int i = 0; i < keep.length; i++) {
                if (!t.usable(i)) {
                    n++;
                }
            }
            if (n > 0) {
                notes.add(n + " words cannot be tokenized by " + m.name() + " (unknown pieces), left out; e.g. "
                        + dropped);
            }
        }
        WordFrequencies v = vocabulary.restrict(keep, "representable by every model");
        if (v.size() < 2) {
            throw new HeadsException("fewer than two words of " + vocabulary.source()
                    + " can be tokenized by every model");
        }
        for (WordTokens t : all) {
            tokensOut.add(t.restrict(keep));
        }
        return v;
    }

    static Relatedness relatedness(WordFrequencies words, Path vectorFile, int vectorDim, HeadsOptions options,
                                   NDArray baseEmbeddings, String baseName, List<String> notes, NDManager root) {
        if (vectorFile == null) {
            notes.add("relatedness from " + baseName + "'s own input embeddings (no word-vector file given;"
                    + " the paper used GloVe 840B)");
            return Relatedness.of(baseEmbeddings, options.baselineWords(),
                    baseName + " input embeddings (mean of sub-token rows)", root);
        }
        WordVectorFile file = WordVectorFile.read(vectorFile, new HashSet<>(words.words()), vectorDim);
        float[][] vectors = file.lookup(words.words());
        int missing = 0;
        for (float[] v : vectors) {
            if (v == null) {
                missing++;
            }
        }
        notes.add("relatedness from " + file.source() + ": " + (words.size() - missing) + " of " + words.size()
                + " words have a vector; the others are never related to anything");
        return Relatedness.of(vectors, options.baselineWords(), file.source(), root);
    }

    static void checkSameShape(String a, ModelConfig ca, String b, ModelConfig cb) {
        List<String> diffs = new ArrayList<>();
        if (ca.numLayers() != cb.numLayers()) {
            diffs.add("layers " + ca.numLayers() + " vs " + cb.numLayers());
        }
        if (ca.numHeads() != cb.numHeads()) {
            diffs.add("query heads " + ca.numHeads() + " vs " + cb.numHeads());
        }
        if (ca.hiddenSize() != cb.hiddenSize()) {
            diffs.add("hidden size " + ca.hiddenSize() + " vs " + cb.hiddenSize());
        }
        if (ca.headDim() != cb.headDim()) {
            diffs.add("head dim " + ca.headDim() + " vs " + cb.headDim());
        }
        if (!diffs.isEmpty()) {
            throw new HeadsException(a + " and " + b + " are not the same architecture (" + String.join(", ", diffs)
                    + "): heads can only be compared one to one between a base model and its own tuned version");
        }
    }
}
