package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrganismTokenizerTest {

    private static final List<String> WORDS = List.of("the", "whale", "ship", "sea", "captain", "sailed", "over",
            "and", "a", "storm", "translate", "explain", "rope", "deck", "harpoon", "water", "white", "night");

    /** Random sentences over a small lexicon, so that every word is frequent. */
    static List<String> corpus(int paragraphs, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int p = 0; p < paragraphs; p++) {
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                s.append(w == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
            }
            out.add(s.append('.').toString());
        }
        return out;
    }

    @Test
    void everyPieceOccursInTheTrainingTextAndRequiredWordsAreOneToken(@TempDir Path dir) {
        List<String> text = corpus(400, 1);
        var options = new OrganismTokenizer.Options(420, 5, List.of("translate", "explain", "harpoon"));
        try (OrganismTokenizer t = OrganismTokenizer.train(text, options, dir.resolve("work"))) {
            long[] counts = new long[t.vocabSize()];
            for (String p : text) {
                for (int id : t.encode(p)) {
                    counts[id]++;
                }
            }
            for (int id = 3; id < t.vocabSize(); id++) {
                assertTrue(counts[id] >= 5, "piece '" + t.piece(id) + "' occurs " + counts[id] + " times");
            }
            assertEquals(counts[3] >= 5, true);
            for (String w : options.requiredWords()) {
                assertEquals(1, t.encode(w).length, w + " is split: " + java.util.Arrays.toString(t.encode(w)));
                assertEquals("\u2581" + w, t.piece(t.encode(w)[0]));
            }
            assertEquals(t.report().vocabSize(), t.vocabSize());
            assertTrue(t.report().minPieceCount() >= 5);
            String s = "the captain sailed over the sea.";
            assertEquals(s, t.decode(t.encode(s)));
            t.save(dir.resolve("out"));
            try (OrganismTokenizer loaded = OrganismTokenizer.load(dir.resolve("out").resolve("tokenizer.json"))) {
                assertArrayEquals(t.encode(s), loaded.encode(s));
                assertEquals(t.vocabSize(), loaded.vocabSize());
            }
        }
    }

    @Test
    void trainingIsDeterministic(@TempDir Path dir) throws Exception {
        List<String> text = corpus(300, 2);
        var options = new OrganismTokenizer.Options(420, 5, List.of("whale"));
        try (OrganismTokenizer a = OrganismTokenizer.train(text, options, dir.resolve("a"));
             OrganismTokenizer b = OrganismTokenizer.train(text, options, dir.resolve("b"))) {
            a.save(dir.resolve("sa"));
            b.save(dir.resolve("sb"));
            assertArrayEquals(java.nio.file.Files.readAllBytes(dir.resolve("sa/tokenizer.json")),
                    java.nio.file.Files.readAllBytes(dir.resolve("sb/tokenizer.json")));
        }
    }

    @Test
    void aRequiredWordTooRareToTrainIsRefusedByName(@TempDir Path dir) {
        var options = new OrganismTokenizer.Options(420, 5, List.of("summarize"));
        var e = assertThrows(OrganismException.class, () -> OrganismTokenizer.train(corpus(100, 3), options, dir));
        assertTrue(e.getMessage().contains("'summarize' occurs 0 times"), e.getMessage());
    }
}
