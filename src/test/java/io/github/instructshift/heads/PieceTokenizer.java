package io.github.instructshift.heads;

import io.github.instructshift.model.TextTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test double: a sentencepiece-like tokenizer over a fixed piece list. Like a Llama normalizer it
 * prepends ▁ and turns spaces into ▁, then splits greedily into the longest known pieces
 * (unknown characters become {@code <unk>}). Id 0 is {@code <unk>}, id 1 {@code <s>}.
 */
final class PieceTokenizer implements TextTokenizer {
    private final List<String> pieces = new ArrayList<>();
    private final Map<String, Integer> ids = new HashMap<>();

    PieceTokenizer(List<String> extra) {
        add("<unk>");
        add("<s>");
        for (String p : extra) {
            add(p);
        }
    }

    /** Pieces ▁w for every word (one token each). */
    static PieceTokenizer ofWords(List<String> words) {
        List<String> p = new ArrayList<>();
        for (String w : words) {
            p.add("\u2581" + w);
        }
        return new PieceTokenizer(p);
    }

    private void add(String p) {
        if (!ids.containsKey(p)) {
            ids.put(p, pieces.size());
            pieces.add(p);
        }
    }

    @Override
    public long[] encode(String text, boolean addSpecialTokens) {
        List<String> t = tokens(text, addSpecialTokens);
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(t.get(i));
        }
        return out;
    }

    @Override
    public List<String> tokens(String text, boolean addSpecialTokens) {
        String s = "\u2581" + text.replace(' ', '\u2581');
        List<String> out = new ArrayList<>();
        if (addSpecialTokens) {
            out.add("<s>");
        }
        int i = 0;
        while (i < s.length()) {
            int best = -1;
            for (int j = s.length(); j > i; j--) {
                if (ids.containsKey(s.substring(i, j))) {
                    best = j;
                    break;
                }
            }
            if (best < 0) {
                out.add("<unk>");
                i++;
            } else {
                out.add(s.substring(i, best));
                i = best;
            }
        }
        return out;
    }

    @Override
    public List<int[]> charSpans(String text, boolean addSpecialTokens) {
        throw new UnsupportedOperationException("not needed by the head analysis");
    }

    @Override
    public String decode(long[] idList) {
        StringBuilder b = new StringBuilder();
        for (long id : idList) {
            b.append(pieces.get((int) id));
        }
        return b.toString().replace('\u2581', ' ').strip();
    }

    @Override
    public String piece(long id) {
        return pieces.get((int) id);
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }
}
