package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.testing.Fixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark commands run and report their fields, at tiny sizes. Not a benchmark: nothing here is
 * timed or compared against a number (that is what {@code instruct-shift bench …} is for).
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    private record Output(int rc, String out, String err) {}

    private static Output main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int rc = Main.run(args);
            return new Output(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    private static JsonNode json(String... args) throws Exception {
        Output o = main(args);
        assertEquals(0, o.rc(), String.join(" ", args) + "\n" + o.err());
        return new ObjectMapper().readTree(o.out());
    }

    private static void assertFields(JsonNode n, String... fields) {
        for (String f : fields) {
            assertTrue(n.has(f), "field " + f + " in " + n);
        }
    }

    @Test
    void attributionReportsBothModesTheirRatioAndMemory() throws Exception {
        JsonNode r = json("bench", "attribution", "--model", Fixture.of("tiny-llama").dir().toString(),
                "--prompt-tokens", "6", "--response-tokens", "3", "--repeats", "1", "--json");
        assertFields(r, "one_by_one_s_per_token", "batched_s_per_token", "speedup", "tokens_per_pass", "passes_batched",
                "torch_threads", "matmul_gflops", "matmul_share_batched", "matmul_share_one_by_one", "estimated_working_mib",
                "estimate_bounds_peak", "peak_rss_process_mib", "weights_resident_as",
                "max_abs_diff_over_max", "peak_rss_one_by_one_mib", "peak_rss_batched_mib", "retained_rss_mib",
                "held_arrays_delta");
        assertEquals(3, r.get("passes_one_by_one").asInt());
        assertEquals(0, r.get("held_arrays_delta").asInt(), "nothing left in the model's manager");
        assertTrue(r.get("max_abs_diff_over_max").asDouble() < 1e-4, "both modes compute the same matrix: " + r);
        assertTrue(r.get("speedup").asDouble() > 0);
        // one chunk of 3 repeats the forward pass twice where the loop runs it three times; backward passes are equal
        assertEquals(3, r.get("tokens_per_pass").asInt());
        assertTrue(r.get("gflop_per_token_batched").asDouble() < r.get("gflop_per_token_one_by_one").asDouble(), r.toString());
        assertTrue(r.get("matmul_share_batched").asDouble() > 0);

        Output text = main("bench", "attribution", "--model", Fixture.of("tiny-qwen2").dir().toString(),
                "--prompt-tokens", "5", "--response-tokens", "2", "--repeats", "1", "--tokens-per-pass", "1");
        assertEquals(0, text.rc(), text.err());
        assertTrue(text.out().contains("speedup") && text.out().contains("tokens_per_pass                1"), text.out());
    }

    @Test
    void syntheticCheckpointLoadsAndBenchmarks() throws Exception {
        Path dir = tmp.resolve("synthetic");
        Output w = main("bench", "synthetic", "--out", dir.toString(), "--layers", "2", "--hidden", "32", "--ffn", "48",
                "--heads", "4", "--kv-heads", "2", "--vocab", "50", "--context", "64");
        assertEquals(0, w.rc(), w.err());
        // embed + head 2·50·32, final norm 32, per layer q,o 2·32² + k,v 2·16·32 + mlp 3·32·48 + norms 2·32
        long expected = 2L * 50 * 32 + 32 + 2L * (2 * 32 * 32 + 2 * 16 * 32 + 3 * 32 * 48 + 2 * 32);
        assertTrue(w.out().contains(expected + " parameters"), w.out());
        JsonNode r = json("bench", "attribution", "--model", dir.toString(), "--prompt-tokens", "4",
                "--response-tokens", "2", "--repeats", "1", "--json");
        assertEquals(expected, r.get("parameters").asLong());
        JsonNode ffn = json("bench", "ffn", "--model", dir.toString(), "--layer", "1", "--r", "4", "--json");
        assertEquals("48 x 32", ffn.get("layer_shape").asText());
    }

    @Test
    void syntheticCheckpointIn16BitsWithATokenizer() throws Exception {
        Path dir = tmp.resolve("synthetic-f16");
        Path tokenizer = Fixture.of("tiny-llama").dir();          // its vocabulary (600 pieces) fits --vocab 600
        Output w = main("bench", "synthetic", "--out", dir.toString(), "--layers", "1", "--hidden", "32", "--ffn", "48",
                "--heads", "4", "--vocab", "600", "--context", "64", "--dtype", "float16", "--tokenizer", tokenizer.toString());
        assertEquals(0, w.rc(), w.err());
        io.github.instructshift.model.Checkpoint c = io.github.instructshift.model.Checkpoint.open(dir);
        assertEquals("F16", c.storedDtypes());
        assertEquals(Files.readString(tokenizer.resolve("tokenizer.json")), Files.readString(dir.resolve("tokenizer.json")));
        JsonNode r = json("bench", "attribution", "--model", dir.toString(), "--prompt-tokens", "4",
                "--response-tokens", "2", "--repeats", "1", "--weights", "float16", "--json");
        assertEquals("float16", r.get("weights_resident_as").asText());
        Output bad = main("bench", "synthetic", "--out", tmp.resolve("bad").toString(), "--dtype", "int8");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains("--dtype must be float32, float16 or bfloat16"), bad.err());
    }

    @Test
    void headsAndFfnHookTheirBenchmarks() throws Exception {
        JsonNode heads = json("bench", "heads", "--layers", "1", "--heads", "2", "--head-dim", "8", "--vocab", "120",
                "--words", "60", "--top-k", "5", "--json");
        assertFields(heads, "seconds_per_layer", "matrix_share", "setup_seconds", "total_seconds", "layers");
        assertEquals(1, heads.get("layers").size());

        JsonNode ffn = json("bench", "ffn", "--n", "48", "--d", "16", "--r", "4", "--full-n", "40", "--full-d", "12", "--json");
        assertFields(ffn, "randomized_seconds", "comparison_exact_seconds", "comparison_full_svd_seconds",
                "exact_over_randomized", "full_svd_over_randomized", "max_principal_angle_deg");
        JsonNode fixture = json("bench", "ffn", "--model", Fixture.of("tiny-llama").dir().toString(), "--layer", "2",
                "--r", "8", "--json");
        assertFields(fixture, "randomized_seconds", "exact_seconds", "exact_over_randomized", "max_principal_angle_deg");
        assertEquals("176 x 64", fixture.get("layer_shape").asText());
        assertTrue(fixture.get("max_principal_angle_deg").asDouble() < 1, "randomized finds the exact subspace: " + fixture);
    }

    @Test
    void benchItselfStillMeasuresAModelAndNeedsOne() throws Exception {
        JsonNode r = json("bench", "--model", Fixture.of("tiny-llama").dir().toString(), "--prompt-tokens", "8",
                "--new-tokens", "2", "--repeats", "1", "--json");
        assertFields(r, "forward_tokens_per_s", "generate_tokens_per_s", "forward_efficiency");
        Output none = main("bench");
        assertEquals(2, none.rc());
        assertTrue(none.err().startsWith("error: ") && none.err().contains("--model"), none.err());
        Output bad = main("bench", "attribution", "--model", tmp.resolve("missing").toString());
        assertEquals(2, bad.rc());
        assertTrue(bad.err().startsWith("error: "), bad.err());
    }
}
