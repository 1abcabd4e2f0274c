package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.attribution.AttributionPrompt;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.AttributionResults;
import io.github.instructshift.attribution.AttributionSummary;
import io.github.instructshift.attribution.GradientAttributor;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PromptAttributor;
import io.github.instructshift.attribution.PromptFiles;
import io.github.instructshift.attribution.ResultStore;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.report.PerturbedCheckpoint;
import io.github.instructshift.stats.PairedTTest;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code attribute --paired} on the fixtures: tiny-llama as the base and a perturbed copy of it (noise of
 * half each tensor's std, so the two give different greedy responses) as the tuned model.
 */
class PairedAttributeCommandTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Path tuned;
    static Path prompts;

    static final String[] TEXTS = {"Write a short poem about the sea. Make it rhyme.",
            "List three colours. Be brief.", "Translate the word cat into French.", "Say hello!"};

    @BeforeAll
    static void perturbedTwin() throws Exception {
        tuned = shared.resolve("tiny-llama-tuned");
        PerturbedCheckpoint.write(Fixture.of("tiny-llama").dir(), tuned, 0.5, 7);
        prompts = shared.resolve("prompts.txt");
        Files.writeString(prompts, String.join("\n", TEXTS) + "\n");
    }


    private static AttributeRun run(AttributeCommand cmd, String... args) {
        return AttributeRun.of(cmd, args);
    }

    private static AttributeRun run(String... args) {
        return run(new AttributeCommand(), args);
    }

    private static String[] pairedArgs(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("--base", Fixture.of("tiny-llama").dir().toString(),
                "--model", tuned.toString(), "--prompts", prompts.toString(), "--max-new-tokens", "6", "--paired",
                "--no-progress", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private static final List<String> IDS = List.of("line_1", "line_2", "line_3", "line_4");
    private static final List<String> DIRS = List.of("results/base", "results/tuned",
            "paired/tuned-on-base-response", "paired/base-on-tuned-response");

    @Test
    void forcedResultsCarryTheOtherModelsResponseAndEqualADirectAttribution() throws Exception {
        Path out = tmp.resolve("out");
        AttributeRun r = run(pairedArgs(out));
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("4 prompts x 2 model(s): 8 computed"), r.out());
        assertTrue(r.out().contains("paired: each model's responses under the other: 8 computed, 0 from an earlier run, "
                + "0 skipped"), r.out());

        ResultStore base = new ResultStore(out.resolve("results/base"));
        ResultStore tunedStore = new ResultStore(out.resolve("results/tuned"));
        ResultStore baseOnTuned = new ResultStore(out.resolve("paired/base-on-tuned-response"));
        ResultStore tunedOnBase = new ResultStore(out.resolve("paired/tuned-on-base-response"));
        int differ = 0;
        for (String id : IDS) {
            AttributionResult b = base.get(id);
            AttributionResult t = tunedStore.get(id);
            AttributionResult bt = baseOnTuned.get(id);
            AttributionResult tb = tunedOnBase.get(id);
            differ += b.responseTokens().equals(t.responseTokens()) ? 0 : 1;
            // forced: the other model's response, under this model, with this model's prompt and marks
            assertEquals(t.responseTokens(), bt.responseTokens(), id);
            assertEquals(b.responseTokens(), tb.responseTokens(), id);
            assertEquals(ModelRole.BASE, bt.role());
            assertEquals("tiny-llama", bt.model());
            assertEquals(ModelRole.TUNED, tb.role());
            assertEquals("tiny-llama-tuned", tb.model());
            assertEquals(b.promptTokens(), bt.promptTokens());
            assertArrayEquals(b.instructionMask(), bt.instructionMask());
            assertEquals(t.promptTokens(), tb.promptTokens());
        }
        assertTrue(differ >= 2, "the perturbed twin answers differently on most prompts (" + differ + " of 4)");
        assertFalse(Files.exists(out.resolve("results/base-on-tuned-response")),
                "OUT/results holds only own responses (attribution-tables reads it)");

        // the forced raw matrices are GradientAttributor's on the other model's greedy ids, computed here directly
        List<AttributionPrompt> ps = PromptFiles.read(prompts);
        Map<String, long[]> promptIds = new HashMap<>();
        Map<String, long[]> baseResponse = new HashMap<>();
        Map<String, long[]> tunedResponse = new HashMap<>();
        LoadOptions cpu = LoadOptions.parse("cpu", "float32");
        Checkpoint baseCkpt = Checkpoint.open(Fixture.of("tiny-llama").dir());
        Checkpoint tunedCkpt = Checkpoint.open(tuned);
        for (AttributionPrompt p : ps) {
            promptIds.put(p.id(), PromptAttributor.prepare(baseCkpt, PromptFormat.RAW, p).ids());
        }
        try (CausalLM lm = baseCkpt.load(cpu)) {
            greedy(lm, promptIds, baseResponse);
        }
        try (CausalLM lm = tunedCkpt.load(cpu)) {
            greedy(lm, promptIds, tunedResponse);
            GradientAttributor direct = new GradientAttributor(lm);
            for (String id : IDS) {
                assertRaw(direct.attribute(promptIds.get(id), baseResponse.get(id)), tunedOnBase.get(id), id);
            }
        }
        try (CausalLM lm = baseCkpt.load(cpu)) {
            GradientAttributor direct = new GradientAttributor(lm);
            for (String id : IDS) {
                assertRaw(direct.attribute(promptIds.get(id), tunedResponse.get(id)), baseOnTuned.get(id), id);
            }
        }

        // the paired summary: each response source's scores under both models, and the paired t-test of them
        JsonNode paired = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("paired");
        assertEquals(8, paired.get("pairs").asInt());
        assertTrue(paired.get("test").asText().contains("H1: mean(tuned - base) > 0"), paired.get("test").asText());
        JsonNode sets = paired.get("sets");
        assertEquals(4, sets.size(), sets.toString());                   // other and all, for each response source
        for (JsonNode s : sets) {
            String responses = s.get("responses").asText();
            ResultStore underBase = responses.equals("tuned") ? baseOnTuned : base;
            ResultStore underTuned = responses.equals("tuned") ? tunedStore : tunedOnBase;
            double[] b = IDS.stream().mapToDouble(id -> underBase.get(id).score()).toArray();
            double[] t = IDS.stream().mapToDouble(id -> underTuned.get(id).score()).toArray();
            PairedTTest.Result expected = PairedTTest.greater(t, b);
            assertEquals(4, s.get("n").asInt());
            assertEquals(expected.meanB(), s.get("base_mean").asDouble(), 1e-12);
            assertEquals(expected.meanA(), s.get("tuned_mean").asDouble(), 1e-12);
            assertEquals(expected.t(), s.get("t").asDouble(), 1e-9, s.toString());
            assertEquals(3, s.get("df").asInt());
            assertEquals(expected.p(), s.get("p").asDouble(), 1e-12);
            assertEquals(expected.pTwoSided(), s.get("p_two_sided").asDouble(), 1e-12);
            double half = expected.pTwoSided() / 2;
            assertEquals(expected.t() > 0 ? half : 1 - half, s.get("p").asDouble(), 1e-12, "one-sided, tuned > base");
        }
        List<String> csv = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals("id,set,responses,response_tokens,score_base,score_tuned,difference", csv.get(0));
        assertEquals(9, csv.size());
        String[] first = csv.get(1).split(",");
        assertEquals(List.of("line_1", "other", "tuned"), List.of(first[0], first[1], first[2]));
        assertEquals(baseOnTuned.get("line_1").score(), Double.parseDouble(first[4]), 0);
        assertEquals(tunedStore.get("line_1").score(), Double.parseDouble(first[5]), 0);
        assertTrue(r.out().contains("paired t-test on tuned - base, H1: tuned > base; one-sided p = two-sided p / 2"),
                r.out());

        // the Welch summary and scores.csv still hold only the own responses
        assertEquals(9, Files.readAllLines(out.resolve("scores.csv")).size(), "header + 4 prompts x 2 models");
    }

    private static void greedy(CausalLM lm, Map<String, long[]> promptIds, Map<String, long[]> into) {
        for (Map.Entry<String, long[]> e : promptIds.entrySet()) {
            Generation g = lm.generate(e.getValue(), 6);
            long[] ids = g.outputIds();
            into.put(e.getKey(), "eos".equals(g.stoppedOn()) ? Arrays.copyOf(ids, ids.length - 1) : ids);
        }
    }

    private static void assertRaw(float[][] direct, AttributionResult stored, String id) {
        assertEquals(direct.length, stored.raw().length, id);
        for (int n = 0; n < direct.length; n++) {
            assertEquals(direct[n].length, stored.raw()[n].length, id);
            for (int m = 0; m < direct[n].length; m++) {
                assertEquals(direct[n][m], stored.raw()[n][m], 0.0, id + " [" + n + "][" + m + "]");
            }
        }
    }

    @Test
    void aKilledPairedRunResumesToTheSameRecords() throws Exception {
        Path reference = tmp.resolve("reference");
        assertEquals(0, run(pairedArgs(reference)).rc());

        // killed after 13 of 16 results: base, tuned, tuned on the base responses done, and 1 of base on the
        // tuned responses
        Path resumed = tmp.resolve("resumed");
        AttributeCommand killed = new AttributeCommand();
        int[] stored = {0};
        killed.afterStore = row -> {
            if (++stored[0] == 13) {
                throw new AttributeRun.SimulatedKill();
            }
        };
        assertEquals(137, run(killed, pairedArgs(resumed)).rc());
        Path forced = resumed.resolve("paired/base-on-tuned-response");
        assertEquals(1, files(forced).size());
        // what a kill can leave: a temporary file, a result cut short; and a stale forced result, here the base
        // model's own result (not on the tuned response) where base-on-tuned belongs, for a prompt the two answer
        // differently
        Files.writeString(forced.resolve(".line_2.json123.partial"), "{\"id\":\"li");
        Path cut = resumed.resolve("paired/tuned-on-base-response/line_4.json");
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        String stale = IDS.stream().filter(id -> !new ResultStore(resumed.resolve("results/base")).get(id).responseTokens()
                .equals(new ResultStore(resumed.resolve("results/tuned")).get(id).responseTokens())).findFirst().orElseThrow();
        Files.copy(resumed.resolve("results/base").resolve(stale + ".json"), forced.resolve(stale + ".json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int recompute = 1 + (stale.equals("line_1") ? 4 : 3);     // line_4 of tuned-on-base; base-on-tuned less line_1

        AttributeRun again = run(pairedArgs(resumed));
        assertEquals(0, again.rc(), again.err());
        assertTrue(again.out().contains("0 computed, 8 from an earlier run"), again.out());
        assertTrue(again.out().contains("paired: each model's responses under the other: " + recompute + " computed, "
                + (8 - recompute) + " from an earlier run"), again.out());
        assertTrue(again.err().contains("line_4.json could not be read"), again.err());
        assertTrue(again.err().contains(stale + ".json was not on the tuned model's stored response"), again.err());

        for (String dir : DIRS) {
            List<Path> ours = files(resumed.resolve(dir));
            assertEquals(IDS.stream().map(id -> id + ".json").toList(),
                    ours.stream().map(p -> p.getFileName().toString()).toList(), dir + ": exactly one record per prompt");
            for (Path p : ours) {
                assertSame(AttributionResult.load(reference.resolve(dir).resolve(p.getFileName())),
                        AttributionResult.load(p));
            }
        }
        for (String file : List.of("paired.csv", "summary.csv", "scores.csv")) {
            assertEquals(Files.readString(reference.resolve(file)), Files.readString(resumed.resolve(file)), file);
        }
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(reference.resolve("summary.json").toFile()).get("paired").get("sets"),
                json.readTree(resumed.resolve("summary.json").toFile()).get("paired").get("sets"));

        // once more: nothing to compute, no model loaded
        AttributeRun noop = run(pairedArgs(resumed));
        assertEquals(0, noop.rc(), noop.err());
        assertTrue(noop.out().contains("paired: each model's responses under the other: 0 computed, 8 from an earlier "
                + "run"), noop.out());

        // a run that was not paired becomes one: its own results are kept, only the forced ones are computed
        Path plain = tmp.resolve("plain");
        String[] unpaired = Arrays.stream(pairedArgs(plain)).filter(a -> !a.equals("--paired")).toArray(String[]::new);
        assertEquals(0, run(unpaired).rc());
        assertFalse(Files.exists(plain.resolve("paired")));
        AttributeRun upgraded = run(pairedArgs(plain));
        assertEquals(0, upgraded.rc(), upgraded.err());
        assertTrue(upgraded.out().contains("0 computed, 8 from an earlier run"), upgraded.out());
        assertTrue(upgraded.out().contains("paired: each model's responses under the other: 8 computed"), upgraded.out());
        assertEquals(Files.readString(reference.resolve("paired.csv")), Files.readString(plain.resolve("paired.csv")));
    }

    private static void assertSame(AttributionResult a, AttributionResult b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.model(), b.model());
        assertEquals(a.role(), b.role());
        assertEquals(a.promptTokens(), b.promptTokens());
        assertEquals(a.responseTokens(), b.responseTokens());
        assertEquals(a.score(), b.score(), 0.0, a.id());
        assertArrayEquals(a.densities(), b.densities(), 0.0);
        for (int n = 0; n < a.levels().length; n++) {
            assertArrayEquals(a.levels()[n], b.levels()[n], 0.0);
            assertArrayEquals(a.raw()[n], b.raw()[n], 0.0);
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void pairedNeedsBothModelsAndOneVocabulary() throws Exception {
        Path baseDir = Fixture.of("tiny-llama").dir();
        // a copy of tiny-llama whose tokenizer gives two pieces each other's ids
        Path other = tmp.resolve("other-vocab");
        Files.createDirectories(other);
        for (String name : List.of("config.json", "generation_config.json", "tokenizer_config.json", "model.safetensors")) {
            Files.copy(baseDir.resolve(name), other.resolve(name));
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode tok = json.readTree(baseDir.resolve("tokenizer.json").toFile());
        ObjectNode vocab = (ObjectNode) tok.get("model").get("vocab");
        String a = null;
        String b = null;
        for (Iterator<String> names = vocab.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            a = vocab.get(n).asInt() == 300 ? n : a;
            b = vocab.get(n).asInt() == 301 ? n : b;
        }
        assertTrue(a != null && b != null);
        vocab.put(a, 301);
        vocab.put(b, 300);
        json.writeValue(other.resolve("tokenizer.json").toFile(), tok);

        Path out = tmp.resolve("o");
        AttributeRun r = run("--base", baseDir.toString(), "--model", other.toString(), "--prompt", "Say hi.", "--paired",
                "--out", out.toString());
        assertEquals(2, r.rc(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: --paired needs one tokenizer vocabulary"), r.err());
        assertTrue(r.err().contains(baseDir.toAbsolutePath().normalize().toString())
                && r.err().contains(other.toAbsolutePath().normalize().toString()), r.err());
        assertTrue(r.err().contains("token id 300"), r.err());
        assertFalse(Files.exists(out.resolve("run.json")), "nothing written");

        // without --paired the same pair is fine (nothing is forced across vocabularies)
        assertEquals(0, run("--base", baseDir.toString(), "--model", other.toString(), "--prompt", "Say hi.",
                "--max-new-tokens", "2", "--no-progress", "--out", out.toString()).rc());

        AttributeRun single = run("--model", baseDir.toString(), "--prompt", "Say hi.", "--paired", "--out",
                tmp.resolve("o2").toString());
        assertEquals(2, single.rc());
        assertTrue(single.err().startsWith("error: --paired needs --base"), single.err());
        assertNotEquals(0, Main.run("attribute", "--model", baseDir.toString(), "--paired", "--prompt", "x",
                "--out", tmp.resolve("o3").toString()));
    }
}
