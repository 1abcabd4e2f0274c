package io.github.instructshift.cli;

import io.github.instructshift.testing.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadsCommandTest {

    @TempDir
    Path tmp;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new HeadsCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void comparesTwoFixturesAndWritesEveryCsv() throws IOException {
        Path out = tmp.resolve("out");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = run(o, e, "--base", Shared.fixture("tiny-llama").toString(),
                "--tuned", Shared.fixture("tiny-llama3-gqa").toString(),
                "--vocab", Shared.paper().resolve("datasets/SingleShareGPT_Vocab.tsv").toString(),
                "--out", out.toString(), "--general-verbs", "300");
        assertEquals(0, code, e.toString());
        for (String f : List.of("base_pairs.csv", "tuned_pairs.csv", "layer_groups.csv", "head_changes.csv",
                "gained_lost.csv", "instruction_verb_changes.csv", "timings.csv", "summary.txt")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Table groups = Table.read().csv(out.resolve("layer_groups.csv").toString());
        assertEquals(3, groups.rowCount(), "3 layers make 3 groups");
        Table changes = Table.read().csv(out.resolve("head_changes.csv").toString());
        assertEquals(12, changes.rowCount(), "3 layers x 4 heads");
        Table pairs = Table.read().csv(out.resolve("base_pairs.csv").toString());
        assertTrue(pairs.rowCount() > 0, "random tiny models still relate some words");
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("own input embeddings"), summary);
        assertTrue(e.toString().contains("layer 3/3"), e.toString());
        try (var left = Files.list(out)) {
            assertEquals(8, left.count(), "no temporary folder left behind");
        }
    }

    @Test
    void aBadVocabularyLineFailsWithItsNumberAndWritesNothing() throws IOException {
        Path vocab = tmp.resolve("bad.tsv");
        Files.writeString(vocab, "the\t0.5\nwrite\t0.1\nno-frequency\n");
        Path out = tmp.resolve("out");
        StringWriter e = new StringWriter();
        int code = run(new StringWriter(), e, "--base", Shared.fixture("tiny-llama").toString(),
                "--tuned", Shared.fixture("tiny-llama").toString(), "--vocab", vocab.toString(),
                "--out", out.toString());
        assertEquals(2, code);
        assertTrue(e.toString().contains("line 3"), e.toString());
        assertTrue(!Files.exists(out.resolve("layer_groups.csv")));
    }

    @Test
    void aMissingCheckpointIsABadInput() {
        StringWriter e = new StringWriter();
        int code = run(new StringWriter(), e, "--base", tmp.resolve("nope").toString(),
                "--tuned", tmp.resolve("nope").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, code);
        assertTrue(e.toString().contains("nope"), e.toString());
    }
}
