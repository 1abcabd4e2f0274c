package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.SafetensorsFile;
import io.github.instructshift.testing.Fixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stable command-line contract that notebooks and users rely on. */
class CommandLineTest {
    @TempDir
    Path tmp;

    private static String stdout(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(args), String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generateJsonReproducesTheReferenceContinuation() throws Exception {
        Fixture f = Fixture.of("tiny-llama3-gqa");
        JsonNode out = new ObjectMapper().readTree(stdout("generate", "--model", f.dir().toString(),
                "--prompt", f.prompt(), "--max-new-tokens", "12", "--format", "raw", "--json"));
        long[] prompt = f.ids("prompt_ids");
        long[] all = f.ids("greedy_ids");
        assertArrayEquals(prompt, new ObjectMapper().treeToValue(out.get("prompt_ids"), long[].class));
        long[] output = new ObjectMapper().treeToValue(out.get("output_ids"), long[].class);
        // the reference never stopped at EOS; ours may, so compare the common part exactly
        for (int i = 0; i < output.length; i++) {
            assertEquals(all[prompt.length + i], output[i], "output token " + i);
        }
        assertTrue(output.length == 12 || "eos".equals(out.get("stopped_on").asText()));
        assertTrue(out.has("text"));
    }

    @Test
    void logitsFileHoldsThePromptLogits() throws Exception {
        Fixture f = Fixture.of("tiny-qwen2");
        Path file = tmp.resolve("logits.safetensors");
        stdout("logits", "--model", f.dir().toString(), "--prompt", f.prompt(), "--out", file.toString());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SafetensorsFile written = SafetensorsFile.open(file);
            assertArrayEquals(new long[] {f.ids("prompt_ids").length, 600},
                    written.entries().get("logits").shape().getShape());
            float[] ours = written.load("logits", m, ai.djl.ndarray.types.DataType.FLOAT32).toFloatArray();
            float[] theirs = f.tensor("prompt_logits", m).toFloatArray();
            for (int i = 0; i < theirs.length; i++) {
                assertEquals(theirs[i], ours[i], 1e-4);
            }
        }
    }

    @Test
    void infoReportsFamilyAndParameters() throws Exception {
        JsonNode info = new ObjectMapper().readTree(stdout("info", "--model",
                Fixture.of("tiny-mistral-sharded").dir().toString(), "--json"));
        assertEquals("mistral", info.get("family").asText());
        assertEquals(16, info.get("sliding_window").asInt());
        assertEquals(1, info.get("kv_heads").asInt());
        // embed + lm_head 2·600·64, per layer q 64² + k,v 2·16·64 + o 64² + mlp 3·64·176 + norms 2·64, final norm 64
        long expected = 2L * 600 * 64 + 3L * (64 * 64 + 2 * 16 * 64 + 64 * 64 + 3 * 64 * 176 + 2 * 64) + 64;
        assertEquals(expected, info.get("parameters").asLong());
    }
}
