package io.github.instructshift.heads;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a head "knows" in the paper's sense: the word pairs that recur in more than one of its
 * dimensions, and for each word how many of those pairs contain it.
 *
 * <p>Pairs are compared without direction and case ({@code "a=b"} with a ≤ b, lower-cased), as in
 * the authors' analysis. A pair is counted once per dimension even if it shows up there in both
 * directions, so "more than one dimension" means exactly that (the authors counted occurrences,
 * which lets one dimension holding a←b and b←a pass on its own).
 *
 * @param layer      0-based layer
 * @param head       0-based head
 * @param pairDims   kept pairs → number of dimensions they occur in (≥ {@code minDims})
 * @param wordCounts lower-cased word → number of kept pairs that contain it
 */
public record HeadKnowledge(int layer, int head, Map<String, Integer> pairDims, Map<String, Integer> wordCounts) {

    public HeadKnowledge {
        pairDims = Map.copyOf(pairDims);
        wordCounts = Map.copyOf(wordCounts);
    }

    /** The kept pairs of {@code pairs}: those found in at least {@code minDims} dimensions (paper: 2). */
    public static HeadKnowledge of(HeadPairs pairs, List<String> words, int minDims) {
        Map<String, Integer> dimsPerPair = new HashMap<>();
        for (List<WordPair> dim : pairs.pairs()) {
            Set<String> inDim = new HashSet<>();
            for (WordPair p : dim) {
                String key = pairKey(words.get(p.key()), words.get(p.query()));
                if (key != null) {
                    inDim.add(key);
                }
            }
            for (String key : inDim) {
                dimsPerPair.merge(key, 1, Integer::sum);
            }
        }
        Map<String, Integer> kept = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, Integer> e : dimsPerPair.entrySet()) {
            if (e.getValue() >= minDims) {
                kept.put(e.getKey(), e.getValue());
                for (String w : e.getKey().split("=", 2)) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        return new HeadKnowledge(pairs.layer(), pairs.head(), kept, counts);
    }

    /** Count of kept pairs containing {@code word} (case-insensitive). */
    public int count(String word) {
        return wordCounts.getOrDefault(word.toLowerCase(Locale.ROOT), 0);
    }

    /**
     * {@code "a=b"} for an unordered, lower-cased pair, or null when both words are the same once
     * lower-cased (an identical pair). Words containing '=' keep it; the first '=' of a key is the
     * separator only when neither word has one, which holds for every word-like vocabulary entry.
     */
    public static String pairKey(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int c = x.compareTo(y);
        if (c == 0) {
            return null;
        }
        return c < 0 ? x + "=" + y : y + "=" + x;
    }
}
