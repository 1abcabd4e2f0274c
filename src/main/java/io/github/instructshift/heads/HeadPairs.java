package io.github.instructshift.heads;

import java.util.List;

/**
 * The word pairs of one head, per dimension, dimensions in decreasing energy.
 *
 * @param layer    0-based layer
 * @param head     0-based query head
 * @param dims     the head's dimensions (columns of W_Q^h / W_K^h) that were read, highest energy first
 * @param energies Σ over the tokenizer vocabulary of (E·W_Q)² + (E·W_K)² for each of {@code dims}
 * @param pairs    per entry of {@code dims}, its pairs ranked by similarity, best first
 */
public record HeadPairs(int layer, int head, int[] dims, float[] energies, List<List<WordPair>> pairs) {

    public HeadPairs {
        pairs = List.copyOf(pairs);
    }

    public int pairCount() {
        return pairs.stream().mapToInt(List::size).sum();
    }
}
