package io.github.instructshift.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.cli.Main;
import io.github.instructshift.testing.CraftedCheckpoint;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every broken checkpoint is refused with a message naming what is wrong, and nothing half-written. */
class BadCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path copy(String fixture) throws IOException {
        return CraftedCheckpoint.copy(fixture, tmp);
    }

    private static String refused(Path dir) {
        return assertThrows(CheckpointException.class, () -> Checkpoint.open(dir)).getMessage();
    }

    private void editConfig(Path dir, String field, Object value) throws IOException {
        CraftedCheckpoint.edit(dir, "config.json", field, value);
    }

    /** The message refusing fixture {@code fixture} with config.json's {@code field} set to {@code value}. */
    private String refusedWith(String fixture, String field, Object value) throws IOException {
        Path dir = copy(fixture);
        editConfig(dir, field, value);
        String msg = refused(dir);
        assertTrue(msg.contains("config.json"), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
        return msg;
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

    // --- config.json: one validation pass, each field named with its value (issue #14 item 3)

    /** One config.json field set to a bad value: fixture, field, value, what the message must say. */
    static Stream<Arguments> badConfigFields() {
        return Stream.of(
                Arguments.of("tiny-llama", "num_hidden_layers", 0, "num_hidden_layers = 0: must be ≥ 1"),
                // fewer layers than stored: layer 2 is in the weights
                Arguments.of("tiny-llama", "num_hidden_layers", 2, "hold layer 2 ('model.layers.2."),
                Arguments.of("tiny-llama", "rms_norm_eps", -1e-5, "rms_norm_eps = -1.0E-5: must be > 0"),
                Arguments.of("tiny-llama", "hidden_size", 64.7, "hidden_size = 64.7: must be an integer"),
                Arguments.of("tiny-llama", "hidden_size", "64", "hidden_size = \"64\": must be an integer, not a string"),
                Arguments.of("tiny-llama", "num_key_value_heads", 0, "num_key_value_heads = 0: must be ≥ 1"),
                Arguments.of("tiny-qwen2", "num_attention_heads", 0, "num_attention_heads = 0: must be ≥ 1"),
                Arguments.of("tiny-llama", "num_key_value_heads", 3,
                        "num_attention_heads = 4 is not a multiple of num_key_value_heads = 3"),
                // tiny-qwen2 gives no head_dim, so the head size is derived from hidden_size / heads
                Arguments.of("tiny-qwen2", "num_attention_heads", 6,
                        "hidden_size = 64 is not a multiple of num_attention_heads = 6"),
                Arguments.of("tiny-llama", "head_dim", 15, "head_dim = 15: must be even"),
                Arguments.of("tiny-llama", "max_position_embeddings", 2_000_000_000,
                        "max_position_embeddings = 2000000000: must be ≤ " + ConfigValidator.MAX_POSITIONS),
                Arguments.of("tiny-llama", "vocab_size", 3_000_000_000L, "vocab_size = 3000000000: must be ≤ "));
    }

    @ParameterizedTest(name = "{1} = {2}")
    @MethodSource("badConfigFields")
    void badConfigFieldIsRefusedNamingFieldAndValue(String fixture, String field, Object value, String expected)
            throws IOException {
        String msg = refusedWith(fixture, field, value);
        assertTrue(msg.contains(expected), msg);
    }

    @Test
    void moreLayersInTheConfigThanStoredAreRefused() throws IOException {
        Path dir = copy("tiny-llama");
        editConfig(dir, "num_hidden_layers", 4);
        String msg = refused(dir);
        assertTrue(msg.contains("model.layers.3.") && msg.contains("is missing"), msg);
    }

    @Test
    void negativeRopeThetaIsRefusedInBothSpellings() throws IOException {
        String v5 = refusedWith("tiny-llama", "rope_parameters", java.util.Map.of("rope_type", "default", "rope_theta", -10000.0));
        assertTrue(v5.contains("rope_parameters.rope_theta = -10000.0: must be > 0"), v5);
        Path dir = copy("tiny-mistral-sharded");
        editConfigTree(dir, cfg -> cfg.remove("rope_parameters"));
        editConfig(dir, "rope_theta", -1.0);
        String v4 = refused(dir);
        assertTrue(v4.contains("rope_theta = -1.0: must be > 0"), v4);
    }

    /** The message refusing tiny-llama3-gqa (llama3 rope scaling) with {@code rope_parameters.field = value}. */
    private String refusedWithLlama3Rope(String field, double value) throws IOException {
        Path dir = copy("tiny-llama3-gqa");
        editConfigTree(dir, cfg -> ((ObjectNode) cfg.get("rope_parameters")).put(field, value));
        return refused(dir);
    }

    private void editConfigTree(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(cfg);
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
    }

    @Test
    void zeroRopeFactorIsRefused() throws IOException {
        String msg = refusedWithLlama3Rope("factor", 0.0);
        assertTrue(msg.contains("rope_parameters.factor = 0.0: must be > 0"), msg);
    }

    @Test
    void llama3FrequencyFactorsOutOfOrderAreRefused() throws IOException {
        // equal to low_freq_factor: llama3 scaling divides by their difference
        String msg = refusedWithLlama3Rope("high_freq_factor", 1.0);
        assertTrue(msg.contains("high_freq_factor = 1.0: must be greater than low_freq_factor"), msg);
    }

    @Test
    void missingRequiredFieldIsNamed() throws IOException {
        Path dir = copy("tiny-llama");
        editConfigTree(dir, cfg -> cfg.remove("intermediate_size"));
        String msg = refused(dir);
        assertTrue(msg.contains("required field 'intermediate_size' is missing"), msg);
    }

    @Test
    void eosOutsideTheVocabularyIsRefusedInConfig() throws IOException {
        Path dir = copy("tiny-llama");
        Files.delete(dir.resolve("generation_config.json"));       // so config.json's ids are the ones used
        editConfig(dir, "eos_token_id", 600);
        String msg = refused(dir);
        assertTrue(msg.contains("config.json: eos_token_id = 600: outside the vocabulary (vocab_size = 600"), msg);
    }

    @Test
    void eosOutsideTheVocabularyIsRefusedInGenerationConfig() throws IOException {
        Path dir = copy("tiny-llama");
        CraftedCheckpoint.edit(dir, "generation_config.json", "eos_token_id", java.util.List.of(2, 999));
        String msg = refused(dir);
        assertTrue(msg.contains("generation_config.json: eos_token_id = [2,999]: outside the vocabulary"), msg);
    }

    @Test
    void negativeBosIsRefused() throws IOException {
        Path dir = copy("tiny-llama");
        CraftedCheckpoint.edit(dir, "generation_config.json", "bos_token_id", -5);
        String msg = refused(dir);
        assertTrue(msg.contains("generation_config.json: bos_token_id = -5: token ids must be ≥ 0"), msg);
    }

    @Test
    void configThatIsNotJsonGivesOneLineWithLineAndColumn() throws IOException {
        Path dir = copy("tiny-llama");
        Files.writeString(dir.resolve("config.json"), "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": 64,,\n}\n");
        String msg = refused(dir);
        assertTrue(msg.contains("config.json: not valid JSON: line 3, column"), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
    }

    @Test
    void garbageAfterTheConfigJsonIsRefused() throws IOException {
        Path dir = copy("tiny-llama");
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")) + " {\"x\": 1}");
        String msg = refused(dir);
        assertTrue(msg.contains("config.json: not valid JSON") && msg.contains("Trailing token"), msg);
    }

    // --- safetensors headers and data

    @Test
    void missingLmHeadOnAnUntiedModelIsRefused() throws IOException {
        Path dir = copy("tiny-llama");
        Path weights = dir.resolve("model.safetensors");
        CraftedCheckpoint.Raw.read(weights).without("lm_head.weight").write(weights);
        String msg = refused(dir);
        assertTrue(msg.contains("'lm_head.weight'") && msg.contains("missing") && msg.contains("tie_word_embeddings"), msg);
    }

    /** A one-file safetensors {@code header} (JSON text) followed by {@code afterHeader} and {@code data}. */
    private Path safetensors(String header, String afterHeader, int dataBytes) throws IOException {
        Path file = tmp.resolve("crafted.safetensors");
        byte[] head = (header + afterHeader).getBytes(StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(file)) {
            out.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            out.write(head);
            out.write(new byte[dataBytes]);
        }
        return file;
    }

    private static String refusedFile(Path file) {
        return assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)).getMessage();
    }

    private static final String TWO = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[%d,%d]}}";

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        String msg = refusedFile(safetensors(String.format(TWO, 4, 12), "", 12));
        assertTrue(msg.contains("'a' and 'b' overlap"), msg);
    }

    @Test
    void bytesBetweenTensorsAreRefused() throws IOException {
        String msg = refusedFile(safetensors(String.format(TWO, 12, 20), "", 20));
        assertTrue(msg.contains("4 bytes before tensor 'b'") && msg.contains("belong to no tensor"), msg);
    }

    @Test
    void trailingBytesAfterTheDataAreRefused() throws IOException {
        String msg = refusedFile(safetensors(String.format(TWO, 8, 16), "", 20));
        assertTrue(msg.contains("4 trailing bytes after the last tensor"), msg);
    }

    @Test
    void spacePaddedHeaderIsAccepted() throws IOException {
        SafetensorsFile f = SafetensorsFile.open(safetensors(String.format(TWO, 8, 16), "     ", 16));
        assertEquals(java.util.Set.of("a", "b"), f.entries().keySet());
    }

    @Test
    void garbageAfterTheHeaderJsonIsRefused() throws IOException {
        String msg = refusedFile(safetensors(String.format(TWO, 8, 16), "  xyz", 16));
        assertTrue(msg.contains("3 bytes of garbage after the header JSON"), msg);
        String second = refusedFile(safetensors(String.format(TWO, 8, 16), "{}", 16));
        assertTrue(second.contains("garbage after the header JSON"), second);
    }

    @Test
    void headerThatIsNotJsonGivesOneLine() throws IOException {
        String msg = refusedFile(safetensors("{\"a\":{\"dtype\":\"F32\",,}}", "", 0));
        assertTrue(msg.contains("header is not valid JSON: line 1, column"), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
    }

    @Test
    void unknownDtypeAndNegativeShapeAreRefused() throws IOException {
        String dtype = refusedFile(safetensors("{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", "", 8));
        assertTrue(dtype.contains("'a' has unknown dtype \"F31\""), dtype);
        String shape = refusedFile(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2,-1],\"data_offsets\":[0,8]}}", "", 8));
        assertTrue(shape.contains("'a' has shape entry -2: must be a non-negative integer"), shape);
    }

    @Test
    void shapeWhoseSizeOverflowsIsRefused() throws IOException {
        String msg = refusedFile(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                + "\"data_offsets\":[0,0]}}", "", 0));
        assertTrue(msg.contains("'a'") && msg.contains("more than 2^63"), msg);
    }

    @Test
    void nonWeightDtypeIsRefusedWhenOpening() throws IOException {
        Path dir = copy("tiny-llama");
        Path weights = dir.resolve("model.safetensors");
        CraftedCheckpoint.Raw raw = CraftedCheckpoint.Raw.read(weights);
        ((ObjectNode) raw.header().get("model.norm.weight")).put("dtype", "I32");   // same width, so the layout holds
        raw.write(weights);
        String msg = refused(dir);
        assertTrue(msg.contains("'model.norm.weight' has dtype I32"), msg);
    }

    // --- shard paths stay inside the checkpoint directory

    private Path shardedWithEntry(String tensor, String shardName) throws IOException {
        // two levels down, so that ../../ still lands inside the test's temporary directory
        Path dir = CraftedCheckpoint.copy("tiny-mistral-sharded", Files.createDirectories(tmp.resolve("a/b")));
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        String original = index.get("weight_map").get(tensor).asText();
        Path outside = dir.resolve(shardName).normalize();
        if (!shardName.startsWith("/") && !Files.exists(outside)) {
            Files.createDirectories(outside.getParent());
            Files.copy(dir.resolve(original), outside);                 // a real, readable file out there
        }
        ((ObjectNode) index.get("weight_map")).put(tensor, shardName);
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        return dir;
    }

    @Test
    void shardPathWithDotDotIsRefused() throws IOException {
        String tensor = "model.layers.1.mlp.up_proj.weight";
        Path dir = shardedWithEntry(tensor, "../../x.safetensors");
        String msg = refused(dir);
        assertTrue(msg.contains("'../../x.safetensors'") && msg.contains("outside the checkpoint directory")
                && msg.contains(tensor), msg);
    }

    @Test
    void absoluteShardPathIsRefused() throws IOException {
        Path dir = copy("tiny-mistral-sharded");
        String tensor = "model.norm.weight";
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        String absolute = dir.resolve(index.get("weight_map").get(tensor).asText()).toAbsolutePath().toString();
        ((ObjectNode) index.get("weight_map")).put(tensor, absolute);
        JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        String msg = refused(dir);
        assertTrue(msg.contains("outside the checkpoint directory"), msg);
    }

    @Test
    void shardSymlinkOutOfTheDirectoryIsRefused() throws IOException {
        Path dir = copy("tiny-mistral-sharded");
        Path shard = dir.resolve("model-00003-of-00020.safetensors");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere")).resolve("stolen.safetensors");
        Files.move(shard, elsewhere);
        Files.createSymbolicLink(shard, elsewhere);
        String msg = refused(dir);
        assertTrue(msg.contains("model-00003-of-00020.safetensors") && msg.contains("is a link to")
                && msg.contains("outside the checkpoint directory"), msg);
    }

    @Test
    void hubCacheLayoutWithLinksToBlobsStillOpens() throws IOException {
        // snapshots/REV/* link to ../../blobs/* in the Hugging Face cache; that must keep working
        Path repo = tmp.resolve("models--tiny").resolve("snapshots");
        Path blobs = Files.createDirectories(tmp.resolve("models--tiny").resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("abc123"));
        try (Stream<Path> files = Files.list(copy("tiny-mistral-sharded"))) {
            for (Path f : files.toList()) {
                Path blob = blobs.resolve(f.getFileName() + ".blob");
                Files.move(f, blob);
                Files.createSymbolicLink(snapshot.resolve(f.getFileName()), Path.of("../../blobs").resolve(blob.getFileName()));
            }
        }
        assertEquals(3, Checkpoint.open(snapshot).config().numLayers());
    }

    // --- NaN and Inf weights are refused as they load, naming the tensor

    private Path withWeight(String tensor, float value) throws IOException {
        Path dir = copy("tiny-llama");
        Path weights = dir.resolve("model.safetensors");
        CraftedCheckpoint.Raw raw = CraftedCheckpoint.Raw.read(weights);
        raw.setFloat(tensor, 7, value);
        raw.write(weights);
        return dir;
    }

    @Test
    void nanWeightIsRefusedNamingTheTensor() throws IOException {
        String tensor = "model.layers.1.mlp.down_proj.weight";
        Checkpoint ckpt = Checkpoint.open(withWeight(tensor, Float.NaN));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            String msg = assertThrows(CheckpointException.class, () -> ckpt.weights().ffnDown(1, m)).getMessage();
            assertTrue(msg.contains("'" + tensor + "' holds NaN or infinite values"), msg);
            String load = assertThrows(CheckpointException.class, () -> ckpt.load(LoadOptions.defaults())).getMessage();
            assertTrue(load.contains(tensor), load);
        }
    }

    @Test
    void infiniteWeightIsRefusedNamingTheTensor() throws IOException {
        String tensor = "model.embed_tokens.weight";
        Checkpoint ckpt = Checkpoint.open(withWeight(tensor, Float.NEGATIVE_INFINITY));
        String msg = assertThrows(CheckpointException.class, () -> ckpt.load(LoadOptions.defaults())).getMessage();
        assertTrue(msg.contains("'" + tensor + "' holds NaN or infinite values"), msg);
    }

    @Test
    void weightBeyondFloat16IsToldApartFromAStoredInf() throws IOException {
        String tensor = "model.layers.0.self_attn.q_proj.weight";
        Checkpoint ckpt = Checkpoint.open(withWeight(tensor, 1e6f));
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            assertEquals(1e6f, ckpt.tensor(WeightRole.QUERY, 0, m, ai.djl.ndarray.types.DataType.FLOAT32).max().getFloat());
            String msg = assertThrows(CheckpointException.class,
                    () -> ckpt.tensor(WeightRole.QUERY, 0, m, ai.djl.ndarray.types.DataType.FLOAT16)).getMessage();
            assertTrue(msg.contains("'" + tensor + "' has values beyond float16's range"), msg);
        }
    }
}
