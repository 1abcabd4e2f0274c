package io.github.instructshift.organism;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trains a {@link BpeTokenizer} on text: counts the chunks of the normalised text (a {@code ▁}-initial
 * word or a lone newline), then repeatedly merges the most frequent adjacent pair, counted over chunk
 * frequencies. Ties go to the pair with the smaller left id, then the smaller right id, so the result
 * depends on nothing but the input. Characters seen fewer than {@code minCharCount} times stay out of the
 * vocabulary and are written as byte tokens.
 */
public final class BpeTrainer {

    private final int vocabSize;
    private final int minCharCount;
    private final Map<String, long[]> chunkCounts = new HashMap<>();

    public BpeTrainer(int vocabSize) {
        this(vocabSize, 20);
    }

    public BpeTrainer(int vocabSize, int minCharCount) {
        if (vocabSize < BpeTokenizer.FIRST_PIECE + 100) {
            throw new OrganismException("vocabulary size " + vocabSize + " is too small: the specials and byte"
                    + " tokens alone take " + BpeTokenizer.FIRST_PIECE);
        }
        this.vocabSize = vocabSize;
        this.minCharCount = minCharCount;
    }

    /** Adds {@code text} once. */
    public BpeTrainer add(String text) {
        return add(text, 1);
    }

    /** Adds {@code text} as if it occurred {@code weight} times (used to make the prompt template compact). */
    public BpeTrainer add(String text, long weight) {
        for (String chunk : BpeTokenizer.chunks(BpeTokenizer.normalize(text))) {
            chunkCounts.computeIfAbsent(chunk, k -> new long[1])[0] += weight;
        }
        return this;
    }

    public BpeTokenizer train() {
        // 1. the alphabet: printable ASCII, ▁ and newline always; other characters when frequent enough
        Map<Integer, Long> charCounts = new HashMap<>();
        for (Map.Entry<String, long[]> e : chunkCounts.entrySet()) {
            long f = e.getValue()[0];
            e.getKey().codePoints().forEach(cp -> charCounts.merge(cp, f, Long::sum));
        }
        TreeSet<Integer> alphabet = new TreeSet<>();
        for (int c = 0x21; c <= 0x7e; c++) {
            alphabet.add(c);
        }
        alphabet.add((int) '\n');
        alphabet.add(0x2581);
        charCounts.forEach((cp, n) -> {
            if (n >= minCharCount && !Character.isWhitespace(cp) && !Character.isISOControl(cp)) {
                alphabet.add(cp);
            }
        });
        List<String> pieces = new ArrayList<>(BpeTokenizer.SPECIALS);
        for (int b = 0; b < 256; b++) {
            pieces.add(BpeTokenizer.byteToken(b));
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int cp : alphabet) {
            pieces.add(new String(Character.toChars(cp)));
        }
        for (int i = 0; i < pieces.size(); i++) {
            ids.put(pieces.get(i), i);
        }
        if (pieces.size() >= vocabSize) {
            throw new OrganismException("vocabulary size " + vocabSize + " leaves no room for merges: the alphabet"
                    + " alone needs " + pieces.size() + " ids");
        }

        // 2. chunks as symbol arrays, sorted so that iteration order never depends on hashing
        List<String> chunkList = new ArrayList<>(chunkCounts.keySet());
        chunkList.sort(null);
        int[][] words = new int[chunkList.size()][];
        long[] freq = new long[chunkList.size()];
        for (int w = 0; w < words.length; w++) {
            String chunk = chunkList.get(w);
            freq[w] = chunkCounts.get(chunk)[0];
            // -1 marks a character outside the alphabet: a barrier no merge crosses
            words[w] = chunk.codePoints().map(cp -> ids.getOrDefault(new String(Character.toChars(cp)), -1)).toArray();
        }

        // 3. pair counts and where each pair occurs
        Map<Long, long[]> counts = new HashMap<>();
        Map<Long, BpeTokenizer.IntList> where = new HashMap<>();
        for (int w = 0; w < words.length; w++) {
            addPairs(words[w], freq[w], w, counts, where, -2);
        }

        List<int[]> merges = new ArrayList<>();
        int[] seen = new int[words.length];
        Arrays.fill(seen, -1);
        while (pieces.size() < vocabSize) {
            long bestKey = 0;
            long bestCount = 1; // a pair seen once is not worth a token
            for (Iterator<Map.Entry<Long, long[]>> it = counts.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, long[]> e = it.next();
                long c = e.getValue()[0];
                if (c <= 0) {
                    it.remove();
                    continue;
                }
                long key = e.getKey();
                if (c > bestCount || (c == bestCount && bestCount > 1 && key < bestKey)) {
                    bestCount = c;
                    bestKey = key;
                }
            }
            if (bestCount <= 1) {
                break;
            }
            int a = (int) (bestKey >>> 32);
            int b = (int) bestKey;
            String merged = pieces.get(a) + pieces.get(b);
            Integer newId = ids.get(merged);
            if (newId == null) {
                newId = pieces.size();
                pieces.add(merged);
                ids.put(merged, newId);
            }
            merges.add(new int[] {a, b});
            BpeTokenizer.IntList occurrences = where.remove(bestKey);
            int stamp = merges.size();
            for (int k = 0; k < occurrences.size(); k++) {
                int w = occurrences.get(k);
                if (seen[w] == stamp) {
                    continue;
                }
                seen[w] = stamp;
                int[] old = words[w];
                int[] updated = mergeWord(old, a, b, newId);
                if (updated.length == old.length) {
                    continue; // stale entry: the pair left this word in an earlier merge
                }
                removePairs(old, freq[w], counts);
                addPairs(updated, freq[w], w, counts, where, newId);
                words[w] = updated;
            }
        }
        return new BpeTokenizer(pieces, merges);
    }

    private static int[] mergeWord(int[] word, int a, int b, int merged) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == a && word[i + 1] == b) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return n == word.length ? word : Arrays.copyOf(out, n);
    }

    private static void removePairs(int[] word, long f, Map<Long, long[]> counts) {
        for (int i = 0; i + 1 < word.length; i++) {
            if (word[i] >= 0 && word[i + 1] >= 0) {
                counts.get(BpeTokenizer.pair(word[i], word[i + 1]))[0] -= f;
            }
        }
    }

    /** Adds the word's pairs; {@code where} learns about the word only for pairs with {@code onlyWith} (-2: all). */
    private static void addPairs(int[] word, long f, int w, Map<Long, long[]> counts,
                                 Map<Long, BpeTokenizer.IntList> where, int onlyWith) {
        for (int i = 0; i + 1 < word.length; i++) {
            if (word[i] < 0 || word[i + 1] < 0) {
                continue;
            }
            long key = BpeTokenizer.pair(word[i], word[i + 1]);
            counts.computeIfAbsent(key, k -> new long[1])[0] += f;
            if (onlyWith == -2 || word[i] == onlyWith || word[i + 1] == onlyWith) {
                where.computeIfAbsent(key, k -> new BpeTokenizer.IntList()).add(w);
            }
        }
    }
}
