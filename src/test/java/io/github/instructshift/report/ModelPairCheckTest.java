package io.github.instructshift.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pair is checked up front: same architecture, same tokenizer vocabulary. */
class ModelPairCheckTest {
    @TempDir
    Path tmp;

    private NotebookConfig config(Path base, Path tuned) {
        return NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE", base.toString(), "INSTRUCT_SHIFT_TUNED",
                tuned.toString()), tmp);
    }

    @Test
    void aGroupedQueryTunedModelIsRefusedSayingWhatDiffers() {
        ReportException e = assertThrows(ReportException.class, () -> ModelPair.open(
                config(Shared.fixture("tiny-llama"), Shared.fixture("tiny-llama3-gqa"))));
        String m = e.getMessage();
        assertTrue(m.contains("differ in architecture"), m);
        assertTrue(m.contains("base has num_key_value_heads = 4, tuned has 2"), m);
        assertTrue(m.contains("base has rope_type = default, tuned has llama3"), m);
        assertTrue(!m.contains("hidden_size") && !m.contains("\n"), "only what differs, in one line: " + m);
    }

    @Test
    void anotherFamilyIsRefusedByItsModelType() {
        String m = assertThrows(ReportException.class, () -> ModelPair.open(
                config(Shared.fixture("tiny-llama"), Shared.fixture("tiny-qwen2")))).getMessage();
        assertTrue(m.contains("base has model_type = llama, tuned has qwen2"), m);
    }

    @Test
    void aModelAndItsCopyHaveNoDifference() {
        var c = Checkpoint.open(Shared.fixture("tiny-llama")).config();
        assertNull(ModelPair.architectureDifference(c, c));
    }

    @Test
    void aTunedModelWithAnotherTokenizerVocabularyIsRefusedAsAttributePairedRefusesIt() throws Exception {
        Path tuned = tmp.resolve("swapped");
        PerturbedCheckpoint.write(Shared.fixture("tiny-llama"), tuned, 0.0, 1);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(tuned.resolve("tokenizer.json").toFile());
        ObjectNode vocab = (ObjectNode) tokenizer.path("model").path("vocab");
        // two ordinary pieces trade ids (the byte pieces are added tokens, which a vocabulary swap would not reach)
        int a = 300;
        int b = 301;
        String pa = key(vocab, a);
        String pb = key(vocab, b);
        vocab.put(pa, b);
        vocab.put(pb, a);
        json.writeValue(tuned.resolve("tokenizer.json").toFile(), tokenizer);
        String m = assertThrows(ReportException.class, () -> ModelPair.open(config(Shared.fixture("tiny-llama"), tuned)))
                .getMessage();
        assertTrue(m.contains("do not share one tokenizer vocabulary (token id 300 is '" + pa + "' and '" + pb + "')"), m);
    }

    private static String key(ObjectNode vocab, int id) {
        var fields = vocab.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (e.getValue().asInt() == id) {
                return e.getKey();
            }
        }
        throw new AssertionError("no piece has id " + id);
    }
}
