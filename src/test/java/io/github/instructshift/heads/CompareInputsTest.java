package io.github.instructshift.heads;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Base and tuned models that do not line up. */
class CompareInputsTest {

    static final List<String> WORDS = List.of("the", "write", "story", "poem", "run", "walk", "eat", "food");

    @Test
    void differentShapesAreRefusedNamingTheDifference() {
        PieceTokenizer tok = PieceTokenizer.ofWords(WORDS);
        ArrayWeights a = ArrayWeights.random(tok.vocabSize(), 8, 2, 2, 4, 1);
        ArrayWeights b = ArrayWeights.random(tok.vocabSize(), 8, 3, 2, 4, 2);
        HeadsException e = assertThrows(HeadsException.class, () -> HeadsAnalysis.compare(
                new HeadsAnalysis.Model("base", a, tok), new HeadsAnalysis.Model("tuned", b, tok),
                new WordFrequencies(WORDS, new double[WORDS.size()], "t"), null, 0, new HeadsOptions(3, 0, 10, 2, 0),
                List.of(), t -> { }));
        assertTrue(e.getMessage().contains("layers 2 vs 3"), e.getMessage());
    }

    @Test
    void differentVocabulariesAreComparedOnTheSharedWordsAndSaidSo() {
        List<String> withZebra = new ArrayList<>(WORDS);
        withZebra.add("zebra");
        PieceTokenizer baseTok = PieceTokenizer.ofWords(withZebra);       // one more token than the tuned one
        PieceTokenizer tunedTok = PieceTokenizer.ofWords(WORDS);
        ArrayWeights a = ArrayWeights.random(baseTok.vocabSize(), 8, 2, 2, 4, 1);
        ArrayWeights b = ArrayWeights.random(tunedTok.vocabSize(), 8, 2, 2, 4, 2);
        HeadsReport r = HeadsAnalysis.compare(new HeadsAnalysis.Model("base", a, baseTok),
                new HeadsAnalysis.Model("tuned", b, tunedTok),
                new WordFrequencies(withZebra, new double[withZebra.size()], "t"), null, 0,
                new HeadsOptions(3, 0, 10, 2, 0), List.of(), t -> { });
        assertEquals(WORDS, r.words().words());
        assertFalse(r.words().words().contains("zebra"));
        String notes = String.join("\n", r.notes());
        assertTrue(notes.contains("token vocabularies differ"), notes);
        assertTrue(notes.contains("1 words cannot be tokenized by tuned") && notes.contains("zebra"), notes);
        assertTrue(notes.contains("own input embeddings"), notes);
    }
}
