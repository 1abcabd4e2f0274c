package io.github.instructshift.organism;

import java.util.Arrays;

/**
 * One instruction example as tokens: {@code <s>}, the prompt, the target, {@code </s>}.
 * {@code lossMask[i]} says whether token {@code ids[i]} is trained on, i.e. whether the prediction of
 * position {@code i} from {@code ids[0..i-1]} enters the loss: true exactly for the target and EOS.
 *
 * @param promptTokens tokens before the target, BOS included
 */
public record SupervisedSequence(int[] ids, boolean[] lossMask, int promptTokens) {

    public SupervisedSequence {
        if (ids.length != lossMask.length) {
            throw new OrganismException("ids (" + ids.length + ") and loss mask (" + lossMask.length + ") differ in length");
        }
    }

    public int length() {
        return ids.length;
    }

    /** Model inputs for next-token training: every token but the last. */
    public int[] inputs() {
        return Arrays.copyOf(ids, ids.length - 1);
    }

    /** Next-token labels, aligned with {@link #inputs()}: {@code labels()[t] = ids[t + 1]}. */
    public int[] labels() {
        return Arrays.copyOfRange(ids, 1, ids.length);
    }

    /** Aligned with {@link #labels()}: which labels enter the loss. */
    public boolean[] labelMask() {
        return Arrays.copyOfRange(lossMask, 1, lossMask.length);
    }

    /** The target tokens and EOS. */
    public int[] targetIds() {
        return Arrays.copyOfRange(ids, promptTokens, ids.length);
    }
}
