package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.model.ModelWeights;
import io.github.instructshift.model.TextTokenizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordProjectorTest {
    // pieces: 0 "▁" (bare marker), 1 "▁cat", 2 "▁dog", 3 "▁sun", 4 "ny", 5 "▁run"
    static final List<String> PIECES = List.of("\u2581", "\u2581cat", "\u2581dog", "\u2581sun", "ny", "\u2581run");
    // lm_head rows in 3-d; row 0 is huge so that a bare marker leaking into a word's mean would show
    static final float[][] LM_HEAD = {
            {100, 100, 100},
            {2, 0, 0},     // cat  -> unit (1,0,0)
            {0, 3, 0},     // dog  -> unit (0,1,0)
            {1, 0, 1},     // sun
            {1, 2, -1},    // ny: "sunny" = mean(sun, ny) = (1,1,0) -> unit (1,1,0)/sqrt2
            {0, -1, 1},    // run
    };

    @Test
    void wordVectorsAreNormalisedMeansOfSubTokensAndScoresAreAbsoluteCosines() {
        ModelWeights w = TestModels.weights(LM_HEAD, List.of());
        TextTokenizer tok = TestModels.tokenizer(PIECES, Map.of("sunny", List.of("\u2581sun", "ny")));
        Vocabulary vocab = new Vocabulary("test", List.of("cat", "dog", "sunny", "run", "zzz"));
        try (NDManager m = NDManager.newBaseManager();
             WordProjector p = WordProjector.build(w, tok, vocab, m)) {
            assertEquals(List.of("cat", "dog", "sunny", "run"), p.words());
            assertEquals(List.of("zzz"), p.dropped(), "a word with no tokens is dropped, not averaged over nothing");
            // c = (0.28, -0.96, 0): cos(cat)=0.28, cos(dog)=-0.96, cos(sunny)=-0.68/sqrt2, cos(run)=0.96/sqrt2
            double[][] comps = {{0.28, -0.96, 0}, {0, 0, 1}};
            List<List<WordProjector.ScoredWord>> top = p.topWords(comps, 3);
            assertEquals(List.of("dog", "run", "sunny"), top.get(0).stream().map(WordProjector.ScoredWord::word).toList(),
                    "|cos| ranks a negative cosine like a positive one");
            assertEquals(0.96, top.get(0).get(0).score(), 1e-6);
            assertEquals(0.96 / Math.sqrt(2), top.get(0).get(1).score(), 1e-6);
            // a bare-marker row leaking into sunny's mean would give (34, 34, 33.3)/norm: |cos| 0.39
            assertEquals(0.68 / Math.sqrt(2), top.get(0).get(2).score(), 1e-6);
            // second component (0,0,1): run = 1/sqrt2, the others 0
            assertEquals("run", top.get(1).get(0).word());
            assertEquals(1 / Math.sqrt(2), top.get(1).get(0).score(), 1e-6);
        }
    }

    @Test
    void subTokensDropTheBareMarker() {
        TextTokenizer tok = TestModels.tokenizer(PIECES, Map.of("sunny", List.of("\u2581sun", "ny")));
        assertEquals(List.of(3L, 4L), java.util.Arrays.stream(WordProjector.subTokens(tok, "sunny")).boxed().toList());
    }

    @Test
    void mismatchedWidthIsAClearError() {
        ModelWeights w = TestModels.weights(LM_HEAD, List.of());
        TextTokenizer tok = TestModels.tokenizer(PIECES, Map.of());
        try (NDManager m = NDManager.newBaseManager();
             WordProjector p = WordProjector.build(w, tok, new Vocabulary("t", List.of("cat")), m)) {
            FfnException e = assertThrows(FfnException.class, () -> p.topWords(new double[][] {{1, 0}}, 1));
            assertTrue(e.getMessage().contains("2 entries"), e.getMessage());
        }
    }
}
