package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Qwen2 / Qwen2.5: the Llama layout plus q/k/v projection biases; embeddings often tied. */
final class Qwen2Adapter extends ArchitectureAdapter {
    Qwen2Adapter() {
        super("qwen2", withBiases());
    }

    private static Map<WeightRole, String> withBiases() {
        Map<WeightRole, String> m = llamaNames();
        m.put(WeightRole.QUERY_BIAS, "model.layers.{layer}.self_attn.q_proj.bias");
        m.put(WeightRole.KEY_BIAS, "model.layers.{layer}.self_attn.k_proj.bias");
        m.put(WeightRole.VALUE_BIAS, "model.layers.{layer}.self_attn.v_proj.bias");
        return m;
    }

    @Override
    protected int slidingWindow(JsonNode config) {
        JsonNode use = config.get("use_sliding_window");
        if (use != null && use.booleanValue()) {
            // Qwen2 windows only the layers past max_window_layers; not needed by any released instruct pair.
            throw new CheckpointException("config.json: use_sliding_window=true is not supported for qwen2");
        }
        return 0;
    }
}
