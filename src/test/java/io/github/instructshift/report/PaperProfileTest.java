package io.github.instructshift.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.TextSpan;
import io.github.instructshift.cli.FfnCommand;
import io.github.instructshift.cli.HeadsCommand;
import io.github.instructshift.ffn.FfnConcepts;
import io.github.instructshift.ffn.FfnSettings;
import io.github.instructshift.ffn.OfflineLabeller;
import io.github.instructshift.ffn.PcaOptions;
import io.github.instructshift.heads.HeadsOptions;
import io.github.instructshift.model.Generation;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paper profile's settings, the deviations the notebooks state, EOS and progress on a fixture pair. */
class PaperProfileTest {
    @TempDir
    Path tmp;

    private static int option(CommandLine cl, String name) {
        return cl.getCommandSpec().findOption(name).getValue();
    }

    private ModelPair pair(String profile) {
        return ModelPair.open(NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString(),
                "INSTRUCT_SHIFT_TUNED", Shared.fixture("tiny-llama").toString(), "INSTRUCT_SHIFT_PAPER",
                Shared.paper().toString(), "INSTRUCT_SHIFT_PROFILE", profile), tmp));
    }

    @Test
    void thePaperProfileRunsTheHeadsCommandsDefaultsOverTheShareGptVocabulary() {
        CommandLine cl = new CommandLine(new HeadsCommand());
        cl.parseArgs("--base", "b", "--tuned", "t", "--out", "o");
        HeadsOptions cli = new HeadsOptions(option(cl, "--top-k"), option(cl, "--dims"), option(cl, "--baseline"),
                option(cl, "--min-dims"), option(cl, "--general-verbs"));
        assertEquals(new HeadsOptions(100, 0, 3000, 2, 3000), cli, "the paper's numbers");
        try (ModelPair pair = pair("paper")) {
            HeadsRun.Plan plan = HeadsRun.plan(pair);
            assertEquals(cli, plan.options());
            assertTrue(plan.words().source().contains("SingleShareGPT_Vocab.tsv"), plan.words().source());
            assertEquals(null, plan.vectors());
        }
        try (ModelPair pair = pair("organism")) {
            HeadsOptions organism = HeadsRun.plan(pair).options();
            assertEquals(HeadsRun.TOP_K, organism.topK());
            assertEquals(HeadsRun.GENERAL_VERBS, organism.generalVerbs());
        }
    }

    @Test
    void thePaperProfileRunsTheFfnCommandsDefaults() {
        CommandLine cl = new CommandLine(new FfnCommand());
        cl.parseArgs("--base", "b", "--tuned", "t", "--out", "o");
        FfnSettings cli = new FfnSettings(new FfnConcepts.Options(option(cl, "--components"), option(cl, "--top-words"),
                option(cl, "--shown-words"), PcaOptions.defaults().withMethod(cl.getCommandSpec().findOption("--pca")
                .getValue())), option(cl, "--runs"), option(cl, "--layers-per-group"));
        assertEquals(new FfnSettings(new FfnConcepts.Options(300, 50, 15, PcaOptions.defaults()), 5, 4), cli);
        assertEquals(cli, FfnRun.settings(Profile.PAPER, 32, 4096), "a LLaMA-7B-shaped pair");
        FfnSettings organism = FfnRun.settings(Profile.ORGANISM, 8, 256);
        assertEquals(32, organism.concepts().components());
        assertEquals(2, organism.layersPerGroup());
    }

    @Test
    void theDeviationsSayWhatDiffersFromThePaperAndWhichKeyMatchesIt() {
        FfnConcepts.ModelConcepts concepts = new FfnConcepts.ModelConcepts("base", List.of(), List.of(), "pieces", List.of());
        Deviations paper7b = FfnRun.deviations(Profile.PAPER, FfnRun.settings(Profile.PAPER, 32, 4096), concepts,
                new OfflineLabeller());
        assertEquals(List.of("labeller"), paper7b.rows().stream().map(Deviations.Deviation::setting).toList());
        assertTrue(paper7b.text().contains("INSTRUCT_SHIFT_LABELLER"), paper7b.text());
        Deviations organism = FfnRun.deviations(Profile.ORGANISM, FfnRun.settings(Profile.ORGANISM, 8, 256), concepts,
                new OfflineLabeller());
        String text = organism.text();
        assertTrue(text.contains("components per layer (R): 32 (paper: 300)"), text);
        assertTrue(text.contains("top words per component: 30 (paper: 50)"), text);
        assertTrue(text.contains("labelling runs: 3 (paper: 5)") && text.contains("layers per group: 2 (paper: 4)"), text);
        assertTrue(text.contains("vocabulary: pieces"), text);

        try (ModelPair pair = pair("organism")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            HeadsRun heads = HeadsRun.run(pair, layers -> new Progress("heads", "layers", layers, out, System::nanoTime));
            String h = heads.deviations().text();
            assertTrue(h.contains("relatedness: ") && h.contains("(paper: GloVe 840B word vectors)")
                    && h.contains("INSTRUCT_SHIFT_VECTORS"), h);
            assertTrue(h.contains("top-K words per dimension and side: 40 (paper: 100)"), h);
            assertTrue(h.contains("general verbs: ") && h.contains("(paper: 3000)"), h);
            assertTrue(h.contains("words: "), h);
            String lines = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(lines.startsWith("heads: 3 layers to do"), lines);
            assertTrue(lines.contains("heads: 3/3 layers (100%)"), lines);
        }
    }

    @Test
    void ffnAndAttributionReportProgressPerLayerAndPerAnswer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ModelPair pair = pair("organism")) {
            FfnRun ffn = FfnRun.run(pair, (task, unit, total) -> new Progress(task, unit, total, out, System::nanoTime));
            String lines = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("ffn pca: 6/6 layers (100%)"), lines);
            int labels = ffn.labels().size();
            assertTrue(lines.contains("ffn labels (offline-lexicon): " + labels + "/" + labels + " labels (100%)"), lines);
            bytes.reset();
            List<EvalPrompts.EvalPrompt> prompts = EvalPrompts.tasks(2);
            new PairAttribution(pair, 3).scoreAll(prompts, new Progress("attribution", "answers", 4, out, System::nanoTime));
            lines = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("attribution: 4/4 answers (100%)") && lines.contains(", tuned]"), lines);
        }
    }

    @Test
    void aFinalEosIsNeverAttributed() throws Exception {
        Fixture f = Fixture.of("tiny-llama");
        EvalPrompts.EvalPrompt prompt = new EvalPrompts.EvalPrompt("p", "fixture", "raw", f.prompt(),
                List.of(new TextSpan(0, 5)));
        long[] free;
        try (ModelPair pair = pair("organism")) {
            Generation g = pair.generate(ModelRole.BASE, prompt.text(), 6);
            free = g.outputIds();
        }
        // a copy whose EOS is the greedy answer's third token: it stops there, on EOS
        long eos = free[2];
        assertNotEquals(eos, free[0]);
        assertNotEquals(eos, free[1]);
        Path stopping = tmp.resolve("stops");
        PerturbedCheckpoint.write(Shared.fixture("tiny-llama"), stopping, 0.0, 1);
        ObjectMapper json = new ObjectMapper();
        for (String file : List.of("generation_config.json", "config.json")) {
            ObjectNode node = (ObjectNode) json.readTree(stopping.resolve(file).toFile());
            node.put("eos_token_id", eos);
            json.writeValue(stopping.resolve(file).toFile(), node);
        }
        try (ModelPair pair = ModelPair.open(NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE",
                Shared.fixture("tiny-llama").toString(), "INSTRUCT_SHIFT_TUNED", stopping.toString()), tmp))) {
            assertEquals("eos", pair.generate(ModelRole.TUNED, prompt.text(), 6).stoppedOn());
            AttributionResult r = new PairAttribution(pair, 6).attribute(ModelRole.TUNED, prompt);
            assertEquals(2, r.responseTokens().size(), "the two tokens before EOS: " + r.responseTokens());
            assertEquals(2, r.raw()[0].length);
        }
    }
}
