package io.github.instructshift.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Hugging Face checkpoint directory: {@code config.json}, {@code generation_config.json},
 * {@code tokenizer.json} and safetensors weights (one file, or shards listed in
 * {@code model.safetensors.index.json}). Opening reads and checks only the configs and headers
 * ({@link ConfigValidator}, {@link SafetensorsFile}): every tensor a family needs must exist, in a
 * weight dtype, with the shape {@code config.json} implies, no layer beyond {@code num_hidden_layers}
 * is stored, and shards stay inside the directory. Weights are read on demand.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final ArchitectureAdapter family;
    private final ModelConfig config;
    private final JsonNode tokenizerConfig;
    private final Map<String, SafetensorsFile> tensorFiles;
    private TextTokenizer tokenizer;

    private Checkpoint(Path dir, ArchitectureAdapter family, ModelConfig config, JsonNode tokenizerConfig,
                       Map<String, SafetensorsFile> tensorFiles) {
        this.dir = dir;
        this.family = family;
        this.config = config;
        this.tokenizerConfig = tokenizerConfig;
        this.tensorFiles = tensorFiles;
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("model directory does not exist: " + dir);
        }
        Path configFile = dir.resolve("config.json");
        JsonNode cfg = readJson(configFile, true);
        JsonNode generation = readJson(dir.resolve("generation_config.json"), false);
        JsonNode tokenizerConfig = readJson(dir.resolve("tokenizer_config.json"), false);
        JsonNode type = cfg.get("model_type");
        if (type == null || type.isNull()) {
            throw new CheckpointException(configFile + ": field 'model_type' is missing (supported: "
                    + String.join(", ", Architectures.supported()) + ")");
        }
        ArchitectureAdapter family = Architectures.forModelType(type.asText(), configFile.toString());
        ModelConfig config = family.readConfig(cfg, generation, configFile);
        Checkpoint ckpt = new Checkpoint(dir, family, config, tokenizerConfig, locateTensors(dir));
        ckpt.validate();
        return ckpt;
    }

    /** Name → the file that holds it: the single file, or the shards of the index. */
    private static Map<String, SafetensorsFile> locateTensors(Path dir) {
        Path index = dir.resolve(INDEX);
        Map<String, SafetensorsFile> located = new HashMap<>();
        if (Files.isRegularFile(index)) {
            JsonNode map = readJson(index, true).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new CheckpointException(index + ": field 'weight_map' is missing");
            }
            Map<String, SafetensorsFile> shards = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new CheckpointException(index + ": weight_map entry '" + e.getKey() + "' = "
                            + e.getValue() + ": must be a file name");
                }
                String shardName = e.getValue().asText();
                Path shardPath = insideCheckpoint(dir, index, e.getKey(), shardName);
                if (!Files.isRegularFile(shardPath)) {
                    throw new CheckpointException(index + ": tensor '" + e.getKey() + "' is in shard "
                            + shardName + ", which does not exist in " + dir);
                }
                SafetensorsFile shard = shards.computeIfAbsent(shardName, n -> SafetensorsFile.open(shardPath));
                if (!shard.entries().containsKey(e.getKey())) {
                    throw new CheckpointException(index + " places tensor '" + e.getKey() + "' in " + shardName
                            + ", but that file has no such tensor");
                }
                located.put(e.getKey(), shard);
            }
            return located;
        }
        Path single = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(single)) {
            boolean pickled = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                    || Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"));
            throw new CheckpointException(dir + ": no model.safetensors or " + INDEX
                    + (pickled ? " (only pytorch_model.bin found: convert it to safetensors, e.g. with "
                    + "transformers' save_pretrained(safe_serialization=True))" : ""));
        }
        SafetensorsFile file = SafetensorsFile.open(single);
        file.entries().keySet().forEach(name -> located.put(name, file));
        return located;
    }

    /**
     * The file a shard entry of the index names, refused unless it stays inside the checkpoint
     * directory: no absolute path, no {@code ..}, no symbolic link out of it. One exception keeps the
     * Hugging Face hub cache working: there {@code snapshots/REV/NAME} links to {@code ../../blobs/HASH}.
     */
    private static Path insideCheckpoint(Path dir, Path index, String tensor, String shardName) {
        Path name;
        try {
            name = Path.of(shardName);
        } catch (java.nio.file.InvalidPathException bad) {
            name = null;
        }
        if (name == null || shardName.isEmpty() || name.isAbsolute() || name.getRoot() != null
                || !dir.toAbsolutePath().resolve(name).normalize().startsWith(dir.toAbsolutePath().normalize())) {
            throw new CheckpointException(index + ": tensor '" + tensor + "' is placed in shard '" + shardName
                    + "', a path outside the checkpoint directory (shards must be files inside " + dir + ")");
        }
        Path shard = dir.resolve(name);
        if (!Files.exists(shard)) {
            return shard;                                  // reported as missing by the caller
        }
        try {
            Path real = shard.toRealPath();
            Path realDir = dir.toRealPath();
            Path parent = realDir.getParent();
            boolean hubCache = parent != null && parent.getFileName() != null
                    && parent.getFileName().toString().equals("snapshots") && parent.getParent() != null
                    && real.startsWith(parent.getParent().resolve("blobs"));
            if (!real.startsWith(realDir) && !hubCache) {
                throw new CheckpointException(index + ": shard '" + shardName + "' of tensor '" + tensor
                        + "' is a link to " + real + ", outside the checkpoint directory " + realDir);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot resolve shard " + shard + ": " + e.getMessage(), e);
        }
        return shard;
    }

    /**
     * Every tensor the family needs exists, in a dtype we read, with the shape config.json implies;
     * no layer is stored beyond num_hidden_layers.
     */
    private void validate() {
        if (!config.tiedEmbeddings() && !tensorFiles.containsKey(family.tensorName(WeightRole.LM_HEAD, 0))) {
            throw new CheckpointException(dir + ": tensor '" + family.tensorName(WeightRole.LM_HEAD, 0)
                    + "' (LM_HEAD) is missing, and config.json does not tie it to the embedding"
                    + " (tie_word_embeddings is not true)");
        }
        checkStoredLayers();
        for (WeightRole role : WeightRole.values()) {
            if (!family.has(role) || (role == WeightRole.LM_HEAD && lmHeadIsEmbedding())) {
                continue;
            }
            int layers = role.perLayer() ? config.numLayers() : 1;
            for (int layer = 0; layer < layers; layer++) {
                String name = family.tensorName(role, layer);
                SafetensorsFile file = tensorFiles.get(name);
                if (file == null) {
                    throw new CheckpointException(dir + ": tensor '" + name + "' (" + role
                            + (role.perLayer() ? " of layer " + layer : "") + ") is missing"
                            + (Files.exists(dir.resolve(INDEX)) ? " from " + INDEX : " from model.safetensors"));
                }
                SafetensorsFile.Entry entry = file.entries().get(name);
                if (!SafetensorsFile.WEIGHT_DTYPES.contains(entry.dtype())) {
                    throw new CheckpointException(file.path() + ": tensor '" + name + "' has dtype " + entry.dtype()
                            + "; weights must be one of " + new TreeSet<>(SafetensorsFile.WEIGHT_DTYPES));
                }
                long[] expected = role.expectedShape(config);
                long[] actual = entry.shape().getShape();
                if (!Arrays.equals(expected, actual)) {
                    throw new CheckpointException(file.path() + ": tensor '" + name + "' has shape "
                            + Arrays.toString(actual) + " but config.json implies " + Arrays.toString(expected));
                }
            }
        }
    }

    /** A stored block past num_hidden_layers means config.json and the weights disagree. */
    private void checkStoredLayers() {
        int highest = -1;
        String example = null;
        for (String name : tensorFiles.keySet()) {
            int layer = family.layerOf(name);
            if (layer > highest) {
                highest = layer;
                example = name;
            }
        }
        if (highest >= config.numLayers()) {
            throw new CheckpointException(dir + ": the weights hold layer " + highest + " ('" + example
                    + "') but config.json has num_hidden_layers = " + config.numLayers());
        }
    }

    /** Tied embeddings: lm_head is the embedding (validate refuses an untied model without lm_head). */
    boolean lmHeadIsEmbedding() {
        return config.tiedEmbeddings();
    }

    /** Reads the tensor playing {@code role} in block {@code layer} into {@code manager} as {@code dtype}. */
    public NDArray tensor(WeightRole role, int layer, NDManager manager, DataType dtype) {
        return tensor(role, layer, manager, dtype, false);
    }

    /** As {@link #tensor(WeightRole, int, NDManager, DataType)}, borrowing the file's mapping where it can (read-only use). */
    NDArray tensor(WeightRole role, int layer, NDManager manager, DataType dtype, boolean borrow) {
        WeightRole stored = role == WeightRole.LM_HEAD && lmHeadIsEmbedding() ? WeightRole.EMBEDDING : role;
        String name = family.tensorName(stored, layer);
        return tensorFiles.get(name).load(name, manager, dtype, borrow);
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public ArchitectureAdapter family() {
        return family;
    }

    /** {@code tokenizer_config.json}, or null; holds the chat template of chat checkpoints. */
    public JsonNode tokenizerConfig() {
        return tokenizerConfig;
    }

    public synchronized TextTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = HfTokenizer.load(dir.resolve("tokenizer.json"));
        }
        return tokenizer;
    }

    /** The weights by role, read on demand: the raw material of the head and FFN analyses. */
    public ModelWeights weights() {
        return new CheckpointWeights(this);
    }

    /** Parameters stored (the tied lm_head counted once). */
    public long parameterCount() {
        return tensorFiles.entrySet().stream()
                .mapToLong(e -> e.getValue().entries().get(e.getKey()).shape().size()).sum();
    }

    /** The stored dtypes, e.g. {@code BF16} or {@code F16, F32}. */
    public String storedDtypes() {
        TreeSet<String> types = new TreeSet<>();
        tensorFiles.forEach((name, file) -> types.add(file.entries().get(name).dtype()));
        return String.join(", ", types);
    }

    /** Loads the whole model for forward passes. */
    public CausalLM load(LoadOptions options) {
        return CausalLM.load(this, options);
    }

    static JsonNode readJson(Path file, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new CheckpointException("missing " + file.getFileName() + " in " + file.getParent());
            }
            return null;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new CheckpointException(file + ": expected a JSON object, found "
                        + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType().toString().toLowerCase()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": not valid JSON: " + JsonErrors.describe(e), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
