package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The committed pair under {@code data/models} is what its model cards say: it loads through the
 * ordinary engine, its scores meet the organism's targets, and its answers on held-out prompts are
 * reproduced exactly (greedy decoding is deterministic, so a changed engine or file shows here).
 */
class ShippedOrganismTest {
    private static final Path MODELS = Path.of("data", "models");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode read(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), "missing " + file + ": run ./instruct-shift organism build");
        return JSON.readTree(file.toFile());
    }

    /**
     * The targets the shipped pair meets. Not yet met, and so not asserted (issue #7 stays open): the
     * tuned model's ≥ 80 % exact match (it has 27 %) and Finding 1 in miniature at p < 0.01.
     */
    @Test
    void scoresMeetTheBaseSideTargets() throws IOException {
        JsonNode s = read(MODELS.resolve(OrganismBuild.TUNED).resolve("scores.json"));
        assertEquals(s, read(MODELS.resolve(OrganismBuild.BASE).resolve("scores.json")), "both cards report one evaluation");
        double base = s.get("base").get("held_out_exact_match").asDouble();
        double tuned = s.get("tuned").get("held_out_exact_match").asDouble();
        assertTrue(base < 0.1, "base follows < 10 %: " + s.get("base"));
        assertTrue(tuned > base + 0.2, "tuning taught the tasks: " + tuned + " vs " + base);
        assertTrue(s.get("base").get("validation_perplexity").asDouble() < 0.5 * s.get("unigram_perplexity").asDouble(),
                "base perplexity well below the unigram baseline: " + s);
        assertEquals(208, s.get("held_out_examples").asInt());
    }

    @Test
    void heldOutAnswersAreReproduced() throws IOException {
        for (String name : new String[] {OrganismBuild.BASE, OrganismBuild.TUNED}) {
            Path dir = MODELS.resolve(name);
            JsonNode answers = read(dir.resolve("held-out-answers.json"));
            JsonNode prompts = read(dir.resolve("held-out-prompts.json"));
            try (CausalLM lm = Checkpoint.open(dir).load(LoadOptions.defaults())) {
                assertEquals("llama", lm.config().modelType());
                for (int i = 0; i < answers.size(); i += 13) {           // a sample across tasks
                    JsonNode a = answers.get(i);
                    String prompt = prompts.get(a.get("id").asText()).asText();
                    Generation g = lm.generate(lm.tokenizer().encode(prompt, true), 24);
                    long[] out = Arrays.stream(g.outputIds()).filter(t -> !lm.config().eosTokenIds().contains((int) t)).toArray();
                    assertEquals(a.get("output").asText(), lm.tokenizer().decode(out).trim(), name + " " + a.get("id"));
                }
            }
        }
    }
}
