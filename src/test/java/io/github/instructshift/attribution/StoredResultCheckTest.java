package io.github.instructshift.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** Stored results are checked, not trusted; prompt files must be UTF-8; paired.csv is escaped. */
class StoredResultCheckTest {
    @TempDir
    Path tmp;

    private Path stored(ResultStore store) {
        store.put(AttributionResultTest.sample("a", ModelRole.TUNED, new boolean[] {true, false, false}));
        return store.path("a");
    }

    @Test
    void nullEditedIdEditedScoreAndBrokenShapesAreRefusedNamingTheFile() throws Exception {
        ResultStore store = new ResultStore(tmp.resolve("s"));
        Path file = stored(store);
        String good = Files.readString(file);
        assertEquals("a", store.get("a").id());
        for (String bad : List.of("null", good.replace("\"id\":\"a\"", "\"id\":\"b\""),
                good.replaceFirst("\"score\":[^,}]+", "\"score\":0.123"),
                good.replaceFirst("\"levels\":\\[\\[", "\"levels\":[[3.0,"))) {
            Files.writeString(file, bad);
            AttributionException e = assertThrows(AttributionException.class, () -> store.get("a"), bad);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void aLatin1PromptFileIsRefusedNamingTheLineAndOffset() throws Exception {
        Path file = tmp.resolve("p.txt");
        Files.write(file, "Say hi.\nCaf\u00e9 now.\n".getBytes(StandardCharsets.ISO_8859_1));
        AttributionException e = assertThrows(AttributionException.class, () -> PromptFiles.read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: byte 11 ") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void pairedTableEscapesCommasQuotesAndNewlines() throws Exception {
        String id = "a,\"b\"\nc";
        Table t = AttributionSummary.pairedTable(List.of(new AttributionSummary.PairedScore(id, "s,t", "tuned", 3, 0.25, 0.5)));
        java.io.StringWriter csv = new java.io.StringWriter();
        t.write().csv(csv);
        Table back = Table.read().csv(CsvReadOptions.builder(new StringReader(csv.toString())).build());
        assertEquals(id, back.stringColumn("id").get(0));
        assertEquals("s,t", back.stringColumn("set").get(0));
        assertEquals(0.25, back.numberColumn("difference").getDouble(0), 0);
    }
}
