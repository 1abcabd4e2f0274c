package io.github.instructshift.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.model.SafetensorsWriter;
import io.github.instructshift.organism.OrganismTokenizer;
import io.github.instructshift.organism.OrganismException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The size of a Llama-architecture organism, and how to write a freshly initialised checkpoint of it
 * (GPT-2/Llama style: normal(0, 0.02) matrices, output projections scaled by 1/√(2·layers), unit norms,
 * tied embeddings). Initialised in Java from the seed, so the start point does not depend on the engine.
 */
public record ModelShape(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
                         int maxPositions, double ropeTheta) {

    public ModelShape {
        if (hiddenSize % heads != 0 || (hiddenSize / heads) % 2 != 0) {
            throw new OrganismException("hidden size " + hiddenSize + " must split into " + heads + " heads of even size");
        }
    }

    /**
     * The shipped organism: 8 layers of 8 heads, so that each quarter of the depth holds 16 heads (the
     * head analysis compares layer groups); narrow (192 wide, heads of 24) so that many pretraining tokens
     * fit in the training budget. About 4.5 million parameters with a 6,000-token vocabulary.
     */
    public static ModelShape organism(int vocabSize) {
        return new ModelShape(vocabSize, 192, 512, 8, 8, 256, 10_000);
    }

    /** A shape small enough that a smoke run of every stage takes seconds: 4 layers of 4 heads, 64 wide. */
    public static ModelShape smoke(int vocabSize) {
        return new ModelShape(vocabSize, 64, 128, 4, 4, 256, 10_000);
    }

    public long parameters() {
        long perLayer = 4L * hiddenSize * hiddenSize + 3L * hiddenSize * intermediateSize + 2L * hiddenSize;
        return (long) vocabSize * hiddenSize + layers * perLayer + hiddenSize;
    }

    /** Writes config.json, generation_config.json, the tokenizer and initial weights into {@code dir}. */
    public void writeInitial(Path dir, OrganismTokenizer tokenizer, long seed) {
        if (tokenizer.vocabSize() != vocabSize) {
            throw new OrganismException("tokenizer has " + tokenizer.vocabSize() + " tokens, the shape says " + vocabSize);
        }
        try {
            Files.createDirectories(dir);
            writeConfigs(dir);
            tokenizer.save(dir);
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
            double std = 0.02;
            double outStd = std / Math.sqrt(2.0 * layers);
            tensors.put("model.embed_tokens.weight", normal(random, std, vocabSize, hiddenSize));
            for (int i = 0; i < layers; i++) {
                String p = "model.layers." + i + ".";
                tensors.put(p + "input_layernorm.weight", ones(hiddenSize));
                tensors.put(p + "self_attn.q_proj.weight", normal(random, std, hiddenSize, hiddenSize));
                tensors.put(p + "self_attn.k_proj.weight", normal(random, std, hiddenSize, hiddenSize));
                tensors.put(p + "self_attn.v_proj.weight", normal(random, std, hiddenSize, hiddenSize));
                tensors.put(p + "self_attn.o_proj.weight", normal(random, outStd, hiddenSize, hiddenSize));
                tensors.put(p + "post_attention_layernorm.weight", ones(hiddenSize));
                tensors.put(p + "mlp.gate_proj.weight", normal(random, std, intermediateSize, hiddenSize));
                tensors.put(p + "mlp.up_proj.weight", normal(random, std, intermediateSize, hiddenSize));
                tensors.put(p + "mlp.down_proj.weight", normal(random, outStd, hiddenSize, intermediateSize));
            }
            tensors.put("model.norm.weight", ones(hiddenSize));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        } catch (IOException e) {
            throw new OrganismException("cannot write the initial checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The Hugging Face config files of this shape (a LlamaForCausalLM with tied embeddings). */
    public void writeConfigs(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("vocab_size", vocabSize);
        c.put("hidden_size", hiddenSize);
        c.put("intermediate_size", intermediateSize);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", heads);
        c.put("head_dim", hiddenSize / heads);
        c.put("hidden_act", "silu");
        c.put("max_position_embeddings", maxPositions);
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", ropeTheta);
        c.putNull("rope_scaling");
        c.put("attention_bias", false);
        c.put("mlp_bias", false);
        c.put("tie_word_embeddings", true);
        c.put("bos_token_id", OrganismTokenizer.BOS);
        c.put("eos_token_id", OrganismTokenizer.EOS);
        c.put("torch_dtype", "float32");
        ObjectNode g = json.createObjectNode();
        g.put("bos_token_id", OrganismTokenizer.BOS);
        g.put("eos_token_id", OrganismTokenizer.EOS);
        g.put("do_sample", false);
        var pretty = json.writerWithDefaultPrettyPrinter();
        Files.writeString(dir.resolve("config.json"), pretty.writeValueAsString(c));
        Files.writeString(dir.resolve("generation_config.json"), pretty.writeValueAsString(g));
    }

    private static SafetensorsWriter.Tensor normal(SplittableRandom random, double std, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (gaussian(random) * std);
        }
        return new SafetensorsWriter.Tensor(new long[] {rows, cols}, data);
    }

    /** Box–Muller, so the values are fixed by the seed on every JVM. */
    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    private static SafetensorsWriter.Tensor ones(int n) {
        float[] data = new float[n];
        java.util.Arrays.fill(data, 1f);
        return new SafetensorsWriter.Tensor(new long[] {n}, data);
    }
}
