package io.github.instructshift.data;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaperDatasetsTest {
    private static final String FINAL_HEADER = "ID\tPrompt\tResponse\tInstruct&Context\n";
    private static final String RATED_HEADER = "File\tModel\tPrompt\tReference\tInstruct\tResponse\tRating\n";

    @TempDir
    Path tmp;

    private Path write(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void readsAndUnescapesPrompts() throws Exception {
        Path f = write("final.tsv", FINAL_HEADER
                + "lima_author_1\tDo this./n/nInput: a/tb\tok\tDo this.|||Input: &&&a\n\n"
                + "mtbench_writing_81\tWrite.\t\"quoted \"\"x\"\"\"\tWrite.\n");
        List<PromptRecord> rows = PaperDatasets.readPrompts(f);
        assertEquals(2, rows.size());
        assertEquals("Do this.\n\nInput: a\tb", rows.get(0).prompt());
        assertEquals(List.of("Do this.", "Input: "), rows.get(0).instructionFragments());
        assertEquals(List.of("a"), rows.get(0).contextFragments());
        assertEquals(PromptSet.MT_BENCH, rows.get(1).set());
        assertEquals("quoted \"x\"", rows.get(1).response());
        assertEquals(List.of("Write."), rows.get(1).instructionFragments());
    }

    @Test
    void rowWithWrongFieldCountNamesFileAndLine() throws Exception {
        Path f = write("final.tsv", FINAL_HEADER + "lima_author_1\ta\tb\tc\nlima_author_2\tonly two\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperDatasets.readPrompts(f));
        assertTrue(e.getMessage().contains(f + ":3:") && e.getMessage().contains("2 tab-separated fields"), e.getMessage());
    }

    @Test
    void wrongHeaderUnknownPrefixAndDuplicateIdAreErrors() throws Exception {
        Path bad = write("h.tsv", "ID\tPrompt\tResponse\n");
        assertTrue(assertThrows(DataFormatException.class, () -> PaperDatasets.readPrompts(bad))
                .getMessage().contains(bad + ":1:"));
        Path unknown = write("u.tsv", FINAL_HEADER + "alpaca_1\ta\tb\tc\n");
        assertThrows(DataFormatException.class, () -> PaperDatasets.readPrompts(unknown));
        Path dup = write("d.tsv", FINAL_HEADER + "lima_author_1\ta\tb\tc\nlima_author_1\ta\tb\tc\n");
        assertTrue(assertThrows(DataFormatException.class, () -> PaperDatasets.readPrompts(dup))
                .getMessage().contains(dup + ":3:"));
        assertThrows(DataFormatException.class, () -> PaperDatasets.readPrompts(tmp.resolve("missing.tsv")));
    }

    @Test
    void ratingMustBeAnInteger() throws Exception {
        Path f = write("r.tsv", RATED_HEADER + "lima_author_1.pkl\tvicuna_7B\tp\tr\ti\tresp\t4\n"
                + "lima_author_2.pkl\tvicuna_7B\tp\tr\ti\tresp\tgood\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PaperDatasets.readRatings(f));
        assertTrue(e.getMessage().contains(f + ":3:") && e.getMessage().contains("Rating"), e.getMessage());
    }

    @Test
    void ratedResponseJoinsByFileName() throws Exception {
        Path f = write("r.tsv", RATED_HEADER + "lima_author_1.pkl\tvicuna_7B\tp\tr\ti\tresp\t1\n"
                + "lima_author_2.pkl\talpaca_7B\tp\tr\ti\tresp\t-1\n");
        List<RatedResponse> rows = PaperDatasets.readRatings(f);
        assertEquals("lima_author_1", rows.get(0).id());
        assertTrue(rows.get(0).rated() && !rows.get(0).followed());
        assertTrue(!rows.get(1).rated());
    }

    @Test
    void promptSetsFromIds() {
        assertEquals(PromptSet.SELF_INSTRUCT, PromptSet.fromId("user_oriented_task_0"));
        assertEquals(PromptSet.LIMA, PromptSet.fromId("lima_author_12"));
        assertEquals(PromptSet.MT_BENCH, PromptSet.fromId("mtbench_roleplay_95"));
        assertEquals("mt-bench", PromptSet.MT_BENCH.label());
        assertThrows(DataFormatException.class, () -> PromptSet.fromId("alpaca_3"));
    }

    @Test
    void releasedFilesHaveTheDocumentedSizes() {
        Path datasets = Shared.paper().resolve("datasets");
        List<PromptRecord> prompts = PaperDatasets.readPrompts(datasets.resolve("FinalDataset.tsv"));
        assertEquals(632, prompts.size());
        Map<PromptSet, Long> bySet = prompts.stream().collect(Collectors.groupingBy(PromptRecord::set, Collectors.counting()));
        assertEquals(Map.of(PromptSet.SELF_INSTRUCT, 252L, PromptSet.LIMA, 300L, PromptSet.MT_BENCH, 80L), bySet);
        List<RatedResponse> rated = PaperDatasets.readRatings(datasets.resolve("AnnotatedDataset.tsv"));
        Map<String, Long> byModel = rated.stream().collect(Collectors.groupingBy(RatedResponse::model, Collectors.counting()));
        assertEquals(Map.of("vicuna_7B", 632L, "alpaca_7B", 632L), byModel);
        Map<String, PromptRecord> ids = prompts.stream().collect(Collectors.toMap(PromptRecord::id, Function.identity()));
        assertTrue(rated.stream().allMatch(r -> ids.containsKey(r.id())));
    }
}
