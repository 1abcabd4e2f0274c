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

    /** Runs the command as the launcher does; returns exit code and stderr. */
    private static Object[] run(String... args) {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new FfnCommand());
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute(args);
        return new Object[] {code, err.toString()};
    }

    @Test
    void anUnknownLabellerIsAUsageErrorNamingTheChoices() {
        Object[] r = run("--base", Shared.fixture("tiny-llama").toString(), "--tuned",
                Shared.fixture("tiny-qwen2").toString(), "--out", tmp.resolve("o").toString(), "--labeller", "bogus");
        assertEquals(2, r[0]);
        assertTrue(r[1].toString().contains("--labeller") && r[1].toString().contains("offline, openai"), r[1].toString());
    }

    @Test
    void anUnwritableOutAndABadEndpointAreFoundBeforeAnyWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Object[] r = run("--base", "/nonexistent-base", "--tuned", "/nonexistent-tuned", "--out", file.toString());
        assertEquals(2, r[0]);
        // refused for --out, before the (missing) checkpoints are even opened
        assertTrue(r[1].toString().contains("--out " + file + " is not a writable directory"), r[1].toString());
        Object[] r2 = run("--base", "/nonexistent-base", "--tuned", "/nonexistent-tuned", "--out",
                tmp.resolve("o2").toString(), "--labeller", "openai", "--endpoint", "ftp://example.org/v1", "--model", "m");
        assertEquals(2, r2[0]);
        assertTrue(r2[1].toString().contains("must start with http:// or https://"), r2[1].toString());
    }

    @Test
    void missingLabelsFailTheRunUnlessAllowedAndTheTablesAreStillWritten() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":\"bad request\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(400, body.length);   // refused at once: no retries, no waiting
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            for (boolean allow : new boolean[] {false, true}) {
                Path out = tmp.resolve("unlabelled-" + allow);
                java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--base",
                        Shared.fixture("tiny-llama").toString(), "--tuned", Shared.fixture("tiny-qwen2").toString(),
                        "--out", out.toString(), "--runs", "1", "--components", "2", "--labeller", "openai",
                        "--endpoint", endpoint, "--model", "m", "--max-failures", "1000"));
                if (allow) {
                    args.add("--allow-unlabelled");
                }
                Object[] r = run(args.toArray(String[]::new));
                assertEquals(allow ? 0 : 1, r[0], r[1].toString());
                if (!allow) {
                    assertTrue(r[1].toString().contains("12 of 12 labels are missing"), r[1].toString());
                }
                assertTrue(Files.isRegularFile(out.resolve("labels.csv")));
                try (var files = Files.list(out)) {
                    assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
                }
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anEndpointFailingEveryRequestStopsTheRunEarly() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            hits.incrementAndGet();
            ex.sendResponseHeaders(400, -1);
            ex.close();
        });
        server.start();
        try {
            Object[] r = run("--base", Shared.fixture("tiny-llama").toString(), "--tuned",
                    Shared.fixture("tiny-qwen2").toString(), "--out", tmp.resolve("breaker").toString(), "--runs", "1",
                    "--components", "8", "--labeller", "openai", "--parallel", "1", "--endpoint",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "--model", "m", "--max-failures", "3");
            assertEquals(1, r[0], r[1].toString());
            assertTrue(r[1].toString().contains("3 requests in a row"), r[1].toString());
            assertEquals(3, hits.get(), "48 components, but the run stops after 3 failed requests");
        } finally {
            server.stop(0);
        }
    }
}
