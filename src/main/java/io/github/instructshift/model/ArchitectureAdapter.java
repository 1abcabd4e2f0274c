package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One decoder family, declared as a table from {@link WeightRole} to tensor names (with
 * {@code {layer}} for the block index), in the spirit of TransformerLens's architecture adapters.
 * Adding a family is a small subclass that fills the table and, where needed, reads its own
 * {@code config.json} quirks.
 */
public abstract class ArchitectureAdapter {
    private final String modelType;
    private final Map<WeightRole, String> names;
    private final List<Pattern> layerPatterns;

    protected ArchitectureAdapter(String modelType, Map<WeightRole, String> names) {
        this.modelType = modelType;
        this.names = Collections.unmodifiableMap(new EnumMap<>(names));
        this.layerPatterns = this.names.entrySet().stream().filter(e -> e.getKey().perLayer())
                .map(e -> Pattern.compile(Pattern.quote(e.getValue()).replace("{layer}", "\\E(\\d+)\\Q")))
                .toList();
    }

    /** The standard Llama naming that Mistral, Qwen2 and most descendants share. */
    protected static Map<WeightRole, String> llamaNames() {
        Map<WeightRole, String> m = new EnumMap<>(WeightRole.class);
        m.put(WeightRole.EMBEDDING, "model.embed_tokens.weight");
        m.put(WeightRole.LM_HEAD, "lm_head.weight");
        m.put(WeightRole.FINAL_NORM, "model.norm.weight");
        String layer = "model.layers.{layer}.";
        m.put(WeightRole.ATTENTION_NORM, layer + "input_layernorm.weight");
        m.put(WeightRole.FFN_NORM, layer + "post_attention_layernorm.weight");
        m.put(WeightRole.QUERY, layer + "self_attn.q_proj.weight");
        m.put(WeightRole.KEY, layer + "self_attn.k_proj.weight");
        m.put(WeightRole.VALUE, layer + "self_attn.v_proj.weight");
        m.put(WeightRole.OUTPUT, layer + "self_attn.o_proj.weight");
        m.put(WeightRole.GATE, layer + "mlp.gate_proj.weight");
        m.put(WeightRole.UP, layer + "mlp.up_proj.weight");
        m.put(WeightRole.DOWN, layer + "mlp.down_proj.weight");
        return m;
    }

    public String modelType() {
        return modelType;
    }

    /** Whether this family has a tensor for {@code role} (biases are optional per family). */
    public boolean has(WeightRole role) {
        return names.containsKey(role);
    }

    /** The tensor name of {@code role} in block {@code layer} (ignored for whole-model roles). */
    public String tensorName(WeightRole role, int layer) {
        String name = names.get(role);
        if (name == null) {
            throw new IllegalArgumentException(modelType + " has no " + role + " weight");
        }
        return role.perLayer() ? name.replace("{layer}", Integer.toString(layer)) : name;
    }

    /** The block index of a per-layer tensor name of this family, or -1 for any other name. */
    public int layerOf(String tensorName) {
        for (Pattern p : layerPatterns) {
            Matcher m = p.matcher(tensorName);
            if (m.matches()) {
                String digits = m.group(1);
                return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            }
        }
        return -1;
    }

    /**
     * The attention window of this family's config in tokens, 0 for full causal attention.
     * Families without sliding-window attention keep this default.
     */
    protected int slidingWindow(JsonNode config) {
        return 0;
    }

    /**
     * Checks and reads {@code config.json} (and the stop tokens of {@code generation_config.json}
     * beside it); {@code configFile} names the file in messages.
     */
    public ModelConfig readConfig(JsonNode config, JsonNode generation, Path configFile) {
        return ConfigReader.read(this, config, generation, configFile);
    }
}
