package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.instructshift.model.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sub-token ids of each word as it appears inside running text, i.e. after a space.
 *
 * <p>How to get "the word after a space" differs by tokenizer family, so it is decided per word:
 * <ul>
 *   <li>sentencepiece-style (Llama, Mistral, Vicuna): the normalizer itself prepends {@code ▁}, so the
 *   bare word already encodes as {@code ▁word}. Encoding {@code " word"} would give {@code ▁▁word},
 *   which can tokenize as {@code ▁▁ + word} (Llama has a {@code ▁▁} piece), so when the bare word's
 *   first piece starts with {@code ▁}, the bare word is used.</li>
 *   <li>byte-level BPE (Qwen2, Llama 3): nothing is prepended, so {@code " word"} is encoded
 *   ({@code Ġword}).</li>
 * </ul>
 * Either way a leading piece that is only the marker is dropped when more pieces follow, as the
 * authors did. Special tokens (BOS) are never added. A word that tokenizes to nothing or to an
 * unknown-token piece cannot be embedded and is unusable ({@code ids[i] == null}).
 *
 * @param ids per word, its sub-token ids, or null when unusable
 */
public record WordTokens(long[][] ids) {

    public static WordTokens of(TextTokenizer tokenizer, List<String> words) {
        long[][] ids = new long[words.size()][];
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.isEmpty()) {
                continue;
            }
            long[] t = tokenizer.encode(word, false);
            if (t.length == 0 || !tokenizer.piece(t[0]).startsWith("\u2581")) {
                t = tokenizer.encode(" " + word, false);
            }
            if (t.length > 1 && isBareMarker(tokenizer.piece(t[0]))) {
                t = Arrays.copyOfRange(t, 1, t.length);
            }
            boolean ok = t.length > 0;
            for (long id : t) {
                if (id < 0 || id >= tokenizer.vocabSize() || isUnknown(tokenizer.piece(id))) {
                    ok = false;
                    break;
                }
            }
            ids[i] = ok ? t : null;
        }
        return new WordTokens(ids);
    }

    /** The words at which {@code keep} is true, order kept. */
    public WordTokens restrict(boolean[] keep) {
        List<long[]> kept = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (keep[i]) {
                kept.add(ids[i]);
            }
        }
        return new WordTokens(kept.toArray(new long[0][]));
    }

    public int size() {
        return ids.length;
    }

    public boolean usable(int word) {
        return ids[word] != null;
    }

    /**
     * {@code [words, d_model]}: each word's embedding, the mean of its sub-tokens' rows of
     * {@code embedding}. Words are grouped by token count so each group is one gather and one mean
     * (no words×vocabulary averaging matrix). Every word must be usable.
     */
    public NDArray embed(NDArray embedding, NDManager manager) {
        Map<Integer, List<Integer>> byLength = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                throw new IllegalStateException("word " + i + " has no tokens; restrict the vocabulary first");
            }
            byLength.computeIfAbsent(ids[i].length, k -> new ArrayList<>()).add(i);
        }
        long d = embedding.getShape().get(1);
        long[] position = new long[ids.length];
        try (NDManager sub = manager.newSubManager()) {
            // DJL puts an op's result in its first operand's manager: borrow the input so every
            // intermediate lands in (and is freed with) the sub-manager
            embedding.tempAttach(sub);
            ai.djl.ndarray.NDList means = new ai.djl.ndarray.NDList();
            int next = 0;
            for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
                int len = group.getKey();
                List<Integer> members = group.getValue();
                long[] flat = new long[members.size() * len];
                for (int m = 0; m < members.size(); m++) {
                    System.arraycopy(ids[members.get(m)], 0, flat, m * len, len);
                    position[members.get(m)] = next++;
                }
                NDArray gathered = embedding.get(new NDIndex("{}", sub.create(flat)));
                means.add(gathered.reshape(members.size(), len, d).mean(new int[] {1}));
            }
            // rows are in group order; one more gather puts them back in word order
            NDArray stacked = means.size() == 1 ? means.get(0) : NDArrays.concat(means, 0);
            NDArray out = stacked.get(new NDIndex("{}", sub.create(position)));
            out.attach(manager);
            return out;
        }
    }

    static boolean isBareMarker(String piece) {
        return "\u2581".equals(piece) || "\u0120".equals(piece) || " ".equals(piece);
    }

    static boolean isUnknown(String piece) {
        return piece == null || "<unk>".equals(piece) || "[UNK]".equals(piece) || "<|unk|>".equals(piece);
    }
}
