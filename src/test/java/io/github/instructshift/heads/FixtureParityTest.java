package io.github.instructshift.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.TextTokenizer;
import io.github.instructshift.testing.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folded W_Q/W_K and their vocabulary energies against what transformers computed on the fixtures. */
class FixtureParityTest {

    static List<String> fixtures() {
        return Fixture.ALL;
    }

    /**
     * Folding is one float32 multiply per entry, the same operation the reference did, so the
     * results agree to float32 rounding of numbers below ~0.5: 1e-6 absolute.
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void foldedProjectionsMatchTheReference(String name) {
        Fixture f = Fixture.of(name);
        Checkpoint ckpt = Checkpoint.open(f.dir());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = FoldedHeads.queries(ckpt.weights(), 1, m);
            NDArray k = FoldedHeads.keys(ckpt.weights(), 1, m);
            NDArray eq = f.tensor("layer1_wq_folded", m);
            NDArray ek = f.tensor("layer1_wk_folded", m);
            assertEquals(eq.getShape(), q.getShape());
            assertEquals(ek.getShape(), k.getShape());
            assertArrayEquals(eq.toFloatArray(), q.toFloatArray(), 1e-6f, name + " W_Q");
            assertArrayEquals(ek.toFloatArray(), k.toFloatArray(), 1e-6f, name + " W_K");
        }
    }

    /**
     * The reference summed (E·W)² over the 600-token vocabulary directly; we go through the Gram
     * matrix EᵀE. Both accumulate in float32 over ~600·64 products, so they differ by rounding of
     * order √(600·64)·2⁻²⁴ ≈ 1e-5 relative; 1e-4 relative leaves a margin yet catches any wrong
     * row, missing norm or un-repeated GQA head (those change energies by far more than 1%).
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void energiesOverTheWholeVocabularyMatchTheReference(String name) {
        Fixture f = Fixture.of(name);
        Checkpoint ckpt = Checkpoint.open(f.dir());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray gram = FoldedHeads.gram(ckpt.weights().embedding(m));
            NDArray energy = FoldedHeads.energy(gram, FoldedHeads.queries(ckpt.weights(), 1, m))
                    .add(FoldedHeads.energy(gram, FoldedHeads.keys(ckpt.weights(), 1, m)));
            float[] expected = f.tensor("layer1_hq_energy", m).toFloatArray();
            float[] actual = energy.toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * expected[i], name + " energy " + i);
            }
        }
    }

    /**
     * With the fixtures' Llama-style tokenizer (normalizer prepends ▁) a word is encoded bare: no BOS,
     * first piece starts with ▁, and the ids decode back to the word.
     */
    @Test
    void wordsAreTokenizedAsAfterASpaceWithoutBos() {
        TextTokenizer tok = Checkpoint.open(Fixture.of("tiny-llama").dir()).tokenizer();
        List<String> words = List.of("and", "write", "sentence", "zyzzyva");
        WordTokens t = WordTokens.of(tok, words);
        for (int i = 0; i < words.size(); i++) {
            long[] ids = t.ids()[i];
            assertNotNull(ids, words.get(i));
            assertFalse(ids[0] == 1, "no BOS for " + words.get(i));
            assertEquals(words.get(i), tok.decode(ids));
            for (long id : ids) {
                assertFalse(tok.piece(id).equals("\u2581"), "a marker-only piece is dropped, as the authors did");
            }
            if (i < 3) {
                assertTrue(tok.piece(ids[0]).startsWith("\u2581"), words.get(i) + ": " + tok.piece(ids[0]));
            }
        }
        // the fixture has no "▁z" piece: the bare encoding is "▁" + "z" + ..., and the lone marker goes
        assertEquals("z", tok.piece(t.ids()[3][0]));
        // a word the BPE knows whole is one piece
        assertEquals(1, t.ids()[0].length, "'and' is in the fixture's vocabulary as one piece (▁and)");
        assertEquals("\u2581and", tok.piece(t.ids()[0][0]));
        assertTrue(t.ids()[1].length > 1, "'write' is not one piece in a 600-token vocabulary");
    }
}
