package io.github.instructshift.report;

import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PieceIds;
import io.github.instructshift.heads.HeadsAnalysis;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.ModelConfig;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;

/**
 * The base and tuned checkpoints of the configuration, opened (headers only); each model is loaded for
 * forward passes the first time it is needed and freed by {@link #close()}.
 */
public final class ModelPair implements AutoCloseable {
    private final NotebookConfig config;
    private final Checkpoint base;
    private final Checkpoint tuned;
    private final LoadOptions options;
    private CausalLM baseLm;
    private CausalLM tunedLm;

    private ModelPair(NotebookConfig config, Checkpoint base, Checkpoint tuned, LoadOptions options) {
        this.config = config;
        this.base = base;
        this.tuned = tuned;
        this.options = options;
    }

    /**
     * Opens the pair of {@code config}; fails with a clear message when a checkpoint is missing, when
     * the two architectures differ ({@link #architectureDifference}) or when their tokenizers differ
     * (the check {@code attribute --paired} makes): every finding compares the models weight for weight
     * or token for token, so such a pair would fail deep in a notebook or compare the wrong things.
     */
    public static ModelPair open(NotebookConfig config) {
        config.requirePair();
        Checkpoint base = Checkpoint.open(config.base());
        Checkpoint tuned = Checkpoint.open(config.tuned());
        String what = "base " + config.base() + " and tuned " + config.tuned();
        String architecture = architectureDifference(base.config(), tuned.config());
        if (architecture != null) {
            throw new ReportException(what + " differ in architecture, so their weights cannot be compared: "
                    + architecture);
        }
        String vocabulary = PieceIds.difference(base.tokenizer(), tuned.tokenizer());
        if (vocabulary != null) {
            throw new ReportException(what + " do not share one tokenizer vocabulary (" + vocabulary
                    + "), so their tokens cannot be compared");
        }
        config.applyThreads();
        return new ModelPair(config, base, tuned, config.loadOptions());
    }

    /**
     * Null when two configurations describe the same architecture (family, layers, widths, heads,
     * key/value heads, head size, FFN size, vocabulary, tied embeddings, rotary settings); otherwise
     * every difference in one line, with config.json's names: {@code base has num_key_value_heads = 2, tuned has 4}.
     */
    public static String architectureDifference(ModelConfig base, ModelConfig tuned) {
        Map<String, Function<ModelConfig, Object>> fields = new LinkedHashMap<>();
        fields.put("model_type", ModelConfig::modelType);
        fields.put("num_hidden_layers", ModelConfig::numLayers);
        fields.put("hidden_size", ModelConfig::hiddenSize);
        fields.put("num_attention_heads", ModelConfig::numHeads);
        fields.put("num_key_value_heads", ModelConfig::numKvHeads);
        fields.put("head_dim", ModelConfig::headDim);
        fields.put("intermediate_size", ModelConfig::intermediateSize);
        fields.put("vocab_size", ModelConfig::vocabSize);
        fields.put("tie_word_embeddings", ModelConfig::tiedEmbeddings);
        fields.put("rope_theta", c -> c.rope().theta());
        fields.put("rope_type", c -> c.rope().type());
        fields.put("rope factor", c -> c.rope().factor());
        fields.put("rope low_freq_factor", c -> c.rope().lowFreqFactor());
        fields.put("rope high_freq_factor", c -> c.rope().highFreqFactor());
        fields.put("rope original_max_position_embeddings", c -> c.rope().originalMaxPositions());
        List<String> differences = new ArrayList<>();
        fields.forEach((name, field) -> {
            Object b = field.apply(base);
            Object t = field.apply(tuned);
            if (!b.equals(t)) {
                differences.add("base has " + name + " = " + b + ", tuned has " + t);
            }
        });
        return differences.isEmpty() ? null : String.join("; ", differences);
    }

    public NotebookConfig config() {
        return config;
    }

    public Checkpoint checkpoint(ModelRole role) {
        return role == ModelRole.BASE ? base : tuned;
    }

    /** The checkpoint's folder name, e.g. {@code organism-base}. */
    public String name(ModelRole role) {
        return String.valueOf(checkpoint(role).dir().getFileName());
    }

    /** The model loaded for forward passes (once). */
    public synchronized CausalLM lm(ModelRole role) {
        if (role == ModelRole.BASE) {
            if (baseLm == null) {
                baseLm = base.load(options);
            }
            return baseLm;
        }
        if (tunedLm == null) {
            tunedLm = tuned.load(options);
        }
        return tunedLm;
    }

    /** The model as the head analysis reads it (weights and tokenizer, no forward pass). */
    public HeadsAnalysis.Model headsModel(ModelRole role) {
        Checkpoint c = checkpoint(role);
        return new HeadsAnalysis.Model(name(role), c.weights(), c.tokenizer());
    }

    /** One row per property (family, sizes, parameters, dtypes, device), one column per model. */
    public Table describe() {
        StringColumn property = StringColumn.create("property");
        StringColumn b = StringColumn.create("base");
        StringColumn t = StringColumn.create("tuned");
        row(property, b, t, "name", c -> String.valueOf(c.dir().getFileName()));
        row(property, b, t, "directory", c -> c.dir().toString());
        row(property, b, t, "family (model_type)", c -> c.config().modelType());
        row(property, b, t, "parameters", c -> String.format(Locale.ROOT, "%,d", c.parameterCount()));
        row(property, b, t, "layers", c -> Integer.toString(c.config().numLayers()));
        row(property, b, t, "hidden size", c -> Integer.toString(c.config().hiddenSize()));
        row(property, b, t, "heads (kv heads)", c -> c.config().numHeads() + " (" + c.config().numKvHeads() + ")");
        row(property, b, t, "FFN size", c -> Integer.toString(c.config().intermediateSize()));
        row(property, b, t, "vocabulary", c -> Integer.toString(c.config().vocabSize()));
        row(property, b, t, "context", c -> Integer.toString(c.config().maxPositions()));
        row(property, b, t, "stored dtype", Checkpoint::storedDtypes);
        row(property, b, t, "compute dtype", c -> options.dtype().toString().toLowerCase(Locale.ROOT));
        row(property, b, t, "device", c -> options.device().toString());
        return Table.create("model pair", property, b, t);
    }

    private void row(StringColumn p, StringColumn b, StringColumn t, String name, Function<Checkpoint, String> f) {
        p.append(name);
        b.append(f.apply(base));
        t.append(f.apply(tuned));
    }

    /**
     * Greedy answers of both models to each prompt (rendered as the prompt set renders it), side by side.
     * Columns: prompt, base, tuned, base_stop, tuned_stop.
     */
    public Table sideBySide(List<EvalPrompts.EvalPrompt> prompts, int maxNewTokens) {
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn b = StringColumn.create("base");
        StringColumn t = StringColumn.create("tuned");
        StringColumn bs = StringColumn.create("base_stop");
        StringColumn ts = StringColumn.create("tuned_stop");
        for (EvalPrompts.EvalPrompt p : prompts) {
            Generation gb = generate(ModelRole.BASE, p.text(), maxNewTokens);
            Generation gt = generate(ModelRole.TUNED, p.text(), maxNewTokens);
            prompt.append(p.text());
            b.append(gb.text());
            t.append(gt.text());
            bs.append(gb.stoppedOn());
            ts.append(gt.stoppedOn());
        }
        return Table.create("greedy answers, side by side", prompt, b, t, bs, ts);
    }

    /** Greedy continuation of {@code text} (the tokenizer's special tokens added). */
    public Generation generate(ModelRole role, String text, int maxNewTokens) {
        CausalLM lm = lm(role);
        return lm.generate(lm.tokenizer().encode(text, true), maxNewTokens);
    }

    @Override
    public synchronized void close() {
        if (baseLm != null) {
            baseLm.close();
            baseLm = null;
        }
        if (tunedLm != null) {
            tunedLm.close();
            tunedLm = null;
        }
    }
}
