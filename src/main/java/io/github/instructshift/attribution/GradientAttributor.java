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
 * <p>Speed: the gradient is linear in the cotangent on the model's output, so one forward pass serves
 * a whole chunk of response tokens ({@link CausalLM#inputGradients}): the cotangent of token m is
 * ∂p(y_m)/∂h at its reading position, zero elsewhere, and all of a chunk's cotangents are pulled back
 * together as one batch of activation gradients. Because attention is causal, each chunk is cut after the last position it reads; the
 * chunk size trades that cut against the forward pass every chunk repeats.
 */
public final class GradientAttributor {
    /** Default working-memory budget per chunk: its cotangents and the layers' inputs. */
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

    /** Raw scores {@code [prompt tokens − 1, response tokens]} (BOS row dropped), chunk size chosen by cost and memory. */
    public float[][] attribute(long[] promptIds, long[] responseIds) {
        return attribute(promptIds, responseIds, tokensPerPass(promptIds.length, responseIds.length));
    }

    /** As {@link #attribute(long[], long[])} with {@code tokens} response tokens per forward pass. */
    public float[][] attribute(long[] promptIds, long[] responseIds, int tokens) {
        check(promptIds, responseIds);
        int p = promptIds.length;
        int r = responseIds.length;
        long[] sequence = sequence(promptIds, responseIds);
        int per = Math.max(1, tokens);
        float[][] scores = new float[p - 1][r];
        for (int first = 0; first < r; first += per) {
            int count = Math.min(per, r - first);
            try (NDManager scope = lm.manager().newSubManager()) {
                float[] chunk = chunk(scope, sequence, p, responseIds, first, count);
                for (int b = 0; b < count; b++) {
                    for (int n = 0; n < p - 1; n++) {
                        scores[n][first + b] = chunk[b * (p - 1) + n];
                    }
                }
            }
        }
        return scores;
    }

    /**
     * The authors' method and the benchmarks' baseline: per response token, one full-length forward pass
     * and one backward pass of p(y_m), parameters frozen.
     */
    public float[][] attributeOneByOne(long[] promptIds, long[] responseIds) {
        check(promptIds, responseIds);
        int p = promptIds.length;
        int r = responseIds.length;
        long[] sequence = sequence(promptIds, responseIds);
        if (lm.residentDtype() != lm.dtype()) {
            // an autograd graph over all layers would keep every widened layer alive (a 7B model in float32);
            // the layer-by-layer VJP at full length, one token per pass, is the same method within one layer's memory
            float[][] scores = new float[p - 1][r];
            for (int m = 0; m < r; m++) {
                try (NDManager scope = lm.manager().newSubManager()) {
                    float[] row = chunk(scope, sequence, p, responseIds, m, 1, sequence.length);
                    for (int n = 0; n < p - 1; n++) {
                        scores[n][m] = row[n];
                    }
                }
            }
            return scores;
        }
        int vocab = lm.config().vocabSize();
        float[][] scores = new float[p - 1][r];
        for (int m = 0; m < r; m++) {
            try (NDManager scope = lm.manager().newSubManager()) {
                int read = p + m - 1;                          // the position whose output predicts y_m
                int token = (int) responseIds[m];
                NDArray embeddings = lm.embed(Tensors.of(scope, sequence, new Shape(1, sequence.length)));
                NDArray gradient = lm.hiddenGradient(embeddings, hidden -> {
                    NDArray row = hidden.get(new NDIndex("0, {}:{}", read, read + 1));
                    NDArray probs = lm.unembed(row).toType(DataType.FLOAT32, false).softmax(-1);
                    return probs.get(new NDIndex("0, {}:{}", token, token + 1)).sum();
                });
                float[] row = promptScores(gradient, embeddings, p).toFloatArray();
                for (int n = 0; n < p - 1; n++) {
                    scores[n][m] = row[n];
                }
            }
        }
        return scores;
    }

    private static void check(long[] prompt, long[] response) {
        if (prompt.length < 2) {
            throw new IllegalArgumentException("the prompt needs at least one token after BOS to attribute to");
        }
        if (response.length == 0) {
            throw new IllegalArgumentException("empty response: there is nothing to attribute");
        }
    }

    /** Prompt and response without the last response token, which is never an input. */
    private static long[] sequence(long[] prompt, long[] response) {
        long[] sequence = new long[prompt.length + response.length - 1];
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        System.arraycopy(response, 0, sequence, prompt.length, response.length - 1);
        return sequence;
    }

    /** Scores of response tokens first … first+count−1, row-major {@code [count, p − 1]}. */
    private float[] chunk(NDManager scope, long[] sequence, int p, long[] response, int first, int count) {
        return chunk(scope, sequence, p, response, first, count, p + first + count - 1);  // cut after its last read
    }

    private float[] chunk(NDManager scope, long[] sequence, int p, long[] response, int first, int count, int length) {
        int firstRead = p + first - 1;
        int vocab = lm.config().vocabSize();
        long[] ids = java.util.Arrays.copyOf(sequence, length);
        float[] target = new float[count * vocab];           // one-hot: which token row b scores
        float[] position = new float[count * length];        // one-hot: where row b reads it
        for (int b = 0; b < count; b++) {
            target[b * vocab + (int) response[first + b]] = 1f;
            position[b * length + firstRead + b] = 1f;
        }
        NDArray embeddings = lm.embed(Tensors.of(scope, ids, new Shape(1, length)));
        NDArray targetMask = Tensors.of(scope, target, new Shape(count, vocab));
        NDArray positionMask = Tensors.of(scope, position, new Shape(count, length, 1));
        NDArray gradients = lm.inputGradients(embeddings, hidden -> {
            NDArray rows = hidden.get(new NDIndex("0, {}:{}", firstRead, firstRead + count));   // [count, d]
            NDArray perRow = probabilityGradient(rows, targetMask);                            // ∂p(y_b)/∂h_b
            return perRow.expandDims(1).mul(positionMask);                                     // [count, length, d]
        });
        return promptScores(gradients, embeddings, p).toFloatArray();
    }

    /** ∂p(y_b)/∂h_b for each row b of final hidden states {@code [count, d]}: rows do not interact, so one backward. */
    private NDArray probabilityGradient(NDArray rows, NDArray targetMask) {
        NDArray gradient = lm.unembedGradient(rows,
                logits -> logits.toType(DataType.FLOAT32, false).softmax(-1).mul(targetMask).sum());
        return gradient.getDataType() == DataType.FLOAT32 ? gradient : gradient.toType(DataType.FLOAT32, false);
    }

    /** Σ_d gradient × embedding over the prompt rows after BOS: {@code [batch, p − 1]}. */
    private static NDArray promptScores(NDArray gradient, NDArray embeddings, int p) {
        NDIndex promptRows = new NDIndex(":, 1:{}, :", p);
        return gradient.get(promptRows).toType(DataType.FLOAT32, false)
                .mul(embeddings.get(promptRows).toType(DataType.FLOAT32, false))
                .sum(new int[] {2});
    }

    /**
     * Response tokens per forward pass for a prompt of {@code p} and a response of {@code r} tokens.
     * A chunk of c tokens read up to position ℓ costs about (2 + c)·ℓ layer-token passes (a forward pass
     * without a graph, each layer run again for its VJP, then c cotangents pulled back as one batch);
     * small chunks are cut shorter, large ones repeat the two forward passes less often. The count that
     * minimises the total is taken, as long as {@link #workingBytes} stays within the budget.
     */
    public int tokensPerPass(int p, int r) {
        int best = 1;
        long bestCost = Long.MAX_VALUE;
        for (int count = 1; count <= r && (count == 1 || workingBytes(p, r, count) <= budgetBytes); count++) {
            long cost = 0;
            for (int first = 0; first < r; first += count) {
                int n = Math.min(count, r - first);
                cost += (2L + n) * (p + first + n - 1);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = count;
            }
        }
        return best;
    }

    /**
     * An upper estimate of the memory {@link #attribute(long[], long[], int)} needs beyond the loaded
     * model with {@code count} tokens per pass: every layer's input; one layer's forward activations; per
     * cotangent, what a layer's VJP holds at its peak (its cotangent, two d_ff-wide and about ten
     * d_model-wide gradients, three attention maps, in float32); the unembedding of the read rows; and,
     * with float16-resident weights, one layer and the lm_head widened. The bench checks it against RSS.
     */
    public long workingBytes(int p, int r, int count) {
        ModelConfig c = lm.config();
        long e = lm.dtype() == DataType.FLOAT32 ? 4 : 2;
        long len = (long) p + r - 1;
        long d = c.hiddenSize();
        long f = c.intermediateSize();
        long h = c.numHeads();
        long inputs = (c.numLayers() + 1L) * len * d * e;
        long forward = len * (12 * d + 3 * f + 2 * h * len) * e;
        long perCotangent = len * (2 * f + 10 * d + 3 * h * len) * 4;
        long unembed = 4L * count * c.vocabSize() * 4;
        long widened = 0;
        if (lm.residentDtype() != lm.dtype()) {
            long layer = d * ((long) c.headDim() * (2L * h + 2L * c.numKvHeads()) + 3 * f);
            widened = (layer + (long) c.vocabSize() * d) * e;
        }
        return inputs + forward + count * perCotangent + unembed + widened;
    }
}
