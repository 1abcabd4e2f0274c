package io.github.instructshift.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random Llama-family checkpoint of any shape, written to disk so the real loader and engine can be
 * benchmarked at 7B scale without a 7B download: {@code config.json}, {@code generation_config.json} and
 * float32 (or float16 / bfloat16) safetensors in shards (embedding, head, one per layer) with {@code model.safetensors.index.json},
 * so no more than one shard is ever in the Java heap. Weights are uniform with std 0.02, norms 1.
 * There is no tokenizer: it serves benchmarks that work on token ids.
 */
final class SyntheticCheckpoint {
    record Shape(int layers, int hidden, int ffn, int heads, int kvHeads, int vocab, int context) {
        long parameters() {
            long d = hidden;
            long headDim = hidden / heads;
            long perLayer = d * d * 2 + 2L * d * kvHeads * headDim + 3L * d * ffn + 2 * d;
            return 2L * vocab * d + d + layers * perLayer;
        }
    }

    private SyntheticCheckpoint() {}

    static void write(Path dir, Shape s, long seed) throws IOException {
        write(dir, s, seed, "F32");
    }

    /** As {@link #write(Path, Shape, long)}, stored as {@code dtype} ({@code F32}, {@code F16} or {@code BF16}). */
    static void write(Path dir, Shape s, long seed, String dtype) throws IOException {
        if (s.hidden() % s.heads() != 0 || s.heads() % s.kvHeads() != 0) {
            throw new IllegalArgumentException("hidden size " + s.hidden() + " must divide into " + s.heads()
                    + " heads, and the heads into " + s.kvHeads() + " kv heads");
        }
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("model_type", "llama");
        config.put("hidden_size", s.hidden());
        config.put("intermediate_size", s.ffn());
        config.put("num_hidden_layers", s.layers());
        config.put("num_attention_heads", s.heads());
        config.put("num_key_value_heads", s.kvHeads());
        config.put("vocab_size", s.vocab());
        config.put("max_position_embeddings", s.context());
        config.put("rms_norm_eps", 1e-5);
        config.put("rope_theta", 10000.0);
        config.put("hidden_act", "silu");
        config.put("tie_word_embeddings", false);
        config.put("bos_token_id", 1);
        config.put("eos_token_id", 2);
        config.put("torch_dtype", switch (dtype) { case "F16" -> "float16"; case "BF16" -> "bfloat16"; default -> "float32"; });
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        ObjectNode generation = json.createObjectNode();
        generation.put("bos_token_id", 1);
        generation.put("eos_token_id", 2);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("generation_config.json").toFile(), generation);

        SplittableRandom rng = new SplittableRandom(seed);
        int d = s.hidden();
        int kv = s.kvHeads() * (d / s.heads());
        Map<String, String> weightMap = new LinkedHashMap<>();
        shard(dir, "embed.safetensors", dtype, weightMap, Map.of("model.embed_tokens.weight", random(rng, s.vocab(), d)));
        Map<String, SafetensorsWriter.Tensor> head = new LinkedHashMap<>();
        head.put("lm_head.weight", random(rng, s.vocab(), d));
        head.put("model.norm.weight", ones(d));
        shard(dir, "head.safetensors", dtype, weightMap, head);
        for (int layer = 0; layer < s.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
            t.put(p + "input_layernorm.weight", ones(d));
            t.put(p + "post_attention_layernorm.weight", ones(d));
            t.put(p + "self_attn.q_proj.weight", random(rng, d, d));
            t.put(p + "self_attn.k_proj.weight", random(rng, kv, d));
            t.put(p + "self_attn.v_proj.weight", random(rng, kv, d));
            t.put(p + "self_attn.o_proj.weight", random(rng, d, d));
            t.put(p + "mlp.gate_proj.weight", random(rng, s.ffn(), d));
            t.put(p + "mlp.up_proj.weight", random(rng, s.ffn(), d));
            t.put(p + "mlp.down_proj.weight", random(rng, d, s.ffn()));
            shard(dir, String.format("layer-%03d.safetensors", layer), dtype, weightMap, t);
        }
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", (dtype.equals("F32") ? 4L : 2L) * s.parameters());
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    }

    private static void shard(Path dir, String name, String dtype, Map<String, String> weightMap,
                              Map<String, SafetensorsWriter.Tensor> tensors) throws IOException {
        SafetensorsWriter.write(dir.resolve(name), tensors, dtype);
        tensors.keySet().forEach(k -> weightMap.put(k, name));
    }

    private static SafetensorsWriter.Tensor random(SplittableRandom rng, int rows, int cols) {
        float[] data = new float[Math.multiplyExact(rows, cols)];
        float a = (float) (0.02 * Math.sqrt(3));                 // uniform(-a, a) has std 0.02
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((rng.nextDouble() * 2 - 1) * a);
        }
        return new SafetensorsWriter.Tensor(new long[] {rows, cols}, data);
    }

    private static SafetensorsWriter.Tensor ones(int n) {
        float[] data = new float[n];
        java.util.Arrays.fill(data, 1f);
        return new SafetensorsWriter.Tensor(new long[] {n}, data);
    }
}
