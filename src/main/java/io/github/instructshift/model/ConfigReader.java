package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads the fields every supported family shares, accepting both transformers 4 and 5 spellings. */
final class ConfigReader {
    private ConfigReader() {}

    static ModelConfig read(ArchitectureAdapter family, JsonNode c, JsonNode generation, String source) {
        String act = text(c, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new CheckpointException(source + ": hidden_act '" + act + "' is not supported (only silu)");
        }
        int hidden = required(c, "hidden_size", source);
        int heads = required(c, "num_attention_heads", source);
        int kvHeads = c.hasNonNull("num_key_value_heads") ? c.get("num_key_value_heads").asInt() : heads;
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        if (heads % kvHeads != 0) {
            throw new CheckpointException(source + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        Set<Integer> eos = new LinkedHashSet<>();
        JsonNode eosNode = generation != null && generation.has("eos_token_id")
                ? generation.get("eos_token_id") : c.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else if (eosNode != null && !eosNode.isNull()) {
            eos.add(eosNode.asInt());
        }
        JsonNode bos = generation != null && generation.hasNonNull("bos_token_id")
                ? generation.get("bos_token_id") : c.get("bos_token_id");
        return new ModelConfig(
                family.modelType(),
                required(c, "vocab_size", source),
                hidden,
                required(c, "intermediate_size", source),
                required(c, "num_hidden_layers", source),
                heads, kvHeads, headDim,
                c.hasNonNull("rms_norm_eps") ? c.get("rms_norm_eps").asDouble() : 1e-6,
                c.hasNonNull("max_position_embeddings") ? c.get("max_position_embeddings").asInt() : 2048,
                rope(c, source),
                family.slidingWindow(c),
                c.has("tie_word_embeddings") && c.get("tie_word_embeddings").asBoolean(),
                bos == null || bos.isNull() ? -1 : bos.asInt(),
                Set.copyOf(eos));
    }

    /** {@code rope_parameters} (transformers 5) or {@code rope_theta} + {@code rope_scaling} (4.x). */
    private static RopeConfig rope(JsonNode c, String source) {
        JsonNode p = c.get("rope_parameters");
        JsonNode scaling = c.get("rope_scaling");
        double theta;
        if (p != null && p.isObject()) {
            theta = p.hasNonNull("rope_theta") ? p.get("rope_theta").asDouble() : 10000.0;
            scaling = p;
        } else {
            theta = c.hasNonNull("rope_theta") ? c.get("rope_theta").asDouble() : 10000.0;
        }
        if (scaling == null || scaling.isNull()) {
            return RopeConfig.plain(theta);
        }
        String type = text(scaling, "rope_type", text(scaling, "type", "default"));
        RopeConfig rope = new RopeConfig(theta, type,
                scaling.path("factor").asDouble(1.0),
                scaling.path("low_freq_factor").asDouble(1.0),
                scaling.path("high_freq_factor").asDouble(4.0),
                scaling.path("original_max_position_embeddings").asInt(8192));
        try {
            rope.inverseFrequencies(2); // fails early on an unsupported type
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage());
        }
        return rope;
    }

    private static int required(JsonNode c, String field, String source) {
        JsonNode n = c.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new CheckpointException(source + ": required integer field '" + field + "' is missing");
        }
        return n.asInt();
    }

    private static String text(JsonNode c, String field, String fallback) {
        JsonNode n = c.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }
}
