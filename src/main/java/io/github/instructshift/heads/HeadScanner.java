package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.ModelWeights;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the word pairs of every head of one model, one layer at a time.
 *
 * <p>Held for the model's lifetime (in this object's own manager): the word embeddings
 * {@code [words, d_model]} and the vocabulary Gram matrix EᵀE {@code [d_model, d_model]}; the full
 * embedding matrix is dropped once both are made. Per layer: H_q = E_w·W_Q^h and H_k = E_w·W_K^h for all
 * heads at once ({@code [heads, words, d_head]}), the top-K words of every column by |H|, and for each
 * head one batched {@code [dims, K, K]} cosine block from which the relatedness, sign and
 * distinct-word conditions pick the pairs. Nothing of size words×words is ever formed.
 */
public final class HeadScanner implements AutoCloseable {

    private final ModelWeights weights;
    private final ModelConfig config;
    private final int topK;
    private final int topDims;
    private final NDManager manager;
    private final NDArray wordEmbeddings;
    private final NDArray gram;

    /**
     * @param topK    words per dimension on each side (the paper: 100)
     * @param topDims dimensions per head, highest energy first; 0 or ≥ d_head for all (the authors' code reads all)
     */
    public HeadScanner(ModelWeights weights, WordTokens tokens, int topK, int topDims, NDManager parent) {
        if (topK < 1) {
            throw new HeadsException("top-K must be at least 1, got " + topK);
        }
        this.weights = weights;
        this.config = weights.config();
        this.topK = topK;
        this.topDims = topDims <= 0 ? config.headDim() : Math.min(topDims, config.headDim());
        this.manager = parent.newSubManager();
        try {
            NDArray e = weights.embedding(manager);
            this.gram = FoldedHeads.gram(e);
            this.wordEmbeddings = tokens.embed(e, manager);
            e.close();
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
    }

    /** {@code [words, d_model]}: the mean sub-token input embedding of every word (owned by the scanner). */
    public NDArray wordEmbeddings() {
        return wordEmbeddings;
    }

    public ModelConfig config() {
        return config;
    }

    /** Every layer in turn; {@code onLayer} hears each layer's timing. */
    public List<HeadPairs> scanAll(Relatedness relatedness, Consumer<LayerTiming> onLayer) {
        List<HeadPairs> all = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            LayerTiming.Clock clock = new LayerTiming.Clock();
            try (NDManager sub = manager.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray q = FoldedHeads.queries(weights, layer, sub);
                NDArray k = FoldedHeads.keys(weights, layer, sub);
                clock.load += System.nanoTime() - t0;
                all.addAll(layer(layer, q, k, relatedness, clock));
            }
            onLayer.accept(clock.toTiming(layer));
        }
        return all;
    }

    /**
     * The pairs of every head of {@code layer}, from its folded {@code [heads, d_model, d_head]}
     * projections. All intermediates live in a sub-manager of {@code q}'s manager.
     */
    public List<HeadPairs> layer(int layer, NDArray q, NDArray k, Relatedness relatedness, LayerTiming.Clock clock) {
        if (relatedness.size() != wordEmbeddings.getShape().get(0)) {
            throw new IllegalArgumentException("relatedness covers " + relatedness.size() + " words, the scanner "
                    + wordEmbeddings.getShape().get(0));
        }
        int heads = (int) q.getShape().get(0);
        int dh = (int) q.getShape().get(2);
        int n = (int) wordEmbeddings.getShape().get(0);
        int kk = Math.min(topK, n);
        List<HeadPairs> out = new ArrayList<>(heads);
        try (NDManager sub = q.getManager().newSubManager()) {
            long t0 = System.nanoTime();
            wordEmbeddings.tempAttach(sub);   // so products land in sub, not in the scanner's manager
            gram.tempAttach(sub);
            float[] energy = FoldedHeads.energy(gram, q).add(FoldedHeads.energy(gram, k)).toFloatArray();
            NDArray hq = wordEmbeddings.matMul(q);                       // [heads, words, d_head]
            NDArray hk = wordEmbeddings.matMul(k);
            NDList topQ = hq.abs().topK(kk, 1, true, true);              // indices [heads, K, d_head]
            NDList topKeys = hk.abs().topK(kk, 1, true, true);
            NDArray idxQ = topQ.get(1);
            NDArray idxK = topKeys.get(1);
            NDArray signQ = hq.gather(idxQ, 1).sign();
            NDArray signK = hk.gather(idxK, 1).sign();
            hq.close();
            hk.close();
            clock.matrix += System.nanoTime() - t0;

            for (int h = 0; h < heads; h++) {
                long t1 = System.nanoTime();
                int[] dims = dimsByEnergy(energy, h, dh, topDims);
                float[] dimEnergy = new float[dims.length];
                long[] dimIdx = new long[dims.length];
                for (int r = 0; r < dims.length; r++) {
                    dimEnergy[r] = energy[h * dh + dims[r]];
                    dimIdx[r] = dims[r];
                }
                List<List<WordPair>> perDim;
                try (NDManager hm = sub.newSubManager()) {
                    NDArray pick = hm.create(dimIdx);
                    // [D, K]: top words of each chosen dimension, in energy order
                    NDArray wq = idxQ.get(hm, new NDIndex(h)).transpose().get(new NDIndex("{}", pick));
                    NDArray wk = idxK.get(hm, new NDIndex(h)).transpose().get(new NDIndex("{}", pick));
                    NDArray sq = signQ.get(hm, new NDIndex(h)).transpose().get(new NDIndex("{}", pick));
                    NDArray sk = signK.get(hm, new NDIndex(h)).transpose().get(new NDIndex("{}", pick));
                    int d = dims.length;
                    NDArray flatQ = wq.flatten();
                    NDArray flatK = wk.flatten();
                    NDArray unit = relatedness.unitVectors();
                    NDArray vq = unit.get(hm, new NDIndex("{}", flatQ)).reshape(d, kk, -1);
                    NDArray vk = unit.get(hm, new NDIndex("{}", flatK)).reshape(d, kk, -1);
                    NDArray sim = vq.batchMatMul(vk.transpose(0, 2, 1));        // [D, K(query), K(key)]
                    NDArray thr = relatedness.thresholdVector();
                    NDArray thrQ = thr.get(hm, new NDIndex("{}", flatQ)).reshape(d, kk, 1);
                    NDArray thrK = thr.get(hm, new NDIndex("{}", flatK)).reshape(d, 1, kk);
                    NDArray mask = sim.gt(thrQ)
                            .logicalAnd(sim.gt(thrK))
                            .logicalAnd(sim.gt(0f))
                            .logicalAnd(sq.reshape(d, kk, 1).mul(sk.reshape(d, 1, kk)).gt(0f))
                            .logicalAnd(wq.reshape(d, kk, 1).neq(wk.reshape(d, 1, kk)));
                    long[] hits = mask.nonzero().toLongArray();               // [m, 3]: dim, query, key
                    float[] scores = sim.toFloatArray();
                    long[] qWords = wq.toLongArray();
                    long[] kWords = wk.toLongArray();
                    long t2 = System.nanoTime();
                    clock.matrix += t2 - t1;

                    perDim = new ArrayList<>(d);
                    for (int r = 0; r < d; r++) {
                        perDim.add(new ArrayList<>());
                    }
                    for (int m = 0; m + 2 < hits.length; m += 3) {
                        int r = (int) hits[m];
                        int i = (int) hits[m + 1];
                        int j = (int) hits[m + 2];
                        perDim.get(r).add(new WordPair((int) kWords[r * kk + j], (int) qWords[r * kk + i],
                                scores[(r * kk + i) * kk + j]));
                    }
                    Comparator<WordPair> byScore = Comparator.comparingDouble(WordPair::score).reversed();
                    for (List<WordPair> list : perDim) {
                        list.sort(byScore.thenComparingInt(WordPair::key).thenComparingInt(WordPair::query));
                    }
                    clock.java += System.nanoTime() - t2;
                }
                out.add(new HeadPairs(layer, h, dims, dimEnergy, perDim));
            }
        }
        return out;
    }

    /** Dimensions of head {@code h}, highest energy first (ties by index), the first {@code limit}. */
    static int[] dimsByEnergy(float[] energy, int h, int dh, int limit) {
        Integer[] order = new Integer[dh];
        for (int i = 0; i < dh; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Float.compare(energy[h * dh + b], energy[h * dh + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] dims = new int[Math.min(limit, dh)];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = order[i];
        }
        return dims;
    }

    @Override
    public void close() {
        manager.close();
    }
}
