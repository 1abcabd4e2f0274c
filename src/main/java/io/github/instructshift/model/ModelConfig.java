package io.github.instructshift.model;

import java.util.Set;

/**
 * The shape of a decoder-only transformer, read from a checkpoint's {@code config.json}
 * (and {@code generation_config.json} for the stop tokens).
 *
 * @param modelType         the {@code model_type} field (llama, mistral, qwen2)
 * @param vocabSize         rows of the embedding and lm_head matrices
 * @param hiddenSize        d_model
 * @param intermediateSize  d_ff of the SwiGLU feed-forward block
 * @param numLayers         decoder blocks
 * @param numHeads          query heads per layer
 * @param numKvHeads        key/value heads per layer (fewer than numHeads under grouped-query attention)
 * @param headDim           d_head
 * @param rmsNormEps        epsilon of every RMSNorm
 * @param maxPositions      the context length the model was trained for
 * @param rope              rotary embedding parameters
 * @param slidingWindow     attention window in tokens, or 0 for full causal attention
 * @param tiedEmbeddings    whether lm_head is the input embedding
 * @param bosTokenId        beginning-of-sequence id, or -1
 * @param eosTokenIds       ids that end generation
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        int maxPositions,
        RopeConfig rope,
        int slidingWindow,
        boolean tiedEmbeddings,
        int bosTokenId,
        Set<Integer> eosTokenIds) {

    /** Query heads that share one key/value head. */
    public int queriesPerKvHead() {
        return numHeads / numKvHeads;
    }
}
