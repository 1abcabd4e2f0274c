package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.instructshift.model.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored response pieces back to ids, and the same-vocabulary check of {@code attribute --paired}. */
class PieceIdsTest {
    /** A tokenizer that only knows its pieces (null: an id with no piece). */
    private static TextTokenizer pieces(String... pieces) {
        return new TextTokenizer() {
            @Override
            public long[] encode(String text, boolean addSpecialTokens) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<String> tokens(String text, boolean addSpecialTokens) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<int[]> charSpans(String text, boolean addSpecialTokens) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String decode(long[] ids) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String piece(long id) {
                if (pieces[(int) id] == null) {
                    throw new IllegalArgumentException("token id " + id + " is not in the tokenizer's vocabulary");
                }
                return pieces[(int) id];
            }

            @Override
            public int vocabSize() {
                return pieces.length;
            }
        };
    }

    @Test
    void piecesMapBackToTheirIds() {
        PieceIds ids = PieceIds.of(pieces("<s>", "</s>", null, "\u2581write", "\u2581it", "<0x0A>"));
        assertArrayEquals(new long[] {3, 4, 5, 3}, ids.ids(List.of("\u2581write", "\u2581it", "<0x0A>", "\u2581write"), "r"));
        assertEquals(0, ids.ids(List.of(), "r").length);
        AttributionException unknown = assertThrows(AttributionException.class,
                () -> ids.ids(List.of("\u2581write", "\u2581nope"), "the response forced on prompt p"));
        assertTrue(unknown.getMessage().contains("the response forced on prompt p: token 1 '\u2581nope' is not in the "
                + "vocabulary"), unknown.getMessage());
        AttributionException twice = assertThrows(AttributionException.class,
                () -> PieceIds.of(pieces("a", "b", "a")).ids(List.of("b", "a"), "r"));
        assertTrue(twice.getMessage().contains("more than one id (ids 0 and 2)"), twice.getMessage());
    }

    @Test
    void sameVocabularyMeansSameSizeAndSamePieceForEveryId() {
        assertNull(PieceIds.difference(pieces("a", null, "b"), pieces("a", null, "b")));
        assertEquals("vocabulary sizes 2 and 3", PieceIds.difference(pieces("a", "b"), pieces("a", "b", "c")));
        assertEquals("token id 1 is 'b' and 'c'", PieceIds.difference(pieces("a", "b", "c"), pieces("a", "c", "b")));
        assertEquals("token id 1 is no piece and 'b'", PieceIds.difference(pieces("a", null), pieces("a", "b")));
    }
}
