package io.github.instructshift.attribution;

import io.github.instructshift.model.TextTokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer's vocabulary read both ways, for teacher forcing a stored response: results store the
 * response as pieces ({@link TextTokenizer#piece}), and this maps them back to ids. Pieces name ids
 * one to one in a Hugging Face vocabulary; a piece that two ids share is refused when it is looked up.
 */
public final class PieceIds {
    private final int size;
    private final Map<String, Long> ids = new HashMap<>();
    private final Map<String, Long> ambiguous = new HashMap<>();

    private PieceIds(TextTokenizer tokenizer) {
        size = tokenizer.vocabSize();
        for (long id = 0; id < size; id++) {
            String piece = piece(tokenizer, id);
            if (piece != null && ids.putIfAbsent(piece, id) != null) {
                ambiguous.put(piece, id);
            }
        }
    }

    public static PieceIds of(TextTokenizer tokenizer) {
        return new PieceIds(tokenizer);
    }

    /** The ids of {@code pieces}; an {@link AttributionException} names a piece that is not (or not uniquely) in it. */
    public long[] ids(List<String> pieces, String what) {
        long[] out = new long[pieces.size()];
        for (int i = 0; i < out.length; i++) {
            String piece = pieces.get(i);
            Long id = ids.get(piece);
            if (id == null || ambiguous.containsKey(piece)) {
                throw new AttributionException(what + ": token " + i + " '" + piece + "' is "
                        + (id == null ? "not in the vocabulary" : "the piece of more than one id (ids "
                        + id + " and " + ambiguous.get(piece) + ")") + ", so it cannot be fed to the model");
            }
            out[i] = id;
        }
        return out;
    }

    /**
     * Null when both tokenizers have the same vocabulary (same size, same piece for every id), else
     * the first difference in words.
     */
    public static String difference(TextTokenizer a, TextTokenizer b) {
        if (a.vocabSize() != b.vocabSize()) {
            return "vocabulary sizes " + a.vocabSize() + " and " + b.vocabSize();
        }
        for (long id = 0; id < a.vocabSize(); id++) {
            String pa = piece(a, id);
            String pb = piece(b, id);
            if (pa == null ? pb != null : !pa.equals(pb)) {
                return "token id " + id + " is " + quoted(pa) + " and " + quoted(pb);
            }
        }
        return null;
    }

    private static String quoted(String piece) {
        return piece == null ? "no piece" : "'" + piece + "'";
    }

    private static String piece(TextTokenizer tokenizer, long id) {
        try {
            return tokenizer.piece(id);
        } catch (IllegalArgumentException e) {
            return null;                           // an id with no piece (a gap in the vocabulary)
        }
    }
}
