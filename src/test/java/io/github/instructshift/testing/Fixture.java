package io.github.instructshift.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.model.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** One parity fixture of ../shared/fixtures: its checkpoint directory and what transformers computed on it. */
public record Fixture(String name, Path dir, JsonNode expected, SafetensorsFile tensors) {
    public static final List<String> ALL = List.of("tiny-llama", "tiny-llama3-gqa", "tiny-mistral-sharded", "tiny-qwen2");

    public static Fixture of(String name) {
        Path dir = Shared.fixture(name);
        try {
            JsonNode json = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
            return new Fixture(name, dir, json, SafetensorsFile.open(dir.resolve("expected.safetensors")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public NDArray tensor(String tensorName, NDManager manager) {
        return tensors.load(tensorName, manager, DataType.FLOAT32);
    }

    public long[] ids(String field) {
        JsonNode n = expected.get(field);
        long[] ids = new long[n.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = n.get(i).asLong();
        }
        return ids;
    }

    public String prompt() {
        return expected.get("prompt").asText();
    }
}
