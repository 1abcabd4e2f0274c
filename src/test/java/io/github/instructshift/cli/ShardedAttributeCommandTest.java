package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.attribution.Shard;
import io.github.instructshift.testing.Fixture;
import io.github.instructshift.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attribute --shard i/N} and {@code --merge-shards}: shards of a paired run merge to exactly the tables of
 * a single run, and every way a merge could silently change them is refused with one line naming the cause.
 * tiny-llama stands in for both models (plumbing, not findings).
 */
class ShardedAttributeCommandTest {
    @TempDir
    static Path tmp;

    private static final int PROMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> args(Path out, String... extra) {
        String model = Fixture.of("tiny-llama").dir().toString();
        List<String> a = new ArrayList<>(List.of("--model", model, "--base", model, "--paper", Shared.paper().toString(),
                "--set", "self-instruct", "--limit", "" + PROMPTS, "--max-new-tokens", "4", "--paired",
                "--no-progress", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static AttributeRun run(List<String> args) {
        return AttributeRun.of(new AttributeCommand(), args.toArray(String[]::new));
    }

    private static AttributeRun ok(List<String> args) {
        AttributeRun r = run(args);
        assertEquals(0, r.rc(), r.err());
        return r;
    }

    @BeforeAll
    static void runSingleAndShards() {
        ok(args(tmp.resolve("single")));
        ok(args(tmp.resolve("s0"), "--shard", "0/2"));
        ok(args(tmp.resolve("s1"), "--shard", "1/2"));
    }

    @Test
    void shardsAreDisjointAndCoverTheSelection() throws IOException {
        List<String> s0 = ids(tmp.resolve("s0/results/base"));
        List<String> s1 = ids(tmp.resolve("s1/results/base"));
        List<String> all = ids(tmp.resolve("single/results/base"));
        assertEquals(3, s0.size());                       // positions 0, 2, 4 of five
        assertEquals(2, s1.size());
        List<String> union = new ArrayList<>(s0);
        union.addAll(s1);
        union.sort(Comparator.naturalOrder());
        assertEquals(all, union);
        assertEquals(List.of("a", "c", "e"), new Shard(0, 2).slice(List.of("a", "b", "c", "d", "e")));
    }

    @Test
    void mergedShardsGiveTheSingleRunsTables() throws IOException {
        Path merged = tmp.resolve("merged");
        AttributeRun r = ok(args(merged, "--merge-shards", tmp.resolve("s0") + "," + tmp.resolve("s1")));
        assertTrue(r.err().contains("merged 2 shards"), r.err());
        for (String file : List.of("scores.csv", "summary.csv", "paired.csv")) {
            assertEquals(Files.readString(tmp.resolve("single").resolve(file)), Files.readString(merged.resolve(file)), file);
        }
        JsonNode single = JSON.readTree(tmp.resolve("single/summary.json").toFile());
        JsonNode m = JSON.readTree(merged.resolve("summary.json").toFile());
        assertEquals(single.get("sets"), m.get("sets"));
        assertEquals(single.get("paired").get("sets"), m.get("paired").get("sets"));
        assertEquals(single.get("settings"), m.get("settings"));
        assertEquals(0, m.get("computed").asInt(), "every result came from the shards");
        assertEquals(2 * PROMPTS, m.get("resumed").asInt());
        assertEquals(0, m.get("paired").get("computed").asInt());
        for (String dir : List.of("results/base", "results/tuned", "paired/base-on-tuned-response",
                "paired/tuned-on-base-response")) {
            assertEquals(ids(tmp.resolve("single").resolve(dir)), ids(merged.resolve(dir)), dir);
        }
        // a second merge into the same folder finds identical files there and changes nothing
        ok(args(merged, "--merge-shards", tmp.resolve("s0") + "," + tmp.resolve("s1")));
        assertEquals(Files.readString(tmp.resolve("single/scores.csv")), Files.readString(merged.resolve("scores.csv")));
    }

    @Test
    void aMissingShardIsRefused() {
        refused(args(tmp.resolve("m-missing"), "--merge-shards", tmp.resolve("s0").toString()), "shard(s) 1/2 missing");
    }

    @Test
    void aShardGivenTwiceIsRefused() {
        refused(args(tmp.resolve("m-twice"), "--merge-shards", tmp.resolve("s0") + "," + tmp.resolve("s0")),
                "shard 0/2 given twice");
    }

    @Test
    void anOverlappingResultIsRefused() throws IOException {
        Path bad = copy(tmp.resolve("s0"), tmp.resolve("s0-overlap"));
        String foreign = ids(tmp.resolve("s1/results/base")).get(0);
        Files.copy(tmp.resolve("s1/results/base").resolve(foreign + ".json"), bad.resolve("results/base").resolve(foreign + ".json"));
        refused(args(tmp.resolve("m-overlap"), "--merge-shards", bad + "," + tmp.resolve("s1")),
                "'" + foreign + "' belongs to shard 1/2, not to 0/2");
    }

    @Test
    void aMissingResultIsRefused() throws IOException {
        Path bad = copy(tmp.resolve("s1"), tmp.resolve("s1-hole"));
        String gone = ids(bad.resolve("results/tuned")).get(0);
        Files.delete(bad.resolve("results/tuned").resolve(gone + ".json"));
        refused(args(tmp.resolve("m-hole"), "--merge-shards", tmp.resolve("s0") + "," + bad),
                "prompt '" + gone + "' of shard 1/2 has no result");
    }

    @Test
    void anUnfinishedShardIsRefused() throws IOException {
        Path bad = copy(tmp.resolve("s1"), tmp.resolve("s1-unfinished"));
        Files.delete(bad.resolve("summary.json"));
        refused(args(tmp.resolve("m-unfinished"), "--merge-shards", tmp.resolve("s0") + "," + bad), "resume it first");
    }

    @Test
    void otherSettingsOrAnotherSelectionAreRefused() {
        List<String> shorter = args(tmp.resolve("m-settings"), "--merge-shards", tmp.resolve("s0") + "," + tmp.resolve("s1"));
        shorter.set(shorter.indexOf("--max-new-tokens") + 1, "3");
        refused(shorter, "field 'max_new_tokens' is 4, but this run has 3");
        List<String> fewer = args(tmp.resolve("m-selection"), "--merge-shards", tmp.resolve("s0") + "," + tmp.resolve("s1"));
        fewer.set(fewer.indexOf("--limit") + 1, "4");
        refused(fewer, "another prompt selection");
        refused(args(tmp.resolve("m-single"), "--merge-shards", tmp.resolve("single").toString()), "no 'shard' field");
    }

    @Test
    void aResumedShardMustKeepItsSlice() {
        refused(args(tmp.resolve("s0"), "--shard", "1/2"), "other settings");
        refused(args(tmp.resolve("bad"), "--shard", "2/2"), "0 <= i < N");
        refused(args(tmp.resolve("bad"), "--shard", "1-2"), "--shard must be i/N");
        refused(args(tmp.resolve("bad"), "--shard", "0/2", "--merge-shards", tmp.resolve("s0").toString()), "exclude each other");
    }

    private static void refused(List<String> args, String expected) {
        AttributeRun r = run(args);
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
    }

    private static List<String> ids(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().startsWith(".")) {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }
}
