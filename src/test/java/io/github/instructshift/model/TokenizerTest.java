package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    @Test
    void longPromptsAreNeverTruncated() {
        TextTokenizer t = Checkpoint.open(Shared.fixture("tiny-llama")).tokenizer();
        String sentence = "Rewrite the sentence and make your writing clearer by keeping it concise. ";
        int one = t.encode(sentence, false).length;
        String text = sentence.repeat(40);                   // far beyond DJL's default 512-token cap
        long[] ids = t.encode(text, true);
        assertEquals(1, ids[0], "BOS from the post-processor");
        assertEquals(t.charSpans(text, true).size(), ids.length);
        assertEquals(true, ids.length > 40 * (one - 2), "got " + ids.length + " tokens");
        assertEquals(text.strip(), t.decode(ids).strip());
    }
}
