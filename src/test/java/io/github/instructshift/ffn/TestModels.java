package io.github.instructshift.ffn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.RopeConfig;
import io.github.instructshift.model.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** In-memory test doubles of the model interfaces: only what the FFN analysis reads is backed. */
final class TestModels {
    private TestModels() {}

    /** Weights from arrays: an lm_head {@code [vocab][d]} and per-layer down projections {@code [d_ff][d]}. */
    static ModelWeights weights(float[][] unembedding, List<float[][]> down) {
        int vocab = unembedding.length;
        int d = unembedding[0].length;
        int dff = down.isEmpty() ? 1 : down.get(0).length;
        ModelConfig config = new ModelConfig("llama", vocab, d, dff, down.size(), 1, 1, d, 1e-5, 64,
                RopeConfig.plain(1e4), 0, false, -1, Set.of());
        return new ModelWeights() {
            @Override public ModelConfig config() { return config; }
            @Override public NDArray embedding(NDManager m) { return create(m, unembedding); }
            @Override public NDArray unembedding(NDManager m) { return create(m, unembedding); }
            @Override public NDArray ffnDown(int layer, NDManager m) { return create(m, down.get(layer)); }
            @Override public NDArray attentionNorm(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray ffnNorm(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray finalNorm(NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray queryHeads(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray keyHeads(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray valueHeads(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray outputHeads(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray ffnGate(int l, NDManager m) { throw new UnsupportedOperationException(); }
            @Override public NDArray ffnUp(int l, NDManager m) { throw new UnsupportedOperationException(); }
        };
    }

    static NDArray create(NDManager m, float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return m.create(flat, new Shape(rows.length, rows[0].length));
    }

    /**
     * A SentencePiece-like tokenizer over a fixed piece list: {@code " word"} becomes the bare marker
     * {@code ▁} followed by the pieces named in {@code split} (or {@code ▁word} when that is a piece).
     */
    static TextTokenizer tokenizer(List<String> pieces, Map<String, List<String>> split) {
        return new TextTokenizer() {
            @Override
            public long[] encode(String text, boolean addSpecialTokens) {
                String word = text.strip();
                List<Long> ids = new ArrayList<>();
                ids.add((long) pieces.indexOf("\u2581"));
                List<String> parts = split.getOrDefault(word, List.of("\u2581" + word));
                for (String p : parts) {
                    int id = pieces.indexOf(p);
                    if (id >= 0) {
                        ids.add((long) id);
                    }
                }
                return ids.stream().mapToLong(Long::longValue).toArray();
            }
            @Override public List<String> tokens(String text, boolean add) { throw new UnsupportedOperationException(); }
            @Override public List<int[]> charSpans(String text, boolean add) { throw new UnsupportedOperationException(); }
            @Override public String decode(long[] ids) { throw new UnsupportedOperationException(); }
            @Override public String piece(long id) { return pieces.get((int) id); }
            @Override public int vocabSize() { return pieces.size(); }
        };
    }
}
