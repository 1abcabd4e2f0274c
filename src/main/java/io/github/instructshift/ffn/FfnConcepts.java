package io.github.instructshift.ffn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FFN concept pipeline of one model: per layer, PCA of the value vectors and the top words of
 * each component; then labelling of the components over several seeded runs. Each layer's weights
 * live in their own sub-manager that is closed before the next layer, so memory stays flat.
 */
public final class FfnConcepts {
    private static final Logger LOG = LoggerFactory.getLogger(FfnConcepts.class);

    private FfnConcepts() {}

    /**
     * @param components R, the top components kept per layer (the paper: 300)
     * @param topWords   words kept per component (the paper: 50)
     * @param shownWords of which the first are shown to the labeller (the paper: 15)
     */
    public record Options(int components, int topWords, int shownWords, PcaOptions pca) {
        public Options {
            if (components < 1 || topWords < 1 || shownWords < 1 || shownWords > topWords) {
                throw new FfnException("need components >= 1 and 1 <= shownWords <= topWords, got " + components + ", "
                        + shownWords + ", " + topWords);
            }
        }

        public static Options paper() {
            return new Options(300, 50, 15, PcaOptions.defaults());
        }
    }

    /** A component with its explained-variance ratio and top words, best first. */
    public record ComponentWords(String model, int layer, int rank, double explained, List<WordProjector.ScoredWord> words) {
        public List<String> wordList() {
            return words.stream().map(WordProjector.ScoredWord::word).toList();
        }

        public List<String> shown(int n) {
            return wordList().subList(0, Math.min(n, words.size()));
        }
    }

    /** One model's layers and components. */
    public record ModelConcepts(String model, List<LayerPca> layers, List<ComponentWords> components,
                                String vocabularySource, List<String> droppedWords) {
        public List<ComponentWords> layer(int layer) {
            return components.stream().filter(c -> c.layer() == layer).toList();
        }
    }

    public static ModelConcepts analyse(String model, ModelWeights weights, TextTokenizer tokenizer, VocabularySource vocabulary,
                                        Options options, NDManager parent) {
        return analyse(model, weights, tokenizer, vocabulary, options, parent, layer -> { });
    }

    /** As {@link #analyse(String, ModelWeights, TextTokenizer, VocabularySource, Options, NDManager)}; {@code onLayer} hears each layer as it is done (progress). */
    public static ModelConcepts analyse(String model, ModelWeights weights, TextTokenizer tokenizer, VocabularySource vocabulary,
                                        Options options, NDManager parent, Consumer<LayerPca> onLayer) {
        Vocabulary vocab = vocabulary.load(tokenizer);
        int layers = weights.config().numLayers();
        List<LayerPca> pcas = new ArrayList<>();
        List<ComponentWords> comps = new ArrayList<>();
        try (WordProjector projector = WordProjector.build(weights, tokenizer, vocab, parent)) {
            if (!projector.dropped().isEmpty()) {
                LOG.warn("{}: {} vocabulary words tokenize to nothing and are left out", model, projector.dropped().size());
            }
            for (int layer = 0; layer < layers; layer++) {
                LayerPca pca;
                try (NDManager layerManager = parent.newSubManager()) {
                    NDArray down = weights.ffnDown(layer, layerManager);
                    pca = FfnPca.decompose(down, layer, options.components(), options.pca());
                }
                List<List<WordProjector.ScoredWord>> words = projector.topWords(pca.components(), options.topWords());
                for (int i = 0; i < pca.size(); i++) {
                    comps.add(new ComponentWords(model, layer, i + 1, pca.explained()[i], words.get(i)));
                }
                pcas.add(pca);
                LOG.info("{}: layer {}/{} decomposed ({})", model, layer + 1, layers, pca.method());
                onLayer.accept(pca);
            }
            return new ModelConcepts(model, List.copyOf(pcas), List.copyOf(comps), projector.source(), projector.dropped());
        }
    }

    /**
     * Labels every component in every seeded run, {@code parallelism} requests at a time. A
     * labeller's failure on one component is an UNLABELLED record; only an {@link FfnException}
     * (a misconfigured endpoint) or a {@link LabellingFailure} (an endpoint failing request after
     * request) stops the run.
     */
    public static List<LabelRecord> label(List<ComponentWords> components, ConceptLabeller labeller, long[] seeds,
                                          int shownWords, int parallelism) {
        return label(components, labeller, seeds, shownWords, parallelism, r -> { });
    }

    /** As {@link #label(List, ConceptLabeller, long[], int, int)}; {@code onLabel} hears each label in order as it is collected (progress). */
    public static List<LabelRecord> label(List<ComponentWords> components, ConceptLabeller labeller, long[] seeds,
                                          int shownWords, int parallelism, Consumer<LabelRecord> onLabel) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism));
        try {
            List<Future<LabelRecord>> futures = new ArrayList<>();
            for (long seed : seeds) {
                for (ComponentWords c : components) {
                    futures.add(pool.submit(() -> {
                        ConceptLabel l;
                        try {
                            l = labeller.label(c.shown(shownWords), seed);
                        } catch (FfnException | LabellingFailure e) {
                            throw e;
                        } catch (RuntimeException e) {
                            l = ConceptLabel.unlabelled(labeller.name(), labeller.model(), seed, "labeller error: " + e);
                        }
                        return new LabelRecord(c.model(), c.layer(), c.rank(), l);
                    }));
                }
            }
            List<LabelRecord> out = new ArrayList<>(futures.size());
            for (Future<LabelRecord> f : futures) {
                try {
                    LabelRecord r = f.get();
                    out.add(r);
                    onLabel.accept(r);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof FfnException fe) {
                        throw fe;
                    }
                    if (e.getCause() instanceof LabellingFailure lf) {
                        throw lf;
                    }
                    throw new FfnException("labelling failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FfnException("labelling interrupted", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
