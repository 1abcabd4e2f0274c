package io.github.instructshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.attribution.AttributionException;
import io.github.instructshift.data.DataFormatException;
import io.github.instructshift.ffn.FfnException;
import io.github.instructshift.heads.HeadsException;
import io.github.instructshift.model.CheckpointException;
import io.github.instructshift.model.SafetensorsWriter;
import io.github.instructshift.testing.CliRun;
import io.github.instructshift.testing.CraftedCheckpoint;
import io.github.instructshift.testing.Fixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal on the command line is one {@code error:} line and exit code 2 (issue #14 item 7). */
class CommandLineErrorsTest {
    @TempDir
    Path tmp;

    /** Runs {@code args}, expecting a refusal: exit 2 and exactly one line on stderr, {@code error: …}. */
    private static String refusal(String... args) {
        CliRun run = CliRun.of(args);
        List<String> lines = run.errorLines();
        assertEquals(2, run.code(), run.err());
        assertEquals(1, lines.size(), "one line: " + run.err());
        assertTrue(lines.get(0).startsWith("error: "), run.err());
        return lines.get(0);
    }

    private static String model() {
        return Fixture.of("tiny-llama").dir().toString();
    }

    @Test
    void missingRequiredOptionIsAnErrorLine() {
        String line = refusal("info");
        assertTrue(line.contains("--model") && line.contains("info --help"), line);
    }

    @Test
    void unknownOptionIsAnErrorLine() {
        String line = refusal("info", "--model", model(), "--colour");
        assertTrue(line.contains("--colour"), line);
    }

    @Test
    void unknownSubcommandIsAnErrorLine() {
        String line = refusal("explain");
        assertTrue(line.contains("explain"), line);
    }

    @Test
    void badDeviceNamesTheOptionAndTheAcceptedForms() {
        String line = refusal("info", "--model", model(), "--device", "gpu:x");
        assertTrue(line.contains("--device") && line.contains("'gpu:x'") && line.contains("gpu:N")
                && line.contains("auto"), line);
        assertFalse(line.contains("For input string"), line);
    }

    @Test
    void badCheckpointIsAnErrorLineWithExitTwo() throws IOException {
        Path dir = CraftedCheckpoint.copy("tiny-llama", tmp);
        CraftedCheckpoint.edit(dir, "config.json", "num_key_value_heads", 0);
        String line = refusal("info", "--model", dir.toString());
        assertTrue(line.contains("num_key_value_heads = 0: must be ≥ 1"), line);
    }

    @Test
    void jsonParseErrorIsOneLineNamingFileLineAndColumn() throws IOException {
        Path dir = CraftedCheckpoint.copy("tiny-llama", tmp);
        Files.writeString(dir.resolve("generation_config.json"), "{\n  \"eos_token_id\": [2,\n}\n");
        String line = refusal("info", "--model", dir.toString());
        assertTrue(line.contains("generation_config.json: not valid JSON: line 3, column"), line);
    }

    @Test
    void nanWeightStopsGenerationWithExitTwo() throws IOException {
        Path dir = CraftedCheckpoint.copy("tiny-llama", tmp);
        Path weights = dir.resolve("model.safetensors");
        CraftedCheckpoint.Raw raw = CraftedCheckpoint.Raw.read(weights);
        raw.setFloat("model.layers.2.self_attn.v_proj.weight", 3, Float.NaN);
        raw.write(weights);
        String line = refusal("generate", "--model", dir.toString(), "--prompt", "hello");
        assertTrue(line.contains("'model.layers.2.self_attn.v_proj.weight' holds NaN"), line);
    }

    @Test
    void logitsIntoADirectoryIsRefusedAndLeavesNothingBehind() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        String line = refusal("logits", "--model", model(), "--prompt", "hello", "--out", out.toString());
        assertTrue(line.contains("--out") && line.contains("is a directory"), line);
        try (Stream<Path> left = Files.walk(tmp)) {
            assertEquals(List.of(out.resolve("keep.txt")), left.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void writerRefusesADirectoryWithoutATempFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        Map<String, SafetensorsWriter.Tensor> one = Map.of("x", new SafetensorsWriter.Tensor(new long[] {1}, new float[] {1}));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SafetensorsWriter.write(dir, one));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(dir), "an empty directory is not replaced by the file");
        try (Stream<Path> left = Files.walk(tmp)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void badInputExceptionsOfEveryPackageExitTwoAndRunFailuresOne() {
        List<Throwable> badInput = List.of(new CheckpointException("c"), new IllegalArgumentException("i"),
                new NumberFormatException("n"), new DataFormatException("d"), new HeadsException("h"),
                new AttributionException("a"), new FfnException("f"), new JsonParseException(null, "j"),
                new UncheckedIOException(new JsonParseException(null, "j")));
        for (Throwable t : badInput) {
            assertEquals(2, Main.exitCode(t), t.toString());
        }
        for (Throwable t : List.of(new IllegalStateException("s"), new IOException("io"), new OutOfMemoryError("oom"),
                new UncheckedIOException(new IOException("disk")))) {
            assertEquals(1, Main.exitCode(t), t.toString());
        }
    }

    @Test
    void multiLineMessagesAreFoldedIntoOne() throws IOException {
        JsonParseException json = org.junit.jupiter.api.Assertions.assertThrows(JsonParseException.class,
                () -> new ObjectMapper().readTree("{\"a\": ,}"));
        String line = Main.message(new IllegalStateException("first\nsecond", json));
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains("first; second") && line.contains("not valid JSON: line 1, column"), line);
    }
}
