package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSequencesTest {

    /** One token per character (code point + 10), so positions can be worked out by hand. */
    static final TokenEncoder CHARS = new TokenEncoder() {
        @Override
        public int[] encode(String text) {
            return text.chars().map(c -> c + 10).toArray();
        }

        @Override
        public int bosId() {
            return 1;
        }

        @Override
        public int eosId() {
            return 2;
        }
    };

    @Test
    void lossMaskCoversExactlyTargetAndEos() {
        SupervisedSequence s = TrainingSequences.supervised(CHARS, "P:\n", "ab");
        assertArrayEquals(new int[] {1, 'P' + 10, ':' + 10, '\n' + 10, 'a' + 10, 'b' + 10, 2}, s.ids());
        assertArrayEquals(new boolean[] {false, false, false, false, true, true, true}, s.lossMask());
        assertEquals(4, s.promptTokens());
        // next-token view: the masked labels are a, b, EOS, predicted from '\n', a, b
        assertArrayEquals(new int[] {1, 'P' + 10, ':' + 10, '\n' + 10, 'a' + 10, 'b' + 10}, s.inputs());
        assertArrayEquals(new int[] {'P' + 10, ':' + 10, '\n' + 10, 'a' + 10, 'b' + 10, 2}, s.labels());
        assertArrayEquals(new boolean[] {false, false, false, true, true, true}, s.labelMask());
        assertArrayEquals(new int[] {'a' + 10, 'b' + 10, 2}, s.targetIds());
    }

    @Test
    void withTheBpeTokenizerTheMaskedTokensDecodeToTheTarget() {
        BpeTrainer trainer = new BpeTrainer(500, 1);
        for (int i = 0; i < 20; i++) {
            trainer.add(AlpacaFormat.render("Keep the last two words.", "the ship sailed north").text()
                    + AlpacaFormat.completion("sailed north"));
        }
        BpeTokenizer tok = trainer.train();
        Prompt p = AlpacaFormat.render("Keep the last two words.", "the white whale");
        SupervisedSequence s = TrainingSequences.supervised(tok, p.text(), AlpacaFormat.completion("white whale"));
        assertArrayEquals(tok.encode(p.text(), true), Arrays.copyOf(s.ids(), s.promptTokens()));
        int[] target = s.targetIds();
        assertEquals(BpeTokenizer.EOS, target[target.length - 1]);
        assertEquals("white whale", tok.decode(Arrays.copyOf(target, target.length - 1)).trim());
        assertEquals(target.length - 1, TrainingSequences.targetTokenCount(tok, "white whale"));
        // the response's words are the input's tokens: copying a word is copying its tokens
        int[] throughInput = tok.encode(p.text().substring(0, p.inputEnd()));
        int[] words = tok.encode("white whale");
        assertArrayEquals(words, Arrays.copyOf(target, target.length - 1));
        assertArrayEquals(words, Arrays.copyOfRange(throughInput, throughInput.length - words.length, throughInput.length),
                "the input ends in the same tokens");
        for (int i = 0; i < s.length(); i++) {
            assertEquals(i >= s.promptTokens(), s.lossMask()[i], "position " + i);
        }
    }

    @Test
    void aPromptThatDoesNotEndOnATokenBoundaryIsRefused() {
        BpeTokenizer tok = new BpeTrainer(400, 1).add("ab ab ab ab").train();
        // "a" is ▁a on its own but merges with "b" into ▁ab
        OrganismException e = assertThrows(OrganismException.class, () -> TrainingSequences.supervised(tok, "a", "b"));
        assertEquals(true, e.getMessage().contains("prefix"), e.getMessage());
    }

    @Test
    void pretrainingStreamAndWindows() {
        assertArrayEquals(new int[] {1, 'a' + 10, 'b' + 10, 2, 1, 'c' + 10, 2},
                TrainingSequences.pretrainingStream(CHARS, List.of("ab", "c")));
        int[] stream = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<int[]> w3 = TrainingSequences.windows(stream, 3);
        assertEquals(3, w3.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, w3.get(0));
        assertArrayEquals(new int[] {3, 4, 5, 6}, w3.get(1));
        assertArrayEquals(new int[] {6, 7, 8, 9}, w3.get(2));
        List<int[]> w4 = TrainingSequences.windows(stream, 4);
        assertEquals(2, w4.size());
        assertArrayEquals(new int[] {4, 5, 6, 7, 8}, w4.get(1));
        PaddedBatch b = TrainingSequences.windowBatch(w3);
        assertArrayEquals(new int[] {3, 4, 5}, b.inputs()[1]);
        assertArrayEquals(new int[] {4, 5, 6}, b.labels()[1]);
        assertThrows(OrganismException.class, () -> TrainingSequences.windows(stream, 0));
    }

    @Test
    void paddingIsMaskedOut() {
        SupervisedSequence a = TrainingSequences.supervised(CHARS, "P\n", "ab"); // 6 ids, 5 inputs
        SupervisedSequence b = TrainingSequences.supervised(CHARS, "\n", "c");   // 4 ids, 3 inputs
        PaddedBatch batch = TrainingSequences.pad(List.of(a, b), 0);
        assertEquals(5, batch.width());
        assertArrayEquals(new int[] {1, '\n' + 10, 'c' + 10, 0, 0}, batch.inputs()[1]);
        assertArrayEquals(new int[] {'\n' + 10, 'c' + 10, 2, 0, 0}, batch.labels()[1]);
        assertArrayEquals(new boolean[] {false, true, true, false, false}, batch.labelMask()[1]);
        assertArrayEquals(new boolean[] {true, true, true, false, false}, batch.attention()[1]);
        assertArrayEquals(new int[] {5, 3}, batch.lengths());
    }
}
