package io.github.instructshift.organism;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Text to token sequences for training, as plain arrays: instruction examples with a loss mask over
 * the response only, pretraining text as fixed-length windows, and padded batches of either.
 */
public final class TrainingSequences {
    private TrainingSequences() {}

    /**
     * {@code <s> prompt target </s>}, with the loss on target and EOS. The prompt and the target are
     * tokenised as one text, the way the model sees them at generation time; because the target starts
     * with a space (or the prompt ends in a newline), which no merge crosses, the prompt's own tokens are
     * a prefix of it, which is checked.
     */
    public static SupervisedSequence supervised(TokenEncoder encoder, String prompt, String target) {
        int[] promptIds = encoder.encode(prompt);
        int[] fullIds = encoder.encode(prompt + target);
        if (fullIds.length < promptIds.length
                || !Arrays.equals(promptIds, Arrays.copyOf(fullIds, promptIds.length))) {
            throw new OrganismException("the prompt's tokens are not a prefix of prompt + target's tokens; "
                    + "end the prompt at a token boundary (before a space or after a newline). Prompt: '" + prompt + "', target: '" + target + "'");
        }
        int n = 1 + fullIds.length + 1;
        int[] ids = new int[n];
        boolean[] mask = new boolean[n];
        ids[0] = encoder.bosId();
        System.arraycopy(fullIds, 0, ids, 1, fullIds.length);
        ids[n - 1] = encoder.eosId();
        int promptTokens = 1 + promptIds.length;
        for (int i = promptTokens; i < n; i++) {
            mask[i] = true;
        }
        return new SupervisedSequence(ids, mask, promptTokens);
    }

    public static SupervisedSequence supervised(TokenEncoder encoder, InstructionExample example) {
        return supervised(encoder, example.prompt().text(), AlpacaFormat.completion(example.target()));
    }

    /** Tokens {@code target} takes as a response after the Alpaca prompt (EOS not counted). */
    public static int targetTokenCount(TokenEncoder encoder, String target) {
        String header = AlpacaFormat.RESPONSE_HEADER;
        return encoder.encode(header + AlpacaFormat.completion(target)).length - encoder.encode(header).length;
    }

    /** The pretraining token stream: every paragraph as {@code <s> paragraph </s>}, in order. */
    public static int[] pretrainingStream(TokenEncoder encoder, List<String> paragraphs) {
        BpeTokenizer.IntList stream = new BpeTokenizer.IntList();
        for (String p : paragraphs) {
            stream.add(encoder.bosId());
            stream.addAll(encoder.encode(p));
            stream.add(encoder.eosId());
        }
        return stream.toArray();
    }

    /**
     * Consecutive windows of {@code contextLength + 1} tokens, each starting where the previous one's
     * last input ended, so every token after the first is a label exactly once: window {@code w} covers
     * {@code stream[w*L .. w*L + L]} (inclusive). A remainder shorter than a window is dropped.
     */
    public static List<int[]> windows(int[] stream, int contextLength) {
        if (contextLength < 1) {
            throw new OrganismException("context length must be positive, got " + contextLength);
        }
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start + contextLength + 1 <= stream.length; start += contextLength) {
            out.add(Arrays.copyOfRange(stream, start, start + contextLength + 1));
        }
        return out;
    }

    /** Supervised sequences right-padded with {@code padId} to the longest; padding is masked out. */
    public static PaddedBatch pad(List<SupervisedSequence> sequences, int padId) {
        int width = 0;
        for (SupervisedSequence s : sequences) {
            width = Math.max(width, s.length() - 1);
        }
        int b = sequences.size();
        int[][] inputs = new int[b][width];
        int[][] labels = new int[b][width];
        boolean[][] mask = new boolean[b][width];
        boolean[][] attention = new boolean[b][width];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            SupervisedSequence s = sequences.get(i);
            int[] in = s.inputs();
            int[] lab = s.labels();
            boolean[] m = s.labelMask();
            Arrays.fill(inputs[i], padId);
            Arrays.fill(labels[i], padId);
            System.arraycopy(in, 0, inputs[i], 0, in.length);
            System.arraycopy(lab, 0, labels[i], 0, lab.length);
            System.arraycopy(m, 0, mask[i], 0, m.length);
            Arrays.fill(attention[i], 0, in.length, true);
            lengths[i] = in.length;
        }
        return new PaddedBatch(inputs, labels, mask, attention, lengths);
    }

    /** Pretraining windows as a batch: every label counts. */
    public static PaddedBatch windowBatch(List<int[]> windows) {
        int b = windows.size();
        int width = b == 0 ? 0 : windows.get(0).length - 1;
        int[][] inputs = new int[b][];
        int[][] labels = new int[b][];
        boolean[][] mask = new boolean[b][width];
        boolean[][] attention = new boolean[b][width];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int[] w = windows.get(i);
            if (w.length != width + 1) {
                throw new OrganismException("window " + i + " has " + w.length + " tokens, the first has " + (width + 1));
            }
            inputs[i] = Arrays.copyOf(w, width);
            labels[i] = Arrays.copyOfRange(w, 1, width + 1);
            Arrays.fill(mask[i], true);
            Arrays.fill(attention[i], true);
            lengths[i] = width;
        }
        return new PaddedBatch(inputs, labels, mask, attention, lengths);
    }
}
