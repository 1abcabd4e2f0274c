package io.github.instructshift.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The one place {@code config.json} and {@code generation_config.json} are checked, before any tensor
 * is read: every field's JSON type, sign and range (the upper bounds keep an absurd value from sizing
 * an allocation), then the rules between fields (divisibility, token ids inside the vocabulary).
 * {@link ConfigReader} reads only what passed. Messages name the file, the field and the value, e.g.
 * {@code config.json: num_key_value_heads = 0: must be ≥ 1}. A JSON {@code null} counts as absent,
 * as transformers writes it for unset fields.
 */
final class ConfigValidator {
    private ConfigValidator() {}

    private enum Kind { INTEGER, NUMBER, BOOLEAN, TEXT, TOKEN_IDS }

    /**
     * One field: its kind and, for numbers, the accepted interval ({@code min} itself excluded when
     * {@code minExclusive}).
     */
    private record Field(String name, Kind kind, boolean required, double min, boolean minExclusive, double max) {}

    private static Field integer(String name, boolean required, long min, long max) {
        return new Field(name, Kind.INTEGER, required, min, false, max);
    }

    private static Field positive(String name, double max) {
        return new Field(name, Kind.NUMBER, false, 0, true, max);
    }

    private static Field of(String name, Kind kind) {
        return new Field(name, kind, false, 0, false, 0);
    }

    private static final boolean REQUIRED = true;
    private static final boolean OPTIONAL = false;
    /** The longest context accepted: above Qwen2.5-1M's 1,010,000, and small enough for the rope tables. */
    static final int MAX_POSITIONS = 1 << 20;

    /** The top level of config.json. Bounds are far above any released model's. */
    private static final List<Field> CONFIG = List.of(
            of("model_type", Kind.TEXT),
            of("hidden_act", Kind.TEXT),
            integer("vocab_size", REQUIRED, 1, 1 << 22),
            integer("hidden_size", REQUIRED, 1, 1 << 16),
            integer("intermediate_size", REQUIRED, 1, 1 << 18),
            integer("num_hidden_layers", REQUIRED, 1, 1024),
            integer("num_attention_heads", REQUIRED, 1, 1024),
            integer("num_key_value_heads", OPTIONAL, 1, 1024),
            integer("head_dim", OPTIONAL, 2, 512),
            integer("max_position_embeddings", OPTIONAL, 1, MAX_POSITIONS),
            integer("sliding_window", OPTIONAL, 1, MAX_POSITIONS),
            positive("rms_norm_eps", 1),
            positive("rope_theta", Double.MAX_VALUE),
            of("tie_word_embeddings", Kind.BOOLEAN),
            of("use_sliding_window", Kind.BOOLEAN),
            of("bos_token_id", Kind.TOKEN_IDS),
            of("eos_token_id", Kind.TOKEN_IDS));

    /** Inside {@code rope_parameters} (transformers 5) or {@code rope_scaling} (4.x). */
    private static final List<Field> ROPE = List.of(
            of("rope_type", Kind.TEXT),
            of("type", Kind.TEXT),
            positive("rope_theta", Double.MAX_VALUE),
            positive("factor", 1e6),
            positive("low_freq_factor", 1e6),
            positive("high_freq_factor", 1e6),
            integer("original_max_position_embeddings", OPTIONAL, 1, MAX_POSITIONS));

    private static final List<Field> GENERATION = List.of(
            of("bos_token_id", Kind.TOKEN_IDS),
            of("eos_token_id", Kind.TOKEN_IDS));

    /** Refuses, naming file, field and value, anything in these files the reader could not use. */
    static void check(JsonNode config, String configSource, JsonNode generation, String generationSource) {
        if (!config.isObject()) {
            throw new CheckpointException(configSource + ": expected a JSON object at the top level");
        }
        checkFields(config, "", CONFIG, configSource);
        for (String block : List.of("rope_parameters", "rope_scaling")) {
            JsonNode rope = present(config, block);
            if (rope != null) {
                if (!rope.isObject()) {
                    throw new CheckpointException(configSource + ": " + block + " = " + rope + ": must be an object");
                }
                checkFields(rope, block + ".", ROPE, configSource);
            }
        }
        if (generation != null) {
            if (!generation.isObject()) {
                throw new CheckpointException(generationSource + ": expected a JSON object at the top level");
            }
            checkFields(generation, "", GENERATION, generationSource);
        }
        checkRelations(config, configSource, generation, generationSource);
    }

    private static void checkRelations(JsonNode c, String source, JsonNode generation, String generationSource) {
        int hidden = c.get("hidden_size").intValue();
        int heads = c.get("num_attention_heads").intValue();
        JsonNode kvNode = present(c, "num_key_value_heads");
        int kvHeads = kvNode == null ? heads : kvNode.intValue();
        if (heads % kvHeads != 0) {
            throw new CheckpointException(source + ": num_attention_heads = " + heads
                    + " is not a multiple of num_key_value_heads = " + kvHeads);
        }
        JsonNode headDim = present(c, "head_dim");
        if (headDim == null) {
            // head_dim, when given, need not be hidden_size / heads (Qwen3, Mistral-Nemo); derived, it must divide
            if (hidden % heads != 0) {
                throw new CheckpointException(source + ": hidden_size = " + hidden
                        + " is not a multiple of num_attention_heads = " + heads + " (and head_dim is not given)");
            }
            if ((hidden / heads) % 2 != 0) {
                throw new CheckpointException(source + ": hidden_size / num_attention_heads = " + hidden / heads
                        + " (the head size): must be even, as rotary embeddings rotate pairs");
            }
        } else if (headDim.intValue() % 2 != 0) {
            throw new CheckpointException(source + ": head_dim = " + headDim.intValue()
                    + ": must be even, as rotary embeddings rotate pairs");
        }
        for (String block : List.of("rope_parameters", "rope_scaling")) {
            JsonNode rope = present(c, block);
            if (rope != null && present(rope, "low_freq_factor") != null && present(rope, "high_freq_factor") != null
                    && rope.get("high_freq_factor").doubleValue() <= rope.get("low_freq_factor").doubleValue()) {
                throw new CheckpointException(source + ": " + block + ".high_freq_factor = "
                        + rope.get("high_freq_factor") + ": must be greater than low_freq_factor = "
                        + rope.get("low_freq_factor"));
            }
        }
        int vocab = c.get("vocab_size").intValue();
        checkTokenIds(c, source, vocab);
        if (generation != null) {
            checkTokenIds(generation, generationSource, vocab);
        }
    }

    private static void checkTokenIds(JsonNode file, String source, int vocab) {
        for (String field : List.of("bos_token_id", "eos_token_id")) {
            JsonNode ids = present(file, field);
            if (ids == null) {
                continue;
            }
            for (JsonNode id : ids.isArray() ? ids : List.of(ids)) {
                if (id.longValue() >= vocab) {
                    throw new CheckpointException(source + ": " + field + " = " + ids
                            + ": outside the vocabulary (vocab_size = " + vocab + " in config.json)");
                }
            }
        }
    }

    private static void checkFields(JsonNode object, String prefix, List<Field> fields, String source) {
        for (Field f : fields) {
            JsonNode value = present(object, f.name());
            String name = prefix + f.name();
            if (value == null) {
                if (f.required()) {
                    throw new CheckpointException(source + ": required field '" + name + "' is missing");
                }
                continue;
            }
            String problem = problem(f, value);
            if (problem != null) {
                throw new CheckpointException(source + ": " + name + " = " + value + ": " + problem);
            }
        }
    }

    /** What is wrong with {@code value} for {@code f}, or null. */
    private static String problem(Field f, JsonNode value) {
        return switch (f.kind()) {
            case TEXT -> value.isTextual() ? null : "must be a string";
            case BOOLEAN -> value.isBoolean() ? null : "must be true or false";
            case TOKEN_IDS -> tokenIdsProblem(value);
            case INTEGER -> !value.isIntegralNumber() ? "must be an integer" + notA(value) : range(f, value.doubleValue());
            case NUMBER -> !value.isNumber() ? "must be a number" + notA(value) : range(f, value.doubleValue());
        };
    }

    private static String tokenIdsProblem(JsonNode value) {
        for (JsonNode id : value.isArray() ? value : List.of(value)) {
            if (!id.isIntegralNumber()) {
                return "must be a token id or a list of token ids" + notA(id);
            }
            if (id.longValue() < 0) {
                return "token ids must be ≥ 0";
            }
        }
        return null;
    }

    private static String notA(JsonNode value) {
        return value.isTextual() ? ", not a string" : "";
    }

    private static String range(Field f, double v) {
        if (!Double.isFinite(v)) {
            return "must be finite";
        }
        if (f.minExclusive() ? v <= f.min() : v < f.min()) {
            return "must be " + (f.minExclusive() ? "> " : "≥ ") + format(f.min());
        }
        if (v > f.max()) {
            return "must be ≤ " + format(f.max());
        }
        return null;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The field's value, or null when it is absent or JSON null. */
    static JsonNode present(JsonNode object, String field) {
        JsonNode n = object.get(field);
        return n == null || n.isNull() ? null : n;
    }
}
