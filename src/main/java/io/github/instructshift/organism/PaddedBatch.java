package io.github.instructshift.organism;

/**
 * Sequences of one batch, right-padded to a common length for next-token training.
 * {@code inputs[b][t]} predicts {@code labels[b][t]}; only positions with {@code labelMask[b][t]} count;
 * padding has mask false and {@code attention[b][t]} false.
 */
public record PaddedBatch(int[][] inputs, int[][] labels, boolean[][] labelMask, boolean[][] attention, int[] lengths) {

    public int size() {
        return inputs.length;
    }

    public int width() {
        return inputs.length == 0 ? 0 : inputs[0].length;
    }
}
