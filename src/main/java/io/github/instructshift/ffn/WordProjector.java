package io.github.instructshift.ffn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Describes components by words: a word's vector is the mean of the output-embedding (lm_head) rows of
 * its sub-tokens, L2-normalised, and a component's words are those with the largest |cosine| to it,
 * as in the paper. The word matrix is built once per model and held in this object's own manager
 * (close it to free it); per-layer scoring works in short-lived sub-managers.
 */
public final class WordProjector implements AutoCloseable {
    private static final int CHUNK = 2048;

    /** A word and its |cosine| with a component. */
    public record ScoredWord(String word, double score) {}

    private final NDManager manager;
    private final NDArray wordMatrix; // [words, d_model], unit rows
    private final List<String> words;
    private final List<String> dropped;
    private final String source;

    private WordProjector(NDManager manager, NDArray wordMatrix, List<String> words, List<String> dropped, String source) {
        this.manager = manager;
        this.wordMatrix = wordMatrix;
        this.words = List.copyOf(words);
        this.dropped = List.copyOf(dropped);
        this.source = source;
    }

    /**
     * Sub-token ids of {@code word} as the authors form them: the tokenisation of {@code " " + word}
     * without a leading piece that is only the word marker.
     */
    static long[] subTokens(TextTokenizer tokenizer, String word) {
        long[] ids = tokenizer.encode(" " + word, false);
        if (ids.length > 0 && isBareMarker(tokenizer.piece(ids[0]))) {
            long[] rest = new long[ids.length - 1];
            System.arraycopy(ids, 1, rest, 0, rest.length);
            return rest;
        }
        return ids;
    }

    private static boolean isBareMarker(String piece) {
        return piece != null && !piece.isEmpty()
                && piece.chars().allMatch(c -> c == '\u2581' || c == '\u0120' || c == ' ');
    }

    /** Builds the unit word vectors of {@code vocabulary} from {@code weights}' lm_head. */
    public static WordProjector build(ModelWeights weights, TextTokenizer tokenizer, Vocabulary vocabulary, NDManager parent) {
        NDManager own = parent.newSubManager();
        try {
            List<String> kept = new ArrayList<>();
            List<long[]> ids = new ArrayList<>();
            List<String> dropped = new ArrayList<>();
            for (String w : vocabulary.words()) {
                long[] t = subTokens(tokenizer, w);
                if (t.length == 0) {
                    dropped.add(w);
                } else {
                    kept.add(w);
                    ids.add(t);
                }
            }
            if (kept.isEmpty()) {
                throw new FfnException("none of the " + vocabulary.words().size() + " words of " + vocabulary.source()
                        + " tokenizes to any token");
            }
            NDArray matrix;
            try (NDManager work = own.newSubManager()) {
                NDArray e = weights.unembedding(work).toType(DataType.FLOAT32, false);
                long rows = e.getShape().get(0);
                int d = Math.toIntExact(e.getShape().get(1));
                NDList chunks = new NDList();
                for (int start = 0; start < kept.size(); start += CHUNK) {
                    int end = Math.min(kept.size(), start + CHUNK);
                    // each chunk's gathers and running sums die with its own manager: kept in `work`, they held
                    // several copies of [words, d_model] at once (a 7B pair with 26,000 words hit 24 GB here)
                    try (NDManager chunk = work.newSubManager()) {
                    int maxLen = 0;
                    for (int i = start; i < end; i++) {
                        maxLen = Math.max(maxLen, ids.get(i).length);
                    }
                    NDArray sum = chunk.zeros(new Shape(end - start, d));
                    float[] counts = new float[end - start];
                    for (int pos = 0; pos < maxLen; pos++) {
                        long[] col = new long[end - start];
                        float[] mask = new float[end - start];
                        for (int i = start; i < end; i++) {
                            long[] t = ids.get(i);
                            if (pos < t.length) {
                                if (t[pos] < 0 || t[pos] >= rows) {
                                    throw new FfnException("word '" + kept.get(i) + "' has token id " + t[pos]
                                            + " outside the " + rows + " rows of lm_head (tokenizer and checkpoint disagree)");
                                }
                                col[i - start] = t[pos];
                                mask[i - start] = 1f;
                                counts[i - start]++;
                            }
                        }
                        NDArray gathered = e.get(new NDIndex("{}", chunk.create(col)));
                        gathered.attach(chunk);
                        sum = sum.add(gathered.mul(chunk.create(mask).reshape(end - start, 1)));
                    }
                    NDArray mean = sum.div(chunk.create(counts).reshape(end - start, 1));
                    NDArray norm = mean.norm(new int[] {1}, true).maximum(1e-12f);
                    NDArray unit = mean.div(norm);
                    unit.attach(work);
                    chunks.add(unit);
                    }
                }
                matrix = NDArrays_concat(chunks);
                matrix.attach(own);
            }
            return new WordProjector(own, matrix, kept, dropped, vocabulary.source());
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    private static NDArray NDArrays_concat(NDList chunks) {
        return chunks.size() == 1 ? chunks.get(0) : ai.djl.ndarray.NDArrays.concat(chunks, 0);
    }

    public List<String> words() {
        return words;
    }

    /** Words of the vocabulary that tokenized to nothing and so cannot describe anything. */
    public List<String> dropped() {
        return dropped;
    }

    public String source() {
        return source;
    }

    /** The {@code k} words of largest |cosine| with each unit row of {@code components}, best first. */
    public List<List<ScoredWord>> topWords(double[][] components, int k) {
        if (components.length == 0) {
            return List.of();
        }
        int d = Math.toIntExact(wordMatrix.getShape().get(1));
        if (components[0].length != d) {
            throw new FfnException("components have " + components[0].length + " entries but the word vectors have " + d);
        }
        int kk = Math.min(k, words.size());
        List<List<ScoredWord>> out = new ArrayList<>();
        try (NDManager sub = manager.newSubManager()) {
            float[] flat = new float[components.length * d];
            for (int i = 0; i < components.length; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = (float) components[i][j];
                }
            }
            NDArray c = sub.create(flat, new Shape(components.length, d));
            NDArray scores = c.matMul(wordMatrix.transpose()).abs();
            NDList top = scores.topK(kk, 1, true, true);
            float[] values = top.get(0).toType(DataType.FLOAT32, false).toFloatArray();
            long[] index = top.get(1).toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < components.length; i++) {
                List<ScoredWord> row = new ArrayList<>(kk);
                for (int j = 0; j < kk; j++) {
                    row.add(new ScoredWord(words.get((int) index[i * kk + j]), values[i * kk + j]));
                }
                out.add(List.copyOf(row));
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
