package io.github.instructshift.attribution;

import io.github.instructshift.data.RatedResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributionResultTest {
    @TempDir
    Path tmp;

    /** Raw matrix whose levels are [[10,10],[10,0],[0,0]] (hand-checked in AttributionMathTest). */
    static AttributionResult sample(String id, ModelRole role, boolean[] mask) {
        double[][] raw = {{2, 0.5}, {1.95, -1}, {-3, 0.01}};
        // column 0: max 2 -> ceil(10), ceil(9.75)=10, 0; column 1: max 0.5 -> 10, 0, ceil(0.2)=1
        return AttributionResult.fromRaw(id, "tiny", role, "plain", List.of("\u2581Do", "\u2581it", "<0x0A>"),
                List.of("\u2581ok", "."), raw, mask, List.of());
    }

    @Test
    void fromRawComputesLevelsDensitiesAndScore() {
        AttributionResult r = sample("lima_author_1", ModelRole.TUNED, new boolean[] {true, false, false});
        assertArrayEquals(new double[] {10, 10}, r.levels()[0]);
        assertArrayEquals(new double[] {10, 0}, r.levels()[1]);
        assertArrayEquals(new double[] {0, 1}, r.levels()[2]);
        assertEquals(1.0, r.densities()[0], 1e-6);
        assertEquals(1 / 1.6817928305, r.densities()[1], 1e-6);
        assertEquals(0.0, r.densities()[2], 0);
        assertEquals(1.0 / (Math.log(3) / Math.log(2)), r.score(), 1e-6);
        assertArrayEquals(new double[] {10, 0, 0}, r.levelsForResponseToken(1, 7));
        assertArrayEquals(new double[] {10, 0, 1}, r.levelsForResponseToken(1, 0));
        assertThrows(AttributionException.class, () -> r.levelsForResponseToken(2, 0));
    }

    @Test
    void htmlShadesTokensByDensityAndEscapes() {
        AttributionResult r = AttributionResult.fromLevels("x", "m<1>", ModelRole.BASE, "plain",
                List.of("\u2581a", "<b>"), List.of("y"), null, new double[][] {{10}, {8}},
                new boolean[] {false, true}, List.of());
        String html = r.toHtml();
        assertTrue(html.contains("rgba(220,40,40,1.000)"), html);      // token 0: density 1
        assertTrue(html.contains("rgba(220,40,40,1.000)") && html.contains("&lt;b&gt;"), html);
        assertTrue(html.contains("m&lt;1&gt;"), html);
        assertTrue(html.contains("text-decoration:underline\">&lt;b&gt;"), html);
        assertFalse(html.contains("\"><b></span>"));
    }

    @Test
    void saveAndLoadRoundTripWithoutLeftovers() throws Exception {
        AttributionResult r = sample("lima_author_2", ModelRole.BASE, new boolean[] {true, true, false});
        Path file = tmp.resolve("sub/r.json");
        r.save(file);
        AttributionResult back = AttributionResult.load(file);
        assertEquals(r.id(), back.id());
        assertEquals(ModelRole.BASE, back.role());
        assertEquals(r.promptTokens(), back.promptTokens());
        assertTrue(java.util.Arrays.deepEquals(r.raw(), back.raw()));
        assertTrue(java.util.Arrays.deepEquals(r.levels(), back.levels()));
        assertArrayEquals(r.densities(), back.densities());
        assertArrayEquals(r.instructionMask(), back.instructionMask());
        assertEquals(r.score(), back.score());
        assertTrue(Files.readString(file).contains("\"role\":\"base\""));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void loadingGarbageNamesTheFile() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"id\": \"x\", \"levels\": [[1]]");
        AttributionException e = assertThrows(AttributionException.class, () -> AttributionResult.load(bad));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void inconsistentShapesAreRejected() {
        assertThrows(AttributionException.class, () -> AttributionResult.fromLevels("x", "m", ModelRole.BASE, "plain",
                List.of("a", "b"), List.of("y"), null, new double[][] {{1}}, new boolean[2], List.of()));
    }

    @Test
    void aggregateTable() {
        Table t = AttributionResults.table(List.of(
                sample("lima_author_1", ModelRole.TUNED, new boolean[] {true, false, false}),
                sample("mtbench_x_1", ModelRole.BASE, new boolean[] {true, true, false})));
        assertEquals(2, t.rowCount());
        assertEquals("lima", t.stringColumn("set").get(0));
        assertEquals("mt-bench", t.stringColumn("set").get(1));
        assertEquals("base", t.stringColumn("role").get(1));
        assertEquals(2, t.intColumn("instruction_tokens").get(1));
        assertEquals(3, t.intColumn("prompt_tokens").get(0));
    }

    @Test
    void resultStoreResumesAndCleansPartialWrites() throws Exception {
        Path dir = tmp.resolve("store");
        ResultStore store = new ResultStore(dir);
        assertFalse(store.has("lima_author_1"));
        store.put(sample("lima_author_1", ModelRole.TUNED, new boolean[3]));
        Files.writeString(dir.resolve(".lima_author_2.json123.partial"), "{half");
        ResultStore reopened = new ResultStore(dir);
        assertTrue(reopened.has("lima_author_1"));
        assertFalse(reopened.has("lima_author_2"));
        assertEquals(List.of("lima_author_1"), reopened.ids());
        assertTrue(Files.exists(dir.resolve(".lima_author_2.json123.partial")),
                "opening a store leaves another process's writes alone");
        try (OutputLock lock = OutputLock.acquire(dir)) {
            assertEquals(1, lock.removeTempFiles().size(), "the lock holder cleans them");
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(OutputLock.FILE, "lima_author_1.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        reopened.put(sample("lima_author_1", ModelRole.TUNED, new boolean[] {true, false, false}));
        assertEquals(1, reopened.loadAll().size());
        assertTrue(reopened.get("lima_author_1").instructionMask()[0]);
        assertThrows(AttributionException.class, () -> reopened.path("../escape"));
        assertThrows(AttributionException.class, () -> reopened.get("lima_author_9"));
    }

    /** Levels whose densities are [1, 5^(-3/4), 0] over 5 response tokens (or fewer, for "short"). */
    private static AttributionResult rated(String id, boolean[] mask, int responseTokens) {
        double[][] levels = new double[3][responseTokens];
        java.util.Arrays.fill(levels[0], 10);
        levels[1][0] = 10;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < responseTokens; i++) {
            out.add("t" + i);
        }
        return AttributionResult.fromLevels(id, "m", ModelRole.TUNED, "plain", List.of("a", "b", "c"), out, null,
                levels, mask, List.of());
    }

    @Test
    void tablesFromSmallHandMadeGroups() {
        boolean[] one = {true, false, false};
        boolean[] two = {true, true, false};
        double s1 = 1 / (Math.log(3) / Math.log(2));
        double s2 = (1 + Math.pow(5, -0.75)) / 2;
        List<AttributionResult> tuned = List.of(rated("lima_a_1", one, 5), rated("lima_a_2", two, 5),
                rated("lima_a_3", one, 6), rated("lima_a_4", two, 5), rated("lima_a_5", one, 5),
                rated("lima_a_6", one, 4));
        List<RatedResponse> ratings = new ArrayList<>();
        String[] ids = {"lima_a_1", "lima_a_2", "lima_a_3", "lima_a_4", "lima_a_5", "lima_a_6", "lima_a_9"};
        int[] rating = {4, 2, 1, 1, -1, 3, 3};
        for (int i = 0; i < ids.length; i++) {
            ratings.add(new RatedResponse(ids[i] + ".pkl", "tuned_7B", "", "", "", "", rating[i]));
        }
        ratings.add(new RatedResponse("lima_a_1.pkl", "other", "", "", "", "", 1));
        InstructionTables.Table1 t1 = InstructionTables.table1(tuned, ratings, "tuned_7B");
        assertEquals(List.of("lima_a_9"), t1.ratedWithoutResult());
        assertEquals(1, t1.unrated());
        assertEquals(1, t1.shortResponses());
        assertEquals(2, t1.rows().size());
        InstructionTables.Row followed = t1.rows().get(0);
        InstructionTables.Row not = t1.rows().get(1);
        assertEquals("lima", followed.set());
        assertEquals("followed", followed.group());
        assertEquals(2, followed.n());
        assertEquals((s1 + s2) / 2, followed.mean(), 1e-6);
        assertEquals(Math.abs(s1 - s2) / 2, followed.std(), 1e-6);
        assertEquals("not-followed", not.group());
        assertEquals((s1 + s2) / 2, not.mean(), 1e-6);
        // equal groups: t = 0, one-sided p = 0.5
        assertEquals(0.5, followed.p(), 1e-6);
        assertEquals(followed.p(), not.p());

        List<AttributionResult> base = List.of(rated("lima_b_1", new boolean[3], 5), rated("lima_b_2", new boolean[3], 5));
        List<InstructionTables.Row> t2 = InstructionTables.table2(base, tuned);
        assertEquals("base", t2.get(0).group());
        assertEquals(0.0, t2.get(0).mean(), 0);
        assertEquals(6, t2.get(1).n());
        assertTrue(t2.get(0).p() < 0.01, "base scores 0 against positive tuned scores");
    }
}
