package io.github.instructshift.report;

import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.heads.HeadsAnalysis;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.model.ModelConfig;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
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

    /** Opens the pair of {@code config}; fails with a clear message when a checkpoint is missing. */
    public static ModelPair open(NotebookConfig config) {
        config.requirePair();
        config.applyThreads();
        return new ModelPair(config, Checkpoint.open(config.base()), Checkpoint.open(config.tuned()), config.loadOptions());
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

    /** Whether both models have the same shape (the head and FFN comparisons need it). */
    public boolean sameShape() {
        ModelConfig a = base.config();
        ModelConfig b = tuned.config();
        return a.numLayers() == b.numLayers() && a.hiddenSize() == b.hiddenSize() && a.numHeads() == b.numHeads()
                && a.headDim() == b.headDim() && a.intermediateSize() == b.intermediateSize();
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
