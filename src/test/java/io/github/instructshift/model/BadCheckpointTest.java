package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.cli.Main;
import io.github.instructshift.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every broken checkpoint is refused with a message naming what is wrong, and nothing half-written. */
class BadCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path copy(String fixture) throws IOException {
        Path src = Shared.fixture(fixture);
        Path dst = tmp.resolve(fixture);
        Files.createDirectories(dst);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    private static String refused(Path dir) {
        return assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)).getMessage();
    }

    private void editConfig(Path dir, String field, Object value) throws IOException {
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        cfg.set(field, JSON.valueToTree(value));
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    }

    @Test
    void missingDirectory() {
        String msg = refused(tmp.resolve("nope"));
        assertTrue(msg.contains("does not exist") && msg.contains("nope"), msg);
    }

    @Test
    void missingWeightsFile() throws IOException {
        Path dir = copy("tiny-llama");
        Files.delete(dir.resolve("model.safetensors"));
        String msg = refused(dir);
        assertTrue(msg.contains("no model.safetensors"), msg);
    }

    @Test
    void truncatedWeightsFile() throws IOException {
        Path dir = copy("tiny-llama");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        String msg = refused(dir);
        assertTrue(msg.contains("model.safetensors") && msg.contains("point past the end"), msg);
    }

    @Test
    void fileShorterThanItsHeader() throws IOException {
        Path dir = copy("tiny-llama");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
            f.setLength(100);
        }
        String msg = refused(dir);
        assertTrue(msg.contains("header length") && msg.contains("model.safetensors"), msg);
    }

    @Test
    void headerOffsetsPastTheEnd() throws IOException {
        Path file = tmp.resolve("bad.safetensors");
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,400]}}".getBytes(StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(file)) {
            byte[] len = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
            out.write(len);
            out.write(header);
            out.write(new byte[16]);
        }
        String msg = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)).getMessage();
        assertTrue(msg.contains("'w'") && msg.contains("point past the end"), msg);
    }

    @Test
    void tensorMissingFromTheIndex() throws IOException {
        Path dir = copy("tiny-mistral-sharded");
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        ((ObjectNode) index.get("weight_map")).remove("model.layers.2.mlp.up_proj.weight");
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        String msg = refused(dir);
        assertTrue(msg.contains("model.layers.2.mlp.up_proj.weight") && msg.contains("index"), msg);
    }

    @Test
    void missingShard() throws IOException {
        Path dir = copy("tiny-mistral-sharded");
        Files.delete(dir.resolve("model-00007-of-00020.safetensors"));
        String msg = refused(dir);
        assertTrue(msg.contains("model-00007-of-00020.safetensors") && msg.contains("does not exist"), msg);
    }

    @Test
    void shapeThatDoesNotMatchConfig() throws IOException {
        Path dir = copy("tiny-qwen2");
        editConfig(dir, "intermediate_size", 128);
        String msg = refused(dir);
        assertTrue(msg.contains("mlp.gate_proj.weight") && msg.contains("[176, 64]") && msg.contains("[128, 64]"), msg);
    }

    @Test
    void unknownModelType() throws IOException {
        Path dir = copy("tiny-llama");
        editConfig(dir, "model_type", "gpt2");
        String msg = refused(dir);
        assertTrue(msg.contains("'gpt2'") && msg.contains("llama, mistral, qwen2"), msg);
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        Path dir = copy("tiny-llama");
        editConfig(dir, "rope_parameters", java.util.Map.of("rope_type", "yarn", "rope_theta", 10000.0));
        String msg = refused(dir);
        assertTrue(msg.contains("yarn") && msg.contains("config.json"), msg);
    }

    @Test
    void promptLongerThanTheContextFailsCleanlyWithoutOutput() throws IOException {
        Path dir = copy("tiny-llama");
        editConfig(dir, "max_position_embeddings", 16);
        Path out = tmp.resolve("logits.safetensors");
        String prompt = "Rewrite the sentence and make your writing clearer by keeping it concise.";
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run("logits", "--model", dir.toString(), "--prompt", prompt, "--out", out.toString());
        } finally {
            System.setErr(saved);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, msg);
        assertTrue(msg.contains("longer than the model's context of 16"), msg);
        assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
        assertFalse(Files.exists(out), "no partial output");
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }
}
