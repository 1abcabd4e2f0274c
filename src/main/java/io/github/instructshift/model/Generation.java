package io.github.instructshift.model;

/**
 * A greedy continuation.
 *
 * @param promptIds  the prompt's token ids (BOS included when the tokenizer adds it)
 * @param outputIds  the new tokens, EOS included when generation stopped on it
 * @param text       the new tokens decoded, special tokens left out
 * @param stoppedOn  why generation ended: {@code eos}, {@code max_new_tokens} or {@code context}
 */
public record Generation(long[] promptIds, long[] outputIds, String text, String stoppedOn) {

    /** Prompt and continuation in one sequence, as a teacher-forced pass needs it. */
    public long[] allIds() {
        long[] all = java.util.Arrays.copyOf(promptIds, promptIds.length + outputIds.length);
        System.arraycopy(outputIds, 0, all, promptIds.length, outputIds.length);
        return all;
    }
}
