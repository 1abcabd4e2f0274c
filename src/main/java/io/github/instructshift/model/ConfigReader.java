package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads the fields every supported family shares, accepting both transformers 4 and 5 spellings.
 * Everything read here has passed {@link ConfigValidator} first, so values are taken as they are.
 */
final class ConfigReader {
    private ConfigReader() {}

    static ModelConfig read(ArchitectureAdapter family, JsonNode c, JsonNode generation, Path configFile) {
        String source = configFile.toString();
        ConfigValidator.check(c, source, generation,
                configFile.resolveSibling("generation_config.json").toString());
        String act = text(c, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new CheckpointException(source + ": hidden_act '" + act + "' is not supported (only silu)");
        }
        int hidden = integer(c, "hidden_size", 0);
        int heads = integer(c, "num_attention_heads", 0);
        Set<Integer> eos = new LinkedHashSet<>();
        JsonNode eosNode = generation != null && generation.hasNonNull("eos_token_id")
                ? generation.get("eos_token_id") : c.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.intValue()));
        } else if (eosNode != null && !eosNode.isNull()) {
            eos.add(eosNode.intValue());
        }
        JsonNode bos = generation != null && generation.hasNonNull("bos_token_id")
                ? generation.get("bos_token_id") : c.get("bos_token_id");
        return new ModelConfig(
                family.modelType(),
                integer(c, "vocab_size", 0),
                hidden,
                integer(c, "intermediate_size", 0),
                integer(c, "num_hidden_layers", 0),
                heads,
                integer(c, "num_key_value_heads", heads),
                integer(c, "head_dim", hidden / heads),
                number(c, "rms_norm_eps", 1e-6),
                integer(c, "max_position_embeddings", 2048),
                rope(c, source),
                family.slidingWindow(c),
                c.hasNonNull("tie_word_embeddings") && c.get("tie_word_embeddings").booleanValue(),
                bos == null || bos.isNull() ? -1 : bos.intValue(),
                Set.copyOf(eos));
    }

    /** {@code rope_parameters} (transformers 5) or {@code rope_theta} + {@code rope_scaling} (4.x). */
    private static RopeConfig rope(JsonNode c, String source) {
        JsonNode p = ConfigValidator.present(c, "rope_parameters");
        JsonNode scaling = ConfigValidator.present(c, "rope_scaling");
        double theta;
        if (p != null) {
            theta = number(p, "rope_theta", 10000.0);
            scaling = p;
        } else {
            theta = number(c, "rope_theta", 10000.0);
        }
        if (scaling == null) {
            return RopeConfig.plain(theta);
        }
        String type = text(scaling, "rope_type", text(scaling, "type", "default"));
        RopeConfig rope = new RopeConfig(theta, type,
                number(scaling, "factor", 1.0),
                number(scaling, "low_freq_factor", 1.0),
                number(scaling, "high_freq_factor", 4.0),
                integer(scaling, "original_max_position_embeddings", 8192));
        try {
            rope.inverseFrequencies(2); // fails early on an unsupported type
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage());
        }
        return rope;
    }

    private static int integer(JsonNode c, String field, int fallback) {
        JsonNode n = ConfigValidator.present(c, field);
        return n == null ? fallback : n.intValue();
    }

    private static double number(JsonNode c, String field, double fallback) {
        JsonNode n = ConfigValidator.present(c, field);
        return n == null ? fallback : n.doubleValue();
    }

    private static String text(JsonNode c, String field, String fallback) {
        JsonNode n = ConfigValidator.present(c, field);
        return n == null ? fallback : n.asText();
    }
}
