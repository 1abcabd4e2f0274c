package io.github.instructshift.heads;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vocabulary and word-vector readers, on the paper's file and on broken ones. */
class InputFilesTest {

    @TempDir
    Path tmp;

    @Test
    void readsThePapersShareGptVocabulary() {
        Path file = Shared.paper().resolve("datasets/SingleShareGPT_Vocab.tsv");
        WordFrequencies v = WordFrequencies.read(file);
        assertEquals(",", v.words().get(0));
        assertEquals("the", v.words().get(1));
        // case variants merge into the form seen first, as the authors' loader does (24 merges: 26,497
        // lines -> 26,473 words): "gcc" joins "GCC", "DataFrame" joins "dataframe"
        assertEquals(26_473, v.size());
        assertTrue(v.words().contains("GCC") && !v.words().contains("gcc"));
        assertTrue(v.words().contains("dataframe") && !v.words().contains("DataFrame"));
        // "'hello" is not a lower/upper/capitalised form of "'Hello" (capitalising leaves the quote), so both stay
        assertTrue(v.words().contains("'Hello") && v.words().contains("'hello"));
    }

    @Test
    void caseVariantsAreMergedAndSummed() throws IOException {
        Path f = tmp.resolve("v.tsv");
        Files.writeString(f, "the\t0.5\nWrite\t0.1\nwrite\t0.2\nTHE\t0.25\n\n");
        WordFrequencies v = WordFrequencies.read(f);
        assertEquals(List.of("the", "Write"), v.words());
        assertArrayEquals(new double[] {0.75, 0.30000000000000004}, v.frequencies(), 1e-12);
    }

    @Test
    void aBadVocabularyLineIsReportedWithItsNumber() throws IOException {
        Path f = tmp.resolve("bad.tsv");
        Files.writeString(f, "the\t0.5\nof\t0.1\nbroken line here\t0.1\n");
        HeadsException e = assertThrows(HeadsException.class, () -> WordFrequencies.read(f));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Files.writeString(f, "the\t0.5\nof\tlots\n");
        e = assertThrows(HeadsException.class, () -> WordFrequencies.read(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("lots"), e.getMessage());
        Files.writeString(f, "the\t-1\n");
        e = assertThrows(HeadsException.class, () -> WordFrequencies.read(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void readsGloveAndWord2vecText() throws IOException {
        Path glove = tmp.resolve("g.txt");
        Files.writeString(glove, "the 1 0 0\n. . . 0 1 0\nWrite 0 0 1\ncat 1 1 1\n");
        WordVectorFile g = WordVectorFile.read(glove, Set.of("the", "write", ". . .", "dog"), 3);
        assertEquals(3, g.dim());
        assertArrayEquals(new float[] {1, 0, 0}, g.vectors().get("the"));
        assertArrayEquals(new float[] {0, 1, 0}, g.vectors().get(". . ."), "GloVe 840B words with spaces");
        assertArrayEquals(new float[] {0, 0, 1}, g.vectors().get("write"), "lower-case fallback");
        assertNull(g.vectors().get("dog"));
        assertFalse(g.vectors().containsKey("cat"), "unwanted words are not kept");

        Path w2v = tmp.resolve("w.txt");
        Files.writeString(w2v, "2 2\nthe 0.5 0.5\nof 1 -1\n");
        WordVectorFile w = WordVectorFile.read(w2v, Set.of("of"), 0);
        assertEquals(2, w.dim());
        assertArrayEquals(new float[] {1, -1}, w.vectors().get("of"));
    }

    @Test
    void wrongDimensionsAndBadValuesAreReportedWithTheLine() throws IOException {
        Path f = tmp.resolve("bad.txt");
        Files.writeString(f, "the 1 0 0\nof 1 0\n");
        HeadsException e = assertThrows(HeadsException.class, () -> WordVectorFile.read(f, Set.of("of"), 0));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());

        Files.writeString(f, "the 1 0 0\nof 1 0 0\n");
        e = assertThrows(HeadsException.class, () -> WordVectorFile.read(f, Set.of("of"), 300));
        assertTrue(e.getMessage().contains("dimension 3, expected 300"), e.getMessage());

        Files.writeString(f, "3 300\nthe 1 0 0\n");
        e = assertThrows(HeadsException.class, () -> WordVectorFile.read(f, Set.of("the"), 0));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());

        Files.writeString(f, "the 1 0 0\nof 1 x 0\n");
        e = assertThrows(HeadsException.class, () -> WordVectorFile.read(f, Set.of("of"), 0));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void generalVerbsComeFromWordNetRankedByTheVocabulary() {
        WordFrequencies v = WordFrequencies.read(Shared.paper().resolve("datasets/SingleShareGPT_Vocab.tsv"));
        Set<String> lemmas = Verbs.wordNetVerbLemmas();
        assertTrue(lemmas.contains("run") && lemmas.contains("write"), "WordNet verbs");
        List<String> general = Verbs.general(v, 3000, lemmas, Verbs.INSTRUCTION);
        assertTrue(general.size() > 1000 && general.size() <= 3000, "size " + general.size());
        for (String verb : Verbs.INSTRUCTION) {
            assertFalse(general.contains(verb), verb + " is an instruction verb");
        }
        for (String stop : List.of("be", "do", "have", "can", "will")) {
            assertFalse(general.contains(stop), stop + " is a stop word");
        }
        assertTrue(general.contains("use"), "a frequent verb");
        var freq = v.frequencyByLowerCase();
        for (int i = 1; i < general.size(); i++) {
            assertTrue(freq.get(general.get(i - 1)) >= freq.get(general.get(i)), "ranked by frequency at " + i);
        }
        assertEquals(38, Set.copyOf(Verbs.INSTRUCTION).size());
    }
}
