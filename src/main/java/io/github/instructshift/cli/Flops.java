package io.github.instructshift.cli;

import io.github.instructshift.model.ModelConfig;

/**
 * Floating-point operations of the attribution passes, for the benches' roofline ratios: linear layers
 * (2·rows·in·out), attention over the whole T×T map (PyTorch computes the masked half too), and the
 * lm_head rows that are read. An activation-gradient pass costs what the forward pass costs in the
 * linear layers and twice that in attention (gradients of scores, values, queries and keys).
 */
final class Flops {
    private Flops() {}

    /** One forward pass over {@code tokens} positions. */
    static double forward(ModelConfig c, long tokens) {
        return c.numLayers() * (tokens * linearPerToken(c) + 4.0 * c.numHeads() * c.headDim() * tokens * tokens);
    }

    /** One activation-gradient pass over {@code tokens} positions. */
    static double backward(ModelConfig c, long tokens) {
        return c.numLayers() * (tokens * linearPerToken(c) + 8.0 * c.numHeads() * c.headDim() * tokens * tokens);
    }

    /** The authors' loop: per response token a full-length forward and backward pass. */
    static double oneByOne(ModelConfig c, int prompt, int response) {
        long length = prompt + response - 1L;
        return response * (forward(c, length) + backward(c, length) + 4.0 * c.vocabSize() * c.hiddenSize());
    }

    /** Chunks of {@code perPass}: a forward pass, each layer again, and one backward pass per token, cut at the chunk's end. */
    static double batched(ModelConfig c, int prompt, int response, int perPass) {
        double total = 0;
        for (int first = 0; first < response; first += perPass) {
            int n = Math.min(perPass, response - first);
            long length = prompt + first + n - 1L;
            total += 2 * forward(c, length) + n * (backward(c, length) + 4.0 * c.vocabSize() * c.hiddenSize());
        }
        return total;
    }

    private static double linearPerToken(ModelConfig c) {
        double d = c.hiddenSize();
        return 2 * d * c.headDim() * (2.0 * c.numHeads() + 2.0 * c.numKvHeads()) + 6 * d * c.intermediateSize();
    }
}
