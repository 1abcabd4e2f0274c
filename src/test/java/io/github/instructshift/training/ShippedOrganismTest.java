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

    /** The organism's targets (issue #7), as its model cards state them. */
    @Test
    void scoresMeetTheOrganismTargets() throws IOException {
        JsonNode s = read(MODELS.resolve(OrganismBuild.TUNED).resolve("scores.json"));
        assertEquals(s, read(MODELS.resolve(OrganismBuild.BASE).resolve("scores.json")), "both cards report one evaluation");
        assertEquals(200, s.get("held_out_examples").asInt());
        double base = s.get("base").get("held_out_exact_match").asDouble();
        double tuned = s.get("tuned").get("held_out_exact_match").asDouble();
        assertTrue(base < 0.1, "base follows < 10 %: " + s.get("base"));
        assertTrue(tuned >= 0.8, "tuned follows >= 80 %: " + s.get("tuned"));
        assertTrue(s.get("tuned").get("held_out_exact_match_per_split").get("HELDOUT_PHRASING").asDouble() >= 0.7,
                "held-out phrasings are followed too: " + s.get("tuned"));
        assertTrue(s.get("base").get("validation_perplexity").asDouble() < 0.5 * s.get("unigram_perplexity").asDouble(),
                "base perplexity well below the unigram baseline: " + s);
        JsonNode same = s.get("instruction_score_same_response");
        assertTrue(same.get("mean_tuned").asDouble() > same.get("mean_base").asDouble() && same.get("p").asDouble() < 0.01,
                "Finding 1 in miniature, the same responses under both models: " + same);
    }

    @Test
    void cardsStateTheirScores() throws IOException {
        JsonNode s = read(MODELS.resolve(OrganismBuild.TUNED).resolve("scores.json"));
        String tuned = String.format(java.util.Locale.ROOT, "| %.1f %% |", 100 * s.get("tuned").get("held_out_exact_match").asDouble());
        for (String name : new String[] {OrganismBuild.BASE, OrganismBuild.TUNED}) {
            String card = Files.readString(MODELS.resolve(name).resolve("README.md"));
            assertTrue(card.contains(tuned), name + " card states the tuned exact match " + tuned);
            assertTrue(card.contains("## Targets"), name + " card lists the targets");
        }
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
