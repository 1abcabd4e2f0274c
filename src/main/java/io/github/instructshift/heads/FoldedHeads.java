package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.ModelWeights;

/**
 * Per-head W_Q and W_K as bilinear forms on (un-normalised) input embeddings: the layer's
 * attention RMSNorm weight γ is folded into their rows, W ← diag(γ)·W, because the heads see
 * γ ⊙ x / rms(x) and the 1/rms(x) factor only rescales a word's whole row.
 */
public final class FoldedHeads {
    private FoldedHeads() {}

    /** {@code [heads, d_model, d_head]}: diag(γ)·W_Q^h for every query head of {@code layer}. */
    public static NDArray queries(ModelWeights weights, int layer, NDManager manager) {
        return fold(weights.queryHeads(layer, manager), weights.attentionNorm(layer, manager));
    }

    /** {@code [heads, d_model, d_head]}: diag(γ)·W_K^h, grouped K heads repeated to their query heads. */
    public static NDArray keys(ModelWeights weights, int layer, NDManager manager) {
        return fold(weights.keyHeads(layer, manager), weights.attentionNorm(layer, manager));
    }

    static NDArray fold(NDArray heads, NDArray norm) {
        return heads.mul(norm.reshape(1, norm.getShape().get(0), 1));
    }

    /**
     * {@code [d_model, d_model]}: EᵀE of the whole input embedding matrix. With it, a head column's
     * energy Σ_v (E·w)² = wᵀ(EᵀE)w costs d_model² per column instead of |V|·d_model, so the energies
     * of a 32k-token vocabulary need one |V|·d_model² product per model, not one per layer.
     */
    public static NDArray gram(NDArray embedding) {
        return embedding.transpose().matMul(embedding);
    }

    /**
     * {@code [heads, d_head]}: Σ over the vocabulary of (E·W^h)² per column, from the Gram matrix:
     * diag(W^hᵀ G W^h) = row sums of (W^hᵀ·G) ⊙ W^hᵀ. {@code heads} is the first operand so the
     * result (and the intermediates) land in its manager, not the long-lived Gram's.
     */
    public static NDArray energy(NDArray gram, NDArray heads) {
        NDArray wt = heads.transpose(0, 2, 1);
        return wt.matMul(gram).mul(wt).sum(new int[] {2});
    }
}
