package io.github.instructshift.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.ModelConfig;
import io.github.instructshift.model.Tensors;

/**
 * The paper's raw attribution: for each response token y_m, the gradient of its probability
 * p(y_m | prompt, y_&lt;m) (softmax, not log) with respect to the prompt's input embeddings, times
 * those embeddings, summed over the hidden dimension; BOS row dropped.
 *
 * <p>Speed: instead of one forward and backward per response token, a chunk of response tokens is
 * attributed in one pass by stacking copies of the sequence in the batch, copy b carrying the
 * objective of token m_b; the objectives are summed, and since copies do not interact, each copy's
 * gradient is that of its own token. Each chunk is also cut after the last position it needs.
 */
public final class GradientAttributor {
    /** Default activation budget per chunk; a 7B model at 600 tokens then takes a few copies at a time. */
    public static final long DEFAULT_BUDGET_BYTES = 2L << 30;

    private final CausalLM lm;
    private final long budgetBytes;

    public GradientAttributor(CausalLM lm) {
        this(lm, DEFAULT_BUDGET_BYTES);
    }

    public GradientAttributor(CausalLM lm, long budgetBytes) {
        this.lm = lm;
        this.budgetBytes = budgetBytes;
    }

    /** Raw scores {@code [prompt tokens − 1, response tokens]} (BOS row dropped), chunk size chosen by memory. */
    public float[][] attribute(long[] promptIds, long[] responseIds) {
        return attribute(promptIds, responseIds, copiesPerPass(promptIds.length + responseIds.length));
    }

    /** As {@link #attribute(long[], long[])} with {@code copies} response tokens per backward pass. */
    public float[][] attribute(long[] promptIds, long[] responseIds, int copies) {
        return run(promptIds, responseIds, Math.max(1, copies), true);
    }

    /** The plain loop, one full-length forward and backward per response token: the benchmark's baseline. */
    public float[][] attributeOneByOne(long[] promptIds, long[] responseIds) {
        return run(promptIds, responseIds, 1, false);
    }

    private float[][] run(long[] prompt, long[] response, int copies, boolean truncate) {
        int p = prompt.length;
        int r = response.length;
        if (p < 2) {
            throw new IllegalArgumentException("the prompt needs at least one token after BOS to attribute to");
        }
        if (r == 0) {
            throw new IllegalArgumentException("empty response: there is nothing to attribute");
        }
        // the last response token is never an input, so the sequence ends one before it
        long[] sequence = new long[p + r - 1];
        System.arraycopy(prompt, 0, sequence, 0, p);
        System.arraycopy(response, 0, sequence, p, r - 1);
        float[][] scores = new float[p - 1][r];
        for (int first = 0; first < r; first += copies) {
            int count = Math.min(copies, r - first);
            int length = truncate ? p + first + count - 1 : sequence.length;
            try (NDManager scope = lm.manager().newSubManager()) {
                int from = first;
                float[] chunk = chunk(scope, sequence, length, p, response, from, count);
                for (int b = 0; b < count; b++) {
                    for (int n = 0; n < p - 1; n++) {
                        scores[n][from + b] = chunk[b * (p - 1) + n];
                    }
                }
            }
        }
        return scores;
    }

    /** Scores of response tokens first … first+count−1, row-major {@code [count, p − 1]}. */
    private float[] chunk(NDManager scope, long[] sequence, int length, int p, long[] response, int first, int count) {
        long[] ids = new long[count * length];
        float[] position = new float[count * length];             // one-hot: where copy b reads its token
        int vocab = lm.config().vocabSize();
        float[] target = new float[count * vocab];               // one-hot: which token copy b scores
        for (int b = 0; b < count; b++) {
            System.arraycopy(sequence, 0, ids, b * length, length);
            int m = first + b;
            position[b * length + p + m - 1] = 1f;
            target[b * vocab + (int) response[m]] = 1f;
        }
        NDArray embeddings = lm.embed(Tensors.of(scope, ids, new Shape(count, length)));
        NDArray positionMask = Tensors.of(scope, position, new Shape(count, length, 1));
        NDArray targetMask = Tensors.of(scope, target, new Shape(count, vocab));
        NDArray gradient = lm.hiddenGradient(embeddings, hidden -> {
            NDArray read = hidden.toType(DataType.FLOAT32, false).mul(positionMask).sum(new int[] {1});
            NDArray probs = lm.unembed(read.toType(lm.dtype(), false)).toType(DataType.FLOAT32, false).softmax(-1);
            return probs.mul(targetMask).sum();
        });
        NDIndex promptRows = new NDIndex(":, 1:{}, :", p);
        NDArray product = gradient.get(promptRows).toType(DataType.FLOAT32, false)
                .mul(embeddings.get(promptRows).toType(DataType.FLOAT32, false));
        return product.sum(new int[] {2}).toFloatArray();
    }

    /**
     * Copies that fit the activation budget: per copy and layer the backward pass keeps roughly
     * 12 d_model + 3 d_ff values per token plus the heads' T×T attention maps, in the compute dtype.
     * {@link #attribute(long[], long[])} uses this for a sequence of {@code tokens} (prompt + response).
     */
    public int copiesPerPass(int tokens) {
        ModelConfig c = lm.config();
        long bytes = lm.dtype() == DataType.FLOAT32 ? 4 : 2;
        long perCopy = (long) c.numLayers() * tokens
                * (12L * c.hiddenSize() + 3L * c.intermediateSize() + 2L * c.numHeads() * tokens) * bytes
;  // logits: one position per copy, negligible
        return (int) Math.max(1, Math.min(64, budgetBytes / Math.max(1, perCopy)));
    }
}
