package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.ResultStore;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code attribute} command on the fixtures: tiny-llama stands in for both base and tuned (plumbing,
 * not findings). Short responses keep it quick.
 */
class AttributeCommandTest {
    @TempDir
    Path tmp;



    private static AttributeRun run(AttributeCommand cmd, String... args) {
        return AttributeRun.of(cmd, args);
    }

    private static AttributeRun run(String... args) {
        return run(new AttributeCommand(), args);
    }

    private static String[] pairArgs(Path out) {
        String model = Fixture.of("tiny-llama").dir().toString();
        return new String[] {"--model", model, "--base", model, "--paper", Shared.paper().toString(),
                "--set", "self-instruct", "--limit", "3", "--max-new-tokens", "5", "--out", out.toString()};
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aKilledPairRunResumesWithoutLossOrDuplicates() throws Exception {
        Path reference = tmp.resolve("reference");
        AttributeRun full = run(pairArgs(reference));
        assertEquals(0, full.rc(), full.err());
        assertTrue(full.out().contains("3 prompts x 2 model(s): 6 computed, 0 from an earlier run"), full.out());
        assertTrue(full.err().contains("base tiny-llama"), "progress bar on stderr: " + full.err());

        // a run killed after 4 of its 6 results (base done, tuned 1 of 3)
        Path resumed = tmp.resolve("resumed");
        AttributeCommand killed = new AttributeCommand();
        int[] stored = {0};
        killed.afterStore = row -> {
            if (++stored[0] == 4) {
                throw new AttributeRun.SimulatedKill();
            }
        };
        assertEquals(137, run(killed, pairArgs(resumed)).rc());
        Path base = resumed.resolve("results/base");
        Path tuned = resumed.resolve("results/tuned");
        assertEquals(3, files(base).size());
        assertEquals(1, files(tuned).size());
        // what else a kill or a careless copy can leave: a temporary file of a write in flight, and a
        // result file cut short (ResultStore never writes one, but a copy that was interrupted does)
        Files.writeString(tuned.resolve(".user_oriented_task_1.json8731.partial"), "{\"id\":\"user_orie");
        Path last = tuned.resolve("user_oriented_task_0.json");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        String[] args = pairArgs(resumed);
        String[] quiet = java.util.Arrays.copyOf(args, args.length + 1);
        quiet[args.length] = "--no-progress";
        AttributeRun again = run(quiet);
        assertEquals(0, again.rc(), again.err());
        assertTrue(again.out().contains("3 computed, 3 from an earlier run"), again.out());
        assertTrue(again.err().contains("could not be read"), again.err());
        assertFalse(again.err().contains("tuned tiny-llama"), "--no-progress: " + again.err());

        for (String role : List.of("base", "tuned")) {
            List<Path> ours = files(resumed.resolve("results").resolve(role));
            assertEquals(List.of("user_oriented_task_0.json", "user_oriented_task_1.json", "user_oriented_task_2.json"),
                    ours.stream().map(p -> p.getFileName().toString()).toList(), "exactly one record per prompt");
            for (Path p : ours) {
                assertSameResult(AttributionResult.load(reference.resolve("results").resolve(role).resolve(p.getFileName())),
                        AttributionResult.load(p));
            }
        }
        assertEquals(Files.readString(reference.resolve("summary.csv")), Files.readString(resumed.resolve("summary.csv")));
        assertEquals(Files.readString(reference.resolve("scores.csv")), Files.readString(resumed.resolve("scores.csv")));

        // a finished run resumed once more loads no model and changes nothing
        AttributeRun noop = run(pairArgs(resumed));
        assertEquals(0, noop.rc(), noop.err());
        assertTrue(noop.out().contains("0 computed, 6 from an earlier run"), noop.out());
    }

    private static void assertSameResult(AttributionResult a, AttributionResult b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.role(), b.role());
        assertEquals(a.promptTokens(), b.promptTokens());
        assertEquals(a.responseTokens(), b.responseTokens());
        assertEquals(a.score(), b.score(), 0.0, a.id());
        assertArrayEquals(a.densities(), b.densities(), 0.0);
        assertArrayEquals(a.instructionMask(), b.instructionMask());
        for (int n = 0; n < a.levels().length; n++) {
            assertArrayEquals(a.levels()[n], b.levels()[n], 0.0);
            assertArrayEquals(a.raw()[n], b.raw()[n], 0.0);
        }
    }

    @Test
    void summaryMatchesTable2AndRecordsWhatWasComputed() throws Exception {
        Path out = tmp.resolve("out");
        AttributeRun r = run(pairArgs(out));
        assertEquals(0, r.rc(), r.err());
        List<AttributionResult> base = new ResultStore(out.resolve("results/base")).loadAll();
        List<AttributionResult> tuned = new ResultStore(out.resolve("results/tuned")).loadAll();
        assertEquals(3, base.size());
        for (AttributionResult t : tuned) {
            assertEquals(ModelRole.TUNED, t.role());
            assertEquals("tiny-llama", t.model());
            assertEquals("raw", t.promptFormat());
            assertTrue(t.responseTokens().size() <= 5);
            assertTrue(t.raw() != null);
            int marked = 0;
            for (boolean m : t.instructionMask()) {
                marked += m ? 1 : 0;
            }
            assertTrue(marked > 0 && marked < t.promptTokens().size(), t.id() + ": " + marked + " instruction tokens");
        }
        // the self-instruct rows are attribution-tables' table2 rows of the same results
        List<InstructionTables.Row> t2 = InstructionTables.table2(base, tuned);
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals("set,group,n,mean,std,p", csv.get(0));
        for (InstructionTables.Row row : t2) {
            String line = csv.stream().filter(l -> l.startsWith(row.set() + "," + row.group() + ",")).findFirst().orElseThrow();
            String[] f = line.split(",");
            assertEquals(row.n(), Integer.parseInt(f[2]));
            assertEquals(row.mean(), Double.parseDouble(f[3]), 1e-12);
            assertEquals(row.std(), Double.parseDouble(f[4]), 1e-12);
            assertEquals(row.p(), Double.parseDouble(f[5]), 1e-12);
        }
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("all,base,3,")), String.join("\n", csv));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(3, summary.get("prompts").asInt());
        assertEquals(6, summary.get("computed").asInt());
        assertEquals(5, summary.get("settings").get("max_new_tokens").asInt());
        JsonNode all = summary.get("sets").get(summary.get("sets").size() - 1);
        assertEquals("all", all.get("set").asText());
        assertEquals(3, all.get("tuned").get("n").asInt());
        assertTrue(all.has("t") && all.has("df") && all.has("p"));
        assertEquals(7, Files.readAllLines(out.resolve("scores.csv")).size(), "header + 3 prompts x 2 models");
        assertTrue(r.out().contains("instruction score (Welch's t-test, H1: base < tuned)"), r.out());

        // attribution-tables reads the results folder (base and tuned told apart by role)
        Path ratings = tmp.resolve("ratings.tsv");
        StringBuilder tsv = new StringBuilder("File\tModel\tPrompt\tReference\tInstruct\tResponse\tRating\n");
        for (int i = 0; i < 3; i++) {
            tsv.append("user_oriented_task_").append(i).append(".pkl\tvicuna_7B\tp\tr\ti\tresp\t").append(i == 0 ? 1 : 3).append('\n');
        }
        Files.writeString(ratings, tsv);
        AttributionTablesCommand tables = new AttributionTablesCommand();
        tables.stdout = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(0, new CommandLine(tables).execute("--results", out.resolve("results").toString(),
                "--ratings", ratings.toString(), "--out", tmp.resolve("tables").toString()));
        List<String> table2 = Files.readAllLines(tmp.resolve("tables/table2.csv"));
        assertEquals(csv.subList(0, 3), table2, "summary.csv's set rows are table2.csv");
    }

    @Test
    void userFilesMarkTheGivenSpansOrTheFirstSentence() throws Exception {
        Fixture f = Fixture.of("tiny-llama");
        String text = "Rewrite the sentence. Keep it short.\nInput: the cat sat.";
        int keep = text.indexOf("Keep it short.");
        Path jsonl = tmp.resolve("prompts.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        lines.add(json.writeValueAsString(java.util.Map.of("id", "spans", "prompt", text,
                "instruction_spans", List.of(List.of(keep, keep + "Keep it short.".length())))));
        lines.add(json.writeValueAsString(java.util.Map.of("prompt", text)));
        lines.add("");
        lines.add(json.writeValueAsString(java.util.Map.of("id", "fragments", "prompt", text,
                "instruction_fragments", List.of("it short", "not in the prompt"))));
        Files.write(jsonl, lines);
        Path out = tmp.resolve("user");
        AttributeRun r = run("--model", f.dir().toString(), "--role", "base", "--prompts", jsonl.toString(),
                "--max-new-tokens", "3", "--no-raw", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        ResultStore store = new ResultStore(out.resolve("results/base"));
        assertEquals(List.of("fragments", "line_2", "spans"), store.ids());
        assertMarks(store.get("spans"), "Keep it short", "Rewrite", "cat");
        assertMarks(store.get("line_2"), "Rewrite the sentence", "Keep", "cat");
        AttributionResult fragments = store.get("fragments");
        assertMarks(fragments, "Keep it short", "Rewrite", "cat");
        assertEquals(List.of("not in the prompt"), fragments.unmatched());
        assertEquals(null, fragments.raw(), "--no-raw");
        assertFalse(Files.exists(out.resolve("results/tuned")));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode all = summary.get("sets").get(summary.get("sets").size() - 1);
        assertTrue(all.get("p").isNull(), "one model: no test");
        assertEquals(0, all.get("tuned").get("n").asInt());

        Path plain = tmp.resolve("prompts.txt");
        Files.writeString(plain, "Name three colours. Be brief.\n\nSay hello!\n");
        AttributeRun p = run("--model", f.dir().toString(), "--prompts", plain.toString(), "--max-new-tokens", "2",
                "--copies", "1", "--no-progress", "--out", tmp.resolve("plain").toString());
        assertEquals(0, p.rc(), p.err());
        ResultStore plainStore = new ResultStore(tmp.resolve("plain/results/tuned"));
        assertEquals(List.of("line_1", "line_3"), plainStore.ids());
        assertMarks(plainStore.get("line_1"), "Name three colours", "brief", "hello");
    }

    /** The masked tokens spell {@code marked} and none of the words of other sentences. */
    private static void assertMarks(AttributionResult r, String marked, String... notMarked) {
        String m = marked(r);
        assertTrue(m.contains(marked), r.id() + ": marked '" + m + "'");
        for (String other : notMarked) {
            assertFalse(m.contains(other), r.id() + ": marked '" + m + "'");
        }
    }

    /** The prompt text that the instruction-masked tokens spell (▁ read as a space), trimmed. */
    private static String marked(AttributionResult r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < r.promptTokens().size(); i++) {
            if (r.instructionMask()[i]) {
                s.append(r.promptTokens().get(i).replace('\u2581', ' '));
            }
        }
        return s.toString().trim();
    }

    @Test
    void aChangedAnnotationIsRescoredAndAChangedPromptRefused() throws Exception {
        String model = Fixture.of("tiny-llama").dir().toString();
        String text = "Rewrite the sentence. Keep it short.";
        ObjectMapper json = new ObjectMapper();
        Path file = tmp.resolve("p.jsonl");
        Path out = tmp.resolve("out");
        String[] args = {"--model", model, "--prompts", file.toString(), "--max-new-tokens", "3", "--no-progress",
                "--out", out.toString()};
        Files.writeString(file, json.writeValueAsString(java.util.Map.of("id", "a", "prompt", text)) + "\n");
        assertEquals(0, run(args).rc());
        AttributionResult first = new ResultStore(out.resolve("results/tuned")).get("a");
        assertMarks(first, "Rewrite", "Keep");

        // the annotation changes: rescored from the stored levels, no model run, same as a fresh run
        Files.writeString(file, json.writeValueAsString(java.util.Map.of("id", "a", "prompt", text,
                "instruction_fragments", List.of("Keep it"))) + "\n");
        AttributeRun rescored = run(args);
        assertEquals(0, rescored.rc(), rescored.err());
        assertTrue(rescored.out().contains("0 computed, 1 from an earlier run"), rescored.out());
        assertTrue(rescored.err().contains("rescored"), rescored.err());
        AttributionResult second = new ResultStore(out.resolve("results/tuned")).get("a");
        assertMarks(second, "Keep it short", "Rewrite");
        String[] fresh = args.clone();
        fresh[fresh.length - 1] = tmp.resolve("fresh").toString();
        assertEquals(0, run(fresh).rc());
        assertSameResult(new ResultStore(tmp.resolve("fresh/results/tuned")).get("a"), second);

        // the text changes under the same ID: the stored result is not this prompt's
        Files.writeString(file, json.writeValueAsString(java.util.Map.of("id", "a", "prompt", "Say hello.")) + "\n");
        AttributeRun changed = run(args);
        assertEquals(2, changed.rc());
        assertTrue(changed.err().contains("other prompt tokens"), changed.err());
    }

    @Test
    void badInputIsOneErrorLineAndExitCode2() throws Exception {
        String model = Fixture.of("tiny-llama").dir().toString();
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"Do it.\"}\n{\"prompt\": \"x\", \"instruction_spans\": [[0, 9]]}\n");
        AttributeRun r = run("--model", model, "--prompts", bad.toString(), "--out", tmp.resolve("o1").toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().startsWith("error: " + bad + ":2: ") && r.err().contains("not within"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("o1/run.json")), "nothing written for bad input");

        AttributeRun set = run("--model", model, "--prompt", "Do it.", "--set", "lima", "--out", tmp.resolve("o2").toString());
        assertEquals(2, set.rc());
        assertTrue(set.err().contains("--set") && set.err().contains("--paper"), set.err());

        AttributeRun noModel = run("--model", tmp.resolve("nope").toString(), "--prompt", "Do it.", "--out", tmp.resolve("o3").toString());
        assertEquals(2, noModel.rc());
        assertTrue(noModel.err().startsWith("error: ") && noModel.err().contains("nope"), noModel.err());

        // resuming with other settings is refused, naming the difference
        Path out = tmp.resolve("o4");
        assertEquals(0, run("--model", model, "--prompt", "Say hi.", "--max-new-tokens", "2", "--out", out.toString()).rc());
        AttributeRun other = run("--model", model, "--prompt", "Say hi.", "--max-new-tokens", "3", "--out", out.toString());
        assertEquals(2, other.rc());
        assertTrue(other.err().contains("max_new_tokens 2 there, 3 here"), other.err());
        AttributeRun role = run("--model", model, "--base", model, "--role", "base", "--prompt", "x", "--out", out.toString());
        assertEquals(2, role.rc());

        // through Main, as users run it: usage errors are exit code 2 as well
        assertNotEquals(0, Main.run("attribute", "--model", model, "--out", tmp.resolve("o5").toString()));
    }
}
