package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.instructshift.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

class FfnCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesEveryTableForTwoFixturesWithTheOfflineLabeller() throws Exception {
        Path out = tmp.resolve("out");
        int code = new CommandLine(new FfnCommand()).execute("--base", Shared.fixture("tiny-llama").toString(),
                "--tuned", Shared.fixture("tiny-mistral-sharded").toString(), "--out", out.toString(), "--runs", "2");
        assertEquals(0, code);
        // the paper's R = 300 is clamped to d_model = 64 on these fixtures, with a warning in NOTICE.txt
        Table comps = Table.read().csv(out.resolve("components.csv").toFile());
        assertEquals(2 * 3 * 64, comps.rowCount());
        assertFalse(comps.stringColumn("shown_words").get(0).isBlank());
        Table labels = Table.read().csv(out.resolve("labels.csv").toFile());
        assertEquals(2 * 3 * 64 * 2, labels.rowCount());
        assertEquals("offline-lexicon", labels.stringColumn("labeller").get(0));
        Table rotation = Table.read().csv(out.resolve("rotation.csv").toFile());
        assertEquals(3, rotation.rowCount());
        // two unrelated random models: the full 64-d spaces coincide (all angles 0) since R = d_model
        assertEquals(0.0, rotation.doubleColumn("max_angle_deg").get(0), 1e-3);
        Table pairs = Table.read().csv(out.resolve("rotation_pairs.csv").toFile());
        assertEquals(3 * 64, pairs.rowCount());
        Table shares = Table.read().csv(out.resolve("shares.csv").toFile());
        assertEquals(1 + 5 + 4, shares.rowCount());
        Table groups = Table.read().csv(out.resolve("shares_by_group.csv").toFile());
        assertEquals(2 * 1 * 4, groups.rowCount(), "3 layers in one group of 4, per model and level");
        String notice = Files.readString(out.resolve("NOTICE.txt"));
        assertTrue(notice.contains("OFFLINE STAND-IN"), notice);
        assertTrue(notice.contains("rank at most 64"), notice);
    }

    @Test
    void fewerComponentsThanTheSpaceShowARealRotation() throws Exception {
        Path out = tmp.resolve("out8");
        Path vocab = Shared.paper().resolve("datasets/SingleShareGPT_Vocab.tsv");
        int code = new CommandLine(new FfnCommand()).execute("--base", Shared.fixture("tiny-llama").toString(),
                "--tuned", Shared.fixture("tiny-qwen2").toString(), "--out", out.toString(), "--runs", "1",
                "--components", "8", "--vocab", vocab.toString(), "--vocab-limit", "3000");
        assertEquals(0, code);
        Table rotation = Table.read().csv(out.resolve("rotation.csv").toFile());
        // two independent random 8-d subspaces of R^64 are far apart
        assertTrue(rotation.doubleColumn("mean_angle_deg").get(0) > 30, rotation.print());
        Table comps = Table.read().csv(out.resolve("components.csv").toFile());
        assertEquals(2 * 3 * 8, comps.rowCount());
        assertTrue(Files.readString(out.resolve("NOTICE.txt")).contains("SingleShareGPT_Vocab.tsv (first 3000)"));
    }

    @Test
    void badOptionsFailWithAMessageAndWriteNothing() {
        Path out = tmp.resolve("bad");
        CommandLine cl = new CommandLine(new FfnCommand());
        int code = cl.execute("--base", Shared.fixture("tiny-llama").toString(), "--tuned",
                Shared.fixture("tiny-qwen2").toString(), "--out", out.toString(), "--labeller", "gpt");
        assertNotEquals(0, code);
        assertFalse(Files.exists(out.resolve("labels.csv")));
        int code2 = new CommandLine(new FfnCommand()).execute("--base", Shared.fixture("tiny-llama").toString(), "--tuned",
                Shared.fixture("tiny-qwen2").toString(), "--out", out.toString(), "--labeller", "openai");
        assertNotEquals(0, code2, "openai without --endpoint/--model");
    }
}
