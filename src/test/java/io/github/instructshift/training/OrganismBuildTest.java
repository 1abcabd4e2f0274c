package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code organism build --quick} end to end: every stage runs, the two checkpoints load through the
 * ordinary engine, the evaluation and model cards are written, and running it again resumes every stage
 * (nothing retrained) and reproduces the evaluation exactly. Needs the npm registry or the corpus in
 * {@code data/cache/npm}, as the real build does.
 */
class OrganismBuildTest {

    @Test
    void quickBuildRunsEveryStageAndResumes(@TempDir Path tmp) throws Exception {
        Path models = tmp.resolve("models");
        Path work = tmp.resolve("work");
        OrganismBuild.Config config = OrganismBuild.Config.quick();
        OrganismBuild.Result first = OrganismBuild.run(models, work, Path.of("data", "cache", "npm"), config);

        for (Path dir : List.of(first.base(), first.tuned())) {
            for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "generation_config.json",
                    "README.md", "scores.json", "held-out-answers.json", "held-out-prompts.json")) {
                assertTrue(Files.isRegularFile(dir.resolve(f)), dir + "/" + f);
            }
            try (CausalLM lm = Checkpoint.open(dir).load(LoadOptions.defaults())) {
                assertEquals("llama", lm.config().modelType());
            }
            assertTrue(Files.readString(dir.resolve("README.md")).contains("## Targets"), dir + " card has its targets");
        }
        JsonNode scores = new ObjectMapper().readTree(first.tuned().resolve("scores.json").toFile());
        assertEquals(config.evaluateLimit(), scores.get("held_out_examples").asInt());
        for (String model : List.of("base", "tuned")) {
            double followed = scores.get(model).get("held_out_exact_match").asDouble();
            assertTrue(followed >= 0 && followed <= 1, model + ": " + followed);
            assertEquals(2, scores.get(model).get("held_out_exact_match_per_split").size(), scores.get(model).toString());
            JsonNode copying = scores.get(model).get("in_context_copying");
            assertEquals(OrganismBuild.COPYING_SPANS, copying.get("spans").asInt(), copying.toString());
            assertTrue(copying.get("first_copy_loss").asDouble() > 0 && copying.get("second_copy_loss").asDouble() > 0, copying.toString());
        }
        assertTrue(Files.readString(first.tuned().resolve("README.md")).contains("in-context copying"), "card shows the copying probe");
        assertTrue(scores.get("finding1").get("same_responses").has("prompts"), scores.toString());
        for (String f : List.of("finding2_heads", "finding3_ffn")) {
            assertTrue(scores.get("findings").has(f), f + " measured: " + scores);
        }
        assertTrue(Files.isRegularFile(first.base().resolve(io.github.instructshift.report.HeadsRun.ORGANISM_VECTORS)));

        byte[] tunedWeights = Files.readAllBytes(first.tuned().resolve("model.safetensors"));
        // training is deterministic, so equal weights alone would not show a stage was skipped: its saved
        // state must not have been written again either
        List<Path> states = List.of(work.resolve("pretrain/state/progress.json"), work.resolve("finetune/state/progress.json"));
        List<FileTime> written = new java.util.ArrayList<>();
        for (Path p : states) {
            written.add(Files.getLastModifiedTime(p));
        }
        Thread.sleep(1100);   // file times may have a one-second resolution
        OrganismBuild.Result again = OrganismBuild.run(models, work, Path.of("data", "cache", "npm"), config);
        assertEquals(first.scores().toString(), again.scores().toString(), "a resumed build evaluates the same pair");
        assertArrayEquals(tunedWeights, Files.readAllBytes(again.tuned().resolve("model.safetensors")));
        for (int i = 0; i < states.size(); i++) {
            assertEquals(written.get(i), Files.getLastModifiedTime(states.get(i)), "retrained: " + states.get(i));
        }
    }

    /** The command's overrides change only what they name: the 18-field record is easy to misorder by hand. */
    @Test
    void overridesChangeOnlyWhatTheyName() {
        OrganismBuild.Config d = OrganismBuild.Config.defaults();
        OrganismBuild.Config c = d.withSteps(7, 3).withRun(99, true, ai.djl.Device.gpu(1));
        assertEquals(new OrganismBuild.Config(99, 7, d.pretrainBatch(), d.context(), d.pretrainLr(), 3, d.finetuneBatch(),
                d.finetuneLr(), d.textPerBatch(), d.tuneContext(), d.checkpointEvery(), d.evaluateLimit(), true,
                ai.djl.Device.gpu(1), d.maxSourceChars(), d.minVerbCount(), d.vocabCandidates(), d.smoke()), c);
        assertEquals(d, d.withSteps(d.pretrainSteps(), d.finetuneSteps()).withRun(d.seed(), d.npmOffline(), d.device()));
    }
}
