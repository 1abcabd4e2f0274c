package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.github.instructshift.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    /** A few sentences of our own, enough to learn some hundred merges. */
    static final List<String> TEXT = List.of(
            "The whale swam past the ship, and the sailors watched the whale in silence.",
            "Every sailor on the ship knew the sea; the sea was their home and their grave.",
            "Call the captain! The captain stood on the deck and looked at the water.",
            "In the morning the wind rose, and the ship sailed north toward the ice.",
            "They talked of whales, of ships, of the long voyage home across the sea.",
            "### Instruction:\nRepeat the sentence.\n\n### Input:\nThe sea was calm.\n\n### Response:\nThe sea was calm.");

    static final List<String> SAMPLES = List.of(
            "The whale watched the sailors.",
            "### Instruction:\nReverse the order of the words.\n\n### Input:\nthe ship sailed north\n\n### Response:\nnorth sailed ship the",
            "Café naïve – 東京 🐋 and the whale",
            "  two  leading spaces and a tab\there",
            "x");

    @Test
    void learnsTheHandComputedMergesWithDeterministicTies() {
        // chunks: ▁ab ×3, ▁abc ×1. Pairs: (a,b)=4 and (▁,a)=4 tie; 'a' has the smaller id (code point
        // order puts ▁ U+2581 after ASCII), so (a,b) comes first, then (▁,ab)=4; (▁ab,c)=1 is too rare.
        BpeTokenizer tok = new BpeTrainer(500, 1).add("ab ab ab abc").train();
        assertEquals(2, tok.mergeCount());
        int ab = tok.id("ab");
        int wab = tok.id("\u2581ab");
        assertEquals(tok.vocabSize() - 2, ab);
        assertEquals(tok.vocabSize() - 1, wab);
        assertArrayEquals(new int[] {wab, wab, tok.id("c")}, tok.encode("ab abc"));
        assertArrayEquals(new int[] {BpeTokenizer.BOS, wab}, tok.encode("ab", true));
    }

    @Test
    void trainingIsDeterministicRegardlessOfInsertionOrder(@TempDir Path dir) throws Exception {
        BpeTrainer a = new BpeTrainer(400);
        BpeTrainer b = new BpeTrainer(400);
        for (int r = 0; r < 5; r++) {
            TEXT.forEach(a::add);
        }
        for (int r = 0; r < 5; r++) {
            for (int i = TEXT.size() - 1; i >= 0; i--) {
                b.add(TEXT.get(i));
            }
        }
        a.train().save(dir.resolve("a"));
        b.train().save(dir.resolve("b"));
        assertEquals(Files.readString(dir.resolve("a/tokenizer.json")), Files.readString(dir.resolve("b/tokenizer.json")));
    }

    @Test
    void djlLoadsOurTokenizerAndAgreesWithOurEncoder(@TempDir Path dir) throws Exception {
        BpeTrainer trainer = new BpeTrainer(400, 2);
        for (int r = 0; r < 5; r++) {
            TEXT.forEach(trainer::add);
        }
        BpeTokenizer ours = trainer.train();
        assertTrue(ours.mergeCount() > 30, "merges: " + ours.mergeCount());
        ours.save(dir);
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer_config.json")));
        // the reloaded file must be the same tokenizer
        BpeTokenizer reloaded = BpeTokenizer.load(dir.resolve("tokenizer.json"));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            for (String s : SAMPLES) {
                Encoding enc = djl.encode(s);
                long[] djlIds = enc.getIds();
                int[] ourIds = ours.encode(s, true);
                assertArrayEquals(ourIds, Arrays.stream(djlIds).mapToInt(x -> (int) x).toArray(), "ids of '" + s + "'");
                assertArrayEquals(ourIds, reloaded.encode(s, true));
                assertEquals(s, djl.decode(djlIds, true), "DJL round trip");
                assertEquals(s, ours.decode(ourIds), "our round trip");
            }
            // non-ASCII goes through byte tokens: 東 is E6 9D B1
            List<String> pieces = Arrays.asList(djl.encode("東").getTokens());
            assertEquals(List.of("<s>", "\u2581", "<0xE6>", "<0x9D>", "<0xB1>"), pieces);
        }
    }

    @Test
    void ourEncoderMatchesHuggingFaceOnTheFixtureTokenizer() throws Exception {
        // an independent check of the BPE algorithm: the fixture was trained by Hugging Face tokenizers
        // and its merges cross word boundaries, which exercises the unchunked path
        Path json = Shared.fixture("tiny-llama").resolve("tokenizer.json");
        BpeTokenizer ours = BpeTokenizer.load(json);
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(json)) {
            for (String s : SAMPLES) {
                long[] expected = djl.encode(s).getIds();
                assertArrayEquals(Arrays.stream(expected).mapToInt(x -> (int) x).toArray(), ours.encode(s, true), s);
                // the fixture marks byte tokens special, so decode without skipping and drop BOS by hand
                assertEquals(djl.decode(Arrays.copyOfRange(expected, 1, expected.length), false),
                        ours.decode(ours.encode(s, false)));
            }
        }
    }

    @Test
    void badTokenizerFilesAreRejectedWithTheField(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("tokenizer.json");
        Files.writeString(bad, "{\"model\": {\"type\": \"WordPiece\"}}");
        OrganismException e = assertThrows(OrganismException.class, () -> BpeTokenizer.load(bad));
        assertTrue(e.getMessage().contains("field model"), e.getMessage());
        new BpeTrainer(400, 1).add("ab ab ab").train().save(dir);
        String text = Files.readString(bad).replace("[ \"a\", \"b\" ]", "[ \"a\", \"zz\" ]");
        Files.writeString(bad, text);
        e = assertThrows(OrganismException.class, () -> BpeTokenizer.load(bad));
        assertTrue(e.getMessage().contains("model.merges[0]") && e.getMessage().contains("zz"), e.getMessage());
        assertThrows(OrganismException.class, () -> new BpeTrainer(100));
    }
}
