package io.github.instructshift.report;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.TextSpan;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.organism.InstructionTask;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pair-side helpers on the tiny-llama fixture and a perturbed copy of it. */
class PairReportTest {
    @TempDir
    static Path tmp;
    static ModelPair pair;
    static NotebookConfig config;

    @BeforeAll
    static void openPair() throws Exception {
        PerturbedCheckpoint.write(Shared.fixture("tiny-llama"), tmp.resolve("tiny-llama-tuned"), 0.05, 7);
        config = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString(),
                "INSTRUCT_SHIFT_TUNED", tmp.resolve("tiny-llama-tuned").toString(),
                "INSTRUCT_SHIFT_FIGURES", tmp.resolve("figures").toString(), "INSTRUCT_SHIFT_PROFILE", "organism"), tmp);
        pair = ModelPair.open(config);
    }

    @AfterAll
    static void closePair() {
        pair.close();
    }

    @Test
    void thePerturbedCopyKeepsTheShapeAndMovesEveryMatrixByTheAskedScale() throws Exception {
        Checkpoint copy = Checkpoint.open(tmp.resolve("tiny-llama-tuned"));
        assertEquals(Checkpoint.open(Shared.fixture("tiny-llama")).config(), copy.config());
        assertTrue(Files.readString(tmp.resolve("tiny-llama-tuned/tokenizer.json"))
                .equals(Files.readString(Shared.fixture("tiny-llama").resolve("tokenizer.json"))));
        Table change = WeightChange.table(pair);
        assertEquals(3 * WeightChange.ROLES.size(), change.rowCount());
        // noise of 0.05 std on near-zero-mean weights: ‖ΔW‖/‖W‖ ≈ 0.05 (thousands of entries per matrix)
        for (double rel : change.doubleColumn("relative_change").asDoubleArray()) {
            assertTrue(rel > 0.045 && rel < 0.055, "relative change " + rel + "\n" + change.print());
        }
    }

    @Test
    void aPairOfAModelWithItselfHasNotMoved() {
        NotebookConfig same = NotebookConfig.resolve(Map.of("INSTRUCT_SHIFT_BASE", Shared.fixture("tiny-llama").toString(),
                "INSTRUCT_SHIFT_TUNED", Shared.fixture("tiny-llama").toString()), tmp);
        try (ModelPair p = ModelPair.open(same)) {
            for (double rel : WeightChange.table(p).doubleColumn("relative_change").asDoubleArray()) {
                assertEquals(0.0, rel);
            }
            assertEquals("llama", p.describe().stringColumn("base").get(2));
        }
    }

    @Test
    void taskPromptsCoverEveryTaskWithHeldOutPhrasingsAndMarkExactlyTheInstructionLine() {
        int count = 2 * InstructionTask.values().length;
        List<EvalPrompts.EvalPrompt> prompts = EvalPrompts.tasks(count);
        assertEquals(count, prompts.stream().map(EvalPrompts.EvalPrompt::id).distinct().count());
        Set<String> heldOut = new HashSet<>();
        for (InstructionTask t : InstructionTask.values()) {
            heldOut.addAll(t.heldOutPhrasings());
        }
        Set<String> ids = new HashSet<>();
        for (EvalPrompts.EvalPrompt p : prompts) {
            String line = p.text().substring(p.text().indexOf(": ") + 2, p.text().indexOf(io.github.instructshift.organism.AlpacaFormat.INPUT_HEADER));
            assertEquals(line, p.instructionText(), p.id());
            assertTrue(heldOut.stream().anyMatch(h -> h.split("\\{")[0].equals(line.substring(0,
                    Math.min(line.length(), h.split("\\{")[0].length())))), p.id() + ": not a held-out phrasing: " + line);
            ids.add(p.id().replaceAll("_\\d+$", ""));
        }
        assertEquals(InstructionTask.values().length, ids.size(), "every task");
    }

    @Test
    void paperPromptsAreTheShortestOfEachSetWithTheirMarkedSentences() {
        List<EvalPrompts.EvalPrompt> prompts = EvalPrompts.paper(Shared.paper(), 2);
        assertEquals(6, prompts.size());
        assertEquals(List.of("self-instruct", "self-instruct", "lima", "lima", "mt-bench", "mt-bench"),
                prompts.stream().map(EvalPrompts.EvalPrompt::set).toList());
        for (int i = 0; i < prompts.size(); i += 2) {
            assertTrue(prompts.get(i).text().length() <= prompts.get(i + 1).text().length());
        }
        for (EvalPrompts.EvalPrompt p : prompts) {
            assertFalse(p.instruction().isEmpty(), p.id());
            for (TextSpan s : p.instruction()) {
                assertFalse(s.of(p.text()).isBlank(), p.id());
            }
        }
    }

    @Test
    void attributionOnThePairMatchesTransformersAndMasksTheInstructionTokens() {
        Fixture f = Fixture.of("tiny-llama");
        String prompt = f.prompt();
        int cut = Math.max(prompt.indexOf(' ', prompt.length() / 3), 1);
        EvalPrompts.EvalPrompt p = new EvalPrompts.EvalPrompt("fixture", "fixture", "raw", prompt,
                List.of(new TextSpan(0, cut)));
        AttributionResult r = new PairAttribution(pair, 12).attribute(ModelRole.BASE, p);
        float[] expected;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            expected = f.tensor("attribution_raw", m).toFloatArray();
        }
        int cols = r.responseTokens().size();
        assertEquals(expected.length, r.raw().length * cols, "prompt tokens (BOS dropped) x 12 answer tokens");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(r.raw()[i / cols][i % cols] - expected[i]));
        }
        assertTrue(worst <= 1e-4 * scale + 1e-7, "max |delta| " + worst + " of " + scale);
        // the marked tokens spell the instruction span
        StringBuilder marked = new StringBuilder();
        for (int n = 0; n < r.promptTokens().size(); n++) {
            if (r.instructionMask()[n]) {
                marked.append(r.promptTokens().get(n).replace('\u2581', ' '));
            }
        }
        assertEquals(prompt.substring(0, cut).strip(), marked.toString().strip());
        assertEquals("tiny-llama", r.model());
    }

    @Test
    void theComparisonIsThePapersTable2ShapeWithWelchsOneSidedP() {
        List<EvalPrompts.EvalPrompt> prompts = EvalPrompts.tasks(3);
        double[] base = {1, 2, 3};
        double[] tuned = {2, 3, 4};
        List<AttributionResult> b = new java.util.ArrayList<>();
        List<AttributionResult> t = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            b.add(result(prompts.get(i).id(), ModelRole.BASE, base[i]));
            t.add(result(prompts.get(i).id(), ModelRole.TUNED, tuned[i]));
        }
        List<InstructionTables.Row> rows = new PairAttribution.Scores(prompts, b, t).comparison();
        assertEquals(2, rows.size(), "one set, no 'all' row");
        assertEquals(2.0, rows.get(0).mean(), 1e-12);
        assertEquals(3.0, rows.get(1).mean(), 1e-12);
        assertEquals(Math.sqrt(2.0 / 3), rows.get(0).std(), 1e-12);
        // t = -1.2247 on 4 degrees of freedom: P(T < t) by numerical integration of the t density
        assertEquals(0.143932, rows.get(0).p(), 1e-5);
    }

    private static AttributionResult result(String id, ModelRole role, double score) {
        return new AttributionResult(id, "m", role, "raw", List.of("a"), List.of("b"), null, new double[][] {{1}}, 7,
                new double[] {1}, new boolean[] {true}, List.of(), score);
    }

    @Test
    void theHeatMapShadesByDensityAndGrowsWithTheResults() {
        AttributionResult hot = new AttributionResult("x", "m", ModelRole.BASE, "raw", List.of("\u2581write", "\u2581it"),
                List.of("ok"), null, new double[][] {{10}, {0}}, 7, new double[] {1, 0}, new boolean[] {true, false},
                List.of(), 1);
        AttributionResult cold = new AttributionResult("x", "m", ModelRole.TUNED, "raw", List.of("\u2581write", "\u2581it"),
                List.of("ok"), null, new double[][] {{0}, {0}}, 7, new double[] {0, 0}, new boolean[] {true, false},
                List.of(), 0);
        int red = Heatmaps.red(1).getRGB();
        int legend = count(Heatmaps.densities(600, cold).image(), red);     // the legend's darkest swatch only
        assertTrue(count(Heatmaps.densities(600, hot).image(), red) > legend + 100, "the dense token is dark red");
        assertTrue(Heatmaps.densities(600, hot, cold).height() > Heatmaps.densities(600, hot).height());
        int cell = count(Heatmaps.levels(hot, 10).image(), red) - count(Heatmaps.levels(cold, 10).image(), red);
        assertTrue(cell >= 15 * 15 && cell <= 16 * 16, "one level-10 cell of 16x16 pixels (less its frame) is dark red: " + cell);
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += image.getRGB(x, y) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void theFindingsRoundTripThroughTheFiguresFolderIntoOneSummary() {
        Figures figures = Figures.at(config);
        HeadsRun heads = HeadsRun.run(pair);
        assertEquals(3, heads.report().groups().size(), "3 layers: one group each");
        assertTrue(heads.report().generalVerbs().size() > 10, "general verbs are in the vocabulary as whole words");
        FfnRun ffn = FfnRun.run(pair);
        assertEquals(8, ffn.components(), "d_model 64: R = 8, a real part of the space");
        assertEquals(3, ffn.rotation().size());
        List<EvalPrompts.EvalPrompt> prompts = EvalPrompts.tasks(2);
        PairAttribution.Scores scores = new PairAttribution(pair, 4).scoreAll(prompts);
        figures.json(Findings.PAIR, Findings.pair(pair));
        figures.json(Findings.ATTRIBUTION, Findings.attribution(scores, PaperTables.compute(config)));
        figures.json(Findings.HEADS, heads.summary());
        figures.json(Findings.FFN, ffn.summary());
        Findings.Summary summary = Findings.collect(figures.dir());
        BufferedImage chart = Findings.write(summary, figures);
        assertEquals(3 * 520, chart.getWidth());
        for (String f : List.of("summary.json", "summary.txt", "summary.csv", "summary.png", "summary.svg", "summary.html")) {
            assertTrue(Files.isRegularFile(figures.dir().resolve(f)), f);
        }
        String text = summary.text();
        assertTrue(text.contains("pair: tiny-llama (base) vs tiny-llama-tuned (tuned)"), text);
        assertTrue(text.contains("finding 1, instruction score [organism-tasks]"), text);
        assertTrue(text.contains("finding 2, layers 0-0") && text.contains("finding 3"), text);
        assertTrue(summary.attribution().path("paper_table2").isNull(), "no paper folder given");
        assertTrue(summary.table().stringColumn("finding").asList().stream().collect(Collectors.toSet())
                .containsAll(Set.of("1 attribution", "2 heads", "3 FFN")));
        assertNotNull(summary.heads().path("most_changed_head").path("layer"));
    }

    @Test
    void aMissingFindingNamesTheNotebookToRunFirst() {
        ReportException e = org.junit.jupiter.api.Assertions.assertThrows(ReportException.class,
                () -> Findings.collect(tmp.resolve("nothing-here")));
        assertTrue(e.getMessage().contains("run notebooks/00-models.ipynb first"), e.getMessage());
    }
}
