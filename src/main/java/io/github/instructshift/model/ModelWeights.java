package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A checkpoint's weights read as data, by role rather than by tensor name, so that head and
 * feed-forward analyses work on every supported family. Each call reads the tensor from disk
 * (memory-mapped) into the caller's manager in float32, so an analysis can stream layer by layer
 * and release each layer by closing its manager.
 *
 * <p>Conventions: matrices are in the {@code x·W} orientation (rows index the input), heads are
 * split out of the fused projections, and under grouped-query attention each key/value head is
 * repeated for the query heads that share it.
 */
public interface ModelWeights {

    ModelConfig config();

    /** {@code [vocab, d_model]}: the input embedding matrix E. */
    NDArray embedding(NDManager manager);

    /** {@code [vocab, d_model]}: the output embedding (lm_head); E itself when embeddings are tied. */
    NDArray unembedding(NDManager manager);

    /** {@code [d_model]}: the RMSNorm weight in front of attention in {@code layer}. */
    NDArray attentionNorm(int layer, NDManager manager);

    /** {@code [d_model]}: the RMSNorm weight in front of the feed-forward block in {@code layer}. */
    NDArray ffnNorm(int layer, NDManager manager);

    /** {@code [d_model]}: the final RMSNorm weight. */
    NDArray finalNorm(NDManager manager);

    /** {@code [heads, d_model, d_head]}: W_Q per query head. */
    NDArray queryHeads(int layer, NDManager manager);

    /** {@code [heads, d_model, d_head]}: W_K per query head (grouped heads repeated). */
    NDArray keyHeads(int layer, NDManager manager);

    /** {@code [heads, d_model, d_head]}: W_V per query head (grouped heads repeated). */
    NDArray valueHeads(int layer, NDManager manager);

    /** {@code [heads, d_head, d_model]}: W_O per query head. */
    NDArray outputHeads(int layer, NDManager manager);

    /** {@code [d_model, d_ff]}: the gate projection. */
    NDArray ffnGate(int layer, NDManager manager);

    /** {@code [d_model, d_ff]}: the up projection. */
    NDArray ffnUp(int layer, NDManager manager);

    /** {@code [d_ff, d_model]}: the down projection; its rows are the FFN neurons' value vectors. */
    NDArray ffnDown(int layer, NDManager manager);
}
