package io.github.instructshift.report;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.ffn.ConceptLabeller;
import io.github.instructshift.ffn.ConceptShares;
import io.github.instructshift.ffn.FfnConcepts;
import io.github.instructshift.ffn.FfnTables;
import io.github.instructshift.ffn.LabelRecord;
import io.github.instructshift.ffn.OfflineLabeller;
import io.github.instructshift.ffn.FfnException;
import io.github.instructshift.ffn.FfnSettings;
import io.github.instructshift.ffn.SubspaceRotation;
import io.github.instructshift.ffn.TokenizerVocabulary;
import io.github.instructshift.ffn.VocabularySource;
import io.github.instructshift.ffn.WordListVocabulary;
import io.github.instructshift.model.Checkpoint;
import tech.tablesaw.api.Table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Finding 3 on the configured pair, with the settings of the configuration's {@link Profile}:
 * {@code paper}: exactly the {@code ffn} command's ({@link FfnSettings#paper()}: R = 300 components per
 * layer, top 50 words of which 15 are shown to the labeller, 5 seeded runs, groups of 4 layers) over the
 * authors' ShareGPT vocabulary; {@code organism}: sized for the small organism (R = d_model / 8, at least
 * 8 and at most 300, so the subspace is a real part of the space and its rotation means something; top
 * {@value #ORGANISM_TOP_WORDS} words; {@value #ORGANISM_RUNS} runs; four layer groups) over the tokenizer's
 * word pieces. The labeller is the configuration's ({@code labeller}: the offline lexicon stand-in unless
 * {@code openai} is chosen). Per layer: PCA of the FFN value vectors, the components' top words, their
 * labels, the task and linguistic-level shares, and the subspace rotation; {@link #deviations()} lists
 * what differs from the paper.
 *
 * @param base           the base model's components
 * @param tuned          the tuned model's components
 * @param labels         every component's label in every run
 * @param shares         base vs tuned per task, level and explainable share
 * @param byGroup        level shares per layer group (the paper's Figure 3)
 * @param rotation       per layer, principal angles and matched components
 * @param labeller       the labeller's notice
 * @param settings       the settings it ran with (R, words, runs, layers per group)
 * @param profile        the profile that chose them
 * @param deviations     what differs from the paper
 * @param seconds        wall time
 */
public record FfnRun(FfnConcepts.ModelConcepts base, FfnConcepts.ModelConcepts tuned, List<LabelRecord> labels,
                     List<ConceptShares.Comparison> shares, List<ConceptShares.GroupShare> byGroup,
                     List<SubspaceRotation.LayerRotation> rotation, String labeller, FfnSettings settings,
                     Profile profile, Deviations deviations, double seconds) {

    public static final int ORGANISM_RUNS = 3;
    public static final int ORGANISM_TOP_WORDS = 30;
    /** Labelling requests in flight (the {@code ffn} command's default). */
    static final int PARALLEL_LABELS = 4;

    /** R for the organism profile and a model of width {@code dModel}. */
    public static int components(int dModel) {
        return Math.max(1, Math.min(dModel, Math.min(300, Math.max(8, dModel / 8))));
    }

    /** Runs the analysis with progress per layer and per labelled component on standard output. */
    public static FfnRun run(ModelPair pair) {
        return run(pair, Progress::of);
    }

    /** The settings of a profile for a model of {@code layers} layers and width {@code dModel}. */
    static FfnSettings settings(Profile profile, int layers, int dModel) {
        FfnSettings paper = FfnSettings.paper();
        FfnConcepts.Options p = paper.concepts();
        if (profile == Profile.PAPER) {
            return new FfnSettings(new FfnConcepts.Options(Math.min(p.components(), dModel), p.topWords(), p.shownWords(),
                    p.pca()), paper.runs(), paper.layersPerGroup());
        }
        return new FfnSettings(new FfnConcepts.Options(components(dModel), ORGANISM_TOP_WORDS, p.shownWords(), p.pca()),
                ORGANISM_RUNS, Math.max(1, (layers + 3) / 4));
    }

    /** A progress reporter for a task, a unit and a total (e.g. {@link Progress#of}). */
    interface ProgressFactory {
        Progress start(String task, String unit, int total);
    }

    static FfnRun run(ModelPair pair, ProgressFactory progress) {
        NotebookConfig config = pair.config();
        Checkpoint b = pair.checkpoint(ModelRole.BASE);
        Checkpoint t = pair.checkpoint(ModelRole.TUNED);
        int layers = b.config().numLayers();
        Profile profile = config.profile();
        FfnSettings settings = settings(profile, layers, b.config().hiddenSize());
        VocabularySource vocabulary = profile == Profile.PAPER
                ? new WordListVocabulary(config.shareGptVocabulary(), 0) : new TokenizerVocabulary(3);
        ConceptLabeller labeller;
        try {
            labeller = config.labeller().open(System.getenv(), config.labelCache(), Duration.ofSeconds(60),
                    "labeller_endpoint", "labeller_model");
        } catch (FfnException e) {
            throw new ReportException(e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        FfnConcepts.Options options = settings.concepts();
        FfnConcepts.ModelConcepts mb;
        FfnConcepts.ModelConcepts mt;
        Progress pca = progress.start("ffn pca", "layers", 2 * layers);
        try (NDManager manager = NDManager.newBaseManager()) {
            mb = FfnConcepts.analyse("base", b.weights(), b.tokenizer(), vocabulary, options, manager,
                    l -> pca.step("base layer " + l.layer()));
            mt = FfnConcepts.analyse("tuned", t.weights(), t.tokenizer(), vocabulary, options, manager,
                    l -> pca.step("tuned layer " + l.layer()));
        }
        List<SubspaceRotation.LayerRotation> rotation = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            rotation.add(SubspaceRotation.compare(mb.layers().get(layer), mt.layers().get(layer),
                    mb.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList(),
                    mt.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList()));
        }
        List<FfnConcepts.ComponentWords> all = new ArrayList<>(mb.components());
        all.addAll(mt.components());
        Progress labelling = progress.start("ffn labels (" + labeller.name() + ")", "labels",
                all.size() * settings.runs());
        List<LabelRecord> labels = FfnConcepts.label(all, labeller, LongStream.range(0, settings.runs()).toArray(),
                options.shownWords(), PARALLEL_LABELS,
                r -> labelling.step(r.model() + " layer " + r.layer() + " #" + r.rank() + ", run " + r.label().seed()));
        List<ConceptShares.RunShares> perRun = ConceptShares.perRun(labels);
        return new FfnRun(mb, mt, labels, ConceptShares.compare(perRun, "base", "tuned"),
                ConceptShares.byLayerGroup(labels, settings.layersPerGroup()), rotation, labeller.notice(), settings,
                profile, deviations(profile, settings, mb, labeller), (System.nanoTime() - t0) / 1e9);
    }

    static Deviations deviations(Profile profile, FfnSettings settings, FfnConcepts.ModelConcepts base,
                                 ConceptLabeller labeller) {
        FfnSettings paper = FfnSettings.paper();
        Deviations.Builder d = new Deviations.Builder("ffn");
        String why = profile == Profile.ORGANISM ? "profile organism" : "d_model is smaller than that";
        d.differs("components per layer (R)", settings.concepts().components(), paper.concepts().components(),
                profile == Profile.ORGANISM ? "profile organism: d_model / 8, a real part of the space" : why);
        d.differs("top words per component", settings.concepts().topWords(), paper.concepts().topWords(), why);
        d.differs("words shown to the labeller", settings.concepts().shownWords(), paper.concepts().shownWords(), why);
        d.differs("labelling runs", settings.runs(), paper.runs(), why);
        d.differs("layers per group", settings.layersPerGroup(), paper.layersPerGroup(),
                "profile organism: four groups of its few layers");
        if (profile == Profile.ORGANISM) {
            d.add("vocabulary", base.vocabularySource(), "the ShareGPT vocabulary (" + NotebookConfig.SHAREGPT_VOCABULARY
                    + ")", "profile organism; profile=paper with paper (" + NotebookConfig.envName("paper") + ") set reads it");
        }
        if (labeller instanceof OfflineLabeller) {
            d.add("labeller", labeller.name() + " (lexicon stand-in)", "ChatGPT",
                    "set labeller=openai, labeller_endpoint, labeller_model and labeller_key_env ("
                            + NotebookConfig.envName("labeller") + ", …)");
        }
        return d.build();
    }

    /** R, the components per layer. */
    public int components() {
        return settings.concepts().components();
    }

    public int layersPerGroup() {
        return settings.layersPerGroup();
    }

    /** The first {@code perLayer} components of every layer of both models with their shown words. */
    public Table componentsTable(int perLayer) {
        List<FfnConcepts.ComponentWords> top = new ArrayList<>();
        for (FfnConcepts.ModelConcepts m : List.of(base, tuned)) {
            m.components().stream().filter(c -> c.rank() <= perLayer).forEach(top::add);
        }
        return Tables.rounded(FfnTables.components(top, settings.concepts().shownWords()));   // shown in a cell
    }

    /** Every component of both models (the CSV dump). */
    public Table allComponents() {
        List<FfnConcepts.ComponentWords> all = new ArrayList<>(base.components());
        all.addAll(tuned.components());
        return FfnTables.components(all, settings.concepts().shownWords());
    }

    public Table sharesTable() {
        return FfnTables.shares(shares);
    }

    public Table byGroupTable() {
        return FfnTables.sharesByGroup(byGroup);
    }

    public Table rotationTable() {
        return FfnTables.rotation(rotation);
    }

    public Table labelsTable() {
        return FfnTables.labels(labels);
    }

    /** Mean principal angle over layers, in degrees. */
    public double meanAngle() {
        return rotation.stream().mapToDouble(SubspaceRotation.LayerRotation::meanAngle).filter(Double::isFinite)
                .average().orElse(Double.NaN);
    }

    /** The numbers the summary shows. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Object> tasks = new LinkedHashMap<>();
        Map<String, Object> levels = new LinkedHashMap<>();
        for (ConceptShares.Comparison c : shares) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("base", Findings.finite(c.baseMean()));
            row.put("tuned", Findings.finite(c.tunedMean()));
            row.put("p", Findings.finite(c.p()));
            switch (c.kind()) {
                case "task" -> tasks.put(c.category(), row);
                case "level" -> levels.put(c.category(), row);
                default -> s.put("explainable", row);
            }
        }
        s.put("task_shares", tasks);
        s.put("level_shares", levels);
        s.put("components_per_layer", components());
        s.put("profile", profile.key());
        s.put("mean_principal_angle_deg", Findings.finite(meanAngle()));
        s.put("mean_matched_abs_cos", Findings.finite(rotation.stream()
                .mapToDouble(SubspaceRotation.LayerRotation::meanMatchedCosine).average().orElse(Double.NaN)));
        s.put("labeller", labeller);
        s.put("runs", settings.runs());
        s.put("power", power());
        return s;
    }

    /** Per task: base and tuned share, the change, the paper's p over runs, and the power for a 10-point change. */
    @SuppressWarnings("unchecked")
    public Table powerTable() {
        Map<String, Object> power = power();
        Map<String, Object> perTask = (Map<String, Object>) power.get("per_task");
        tech.tablesaw.api.StringColumn task = tech.tablesaw.api.StringColumn.create("task");
        tech.tablesaw.api.DoubleColumn base = tech.tablesaw.api.DoubleColumn.create("base share");
        tech.tablesaw.api.DoubleColumn tuned = tech.tablesaw.api.DoubleColumn.create("tuned share");
        tech.tablesaw.api.DoubleColumn change = tech.tablesaw.api.DoubleColumn.create("change");
        tech.tablesaw.api.DoubleColumn p = tech.tablesaw.api.DoubleColumn.create("p (t-test over runs)");
        tech.tablesaw.api.DoubleColumn pw = tech.tablesaw.api.DoubleColumn.create(String.format(Locale.ROOT,
                "power for a %.0f-point change (%.0f vs %.0f explainable concepts)", 100 * POWER_SHARE_CHANGE,
                (double) power.get("explainable_base"), (double) power.get("explainable_tuned")));
        for (ConceptShares.Comparison c : shares) {
            if (c.kind().equals("task")) {
                task.append(c.category());
                base.append(c.baseMean());
                tuned.append(c.tunedMean());
                change.append(c.tunedMean() - c.baseMean());
                p.append(c.p());
                Object x = perTask.get(c.category());
                pw.append(x instanceof Number n ? n.doubleValue() : Double.NaN);
            }
        }
        return Table.create("Finding 3: effect and power per task", task, base, tuned, change, p, pw);
    }

    /** The change in a task's share of explainable concepts the power analysis asks about: 10 percentage points. */
    public static final double POWER_SHARE_CHANGE = 0.10;

    /**
     * Power to see a task's share move by {@value #POWER_SHARE_CHANGE} between the models, per task, with
     * the explainable concepts each model has (mean over runs) as the sample: the paper's t-test over runs
     * sees only the labeller's run-to-run noise, so its n (the runs) says nothing about the components. The
     * authors' per-component labels are not released, so the change is fixed here, not taken from them.
     */
    public Map<String, Object> power() {
        List<ConceptShares.RunShares> perRun = ConceptShares.perRun(labels);
        Map<String, Object> out = new LinkedHashMap<>();
        double nBase = perRun.stream().filter(r -> r.model().equals("base")).mapToInt(ConceptShares.RunShares::explainable)
                .average().orElse(0);
        double nTuned = perRun.stream().filter(r -> r.model().equals("tuned")).mapToInt(ConceptShares.RunShares::explainable)
                .average().orElse(0);
        out.put("explainable_base", nBase);
        out.put("explainable_tuned", nTuned);
        out.put("share_change", POWER_SHARE_CHANGE);
        Map<String, Object> perTask = new LinkedHashMap<>();
        for (ConceptShares.Comparison c : shares) {
            if (!c.kind().equals("task") || !Double.isFinite(c.baseMean()) || (int) nBase < 2 || (int) nTuned < 2) {
                continue;
            }
            double p1 = c.baseMean();
            double p2 = p1 + POWER_SHARE_CHANGE <= 1 ? p1 + POWER_SHARE_CHANGE : p1 - POWER_SHARE_CHANGE;
            perTask.put(c.category(), Findings.finite(io.github.instructshift.stats.PowerAnalysis.twoProportionPowerApprox(
                    p1, p2, (int) nBase, (int) nTuned, 0.05).power()));
        }
        out.put("per_task", perTask);
        return out;
    }
}
