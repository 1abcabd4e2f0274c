package io.github.instructshift.report;

import ai.djl.ndarray.NDManager;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.ffn.ConceptLabeller;
import io.github.instructshift.ffn.ConceptShares;
import io.github.instructshift.ffn.FfnConcepts;
import io.github.instructshift.ffn.FfnTables;
import io.github.instructshift.ffn.LabelRecord;
import io.github.instructshift.ffn.OfflineLabeller;
import io.github.instructshift.ffn.PcaOptions;
import io.github.instructshift.ffn.SubspaceRotation;
import io.github.instructshift.ffn.TokenizerVocabulary;
import io.github.instructshift.model.Checkpoint;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Finding 3 on the configured pair, sized for a notebook: per layer the top R principal components of
 * the FFN value vectors (R = d_model / 8, at least 8 and at most the paper's 300, so the subspace is a
 * real part of the space and its rotation means something), their top words among the tokenizer's word
 * pieces, labels from the offline lexicon labeller over seeded runs (a stand-in for the paper's
 * ChatGPT labels, and said so), the task and linguistic-level shares, and the subspace rotation.
 *
 * @param base           the base model's components
 * @param tuned          the tuned model's components
 * @param labels         every component's label in every run
 * @param shares         base vs tuned per task, level and explainable share
 * @param byGroup        level shares per layer group (the paper's Figure 3)
 * @param rotation       per layer, principal angles and matched components
 * @param labeller       the labeller's notice
 * @param components     R
 * @param layersPerGroup layers per group in {@code byGroup}
 * @param seconds        wall time
 */
public record FfnRun(FfnConcepts.ModelConcepts base, FfnConcepts.ModelConcepts tuned, List<LabelRecord> labels,
                     List<ConceptShares.Comparison> shares, List<ConceptShares.GroupShare> byGroup,
                     List<SubspaceRotation.LayerRotation> rotation, String labeller, int components, int layersPerGroup,
                     double seconds) {

    public static final int RUNS = 3;
    public static final int TOP_WORDS = 30;
    public static final int SHOWN_WORDS = 15;

    /** R for a model of width {@code dModel}. */
    public static int components(int dModel) {
        return Math.max(1, Math.min(dModel, Math.min(300, Math.max(8, dModel / 8))));
    }

    public static FfnRun run(ModelPair pair) {
        Checkpoint b = pair.checkpoint(ModelRole.BASE);
        Checkpoint t = pair.checkpoint(ModelRole.TUNED);
        if (!pair.sameShape()) {
            throw new ReportException("the FFN layers of " + pair.name(ModelRole.BASE) + " and "
                    + pair.name(ModelRole.TUNED) + " cannot be compared layer by layer: the two models differ in shape");
        }
        long t0 = System.nanoTime();
        int r = components(b.config().hiddenSize());
        int layers = b.config().numLayers();
        int perGroup = Math.max(1, (layers + 3) / 4);
        FfnConcepts.Options options = new FfnConcepts.Options(r, TOP_WORDS, SHOWN_WORDS, PcaOptions.defaults());
        TokenizerVocabulary vocabulary = new TokenizerVocabulary(3);
        FfnConcepts.ModelConcepts mb;
        FfnConcepts.ModelConcepts mt;
        try (NDManager manager = NDManager.newBaseManager()) {
            mb = FfnConcepts.analyse("base", b.weights(), b.tokenizer(), vocabulary, options, manager);
            mt = FfnConcepts.analyse("tuned", t.weights(), t.tokenizer(), vocabulary, options, manager);
        }
        List<SubspaceRotation.LayerRotation> rotation = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            rotation.add(SubspaceRotation.compare(mb.layers().get(layer), mt.layers().get(layer),
                    mb.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList(),
                    mt.layer(layer).stream().map(FfnConcepts.ComponentWords::wordList).toList()));
        }
        List<FfnConcepts.ComponentWords> all = new ArrayList<>(mb.components());
        all.addAll(mt.components());
        ConceptLabeller labeller = new OfflineLabeller();
        List<LabelRecord> labels = FfnConcepts.label(all, labeller, LongStream.range(0, RUNS).toArray(), SHOWN_WORDS, 2);
        List<ConceptShares.RunShares> perRun = ConceptShares.perRun(labels);
        return new FfnRun(mb, mt, labels, ConceptShares.compare(perRun, "base", "tuned"),
                ConceptShares.byLayerGroup(labels, perGroup), rotation, labeller.notice(), r, perGroup,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The first {@code perLayer} components of every layer of both models with their shown words. */
    public Table componentsTable(int perLayer) {
        List<FfnConcepts.ComponentWords> top = new ArrayList<>();
        for (FfnConcepts.ModelConcepts m : List.of(base, tuned)) {
            m.components().stream().filter(c -> c.rank() <= perLayer).forEach(top::add);
        }
        return FfnTables.components(top, SHOWN_WORDS);
    }

    /** Every component of both models (the CSV dump). */
    public Table allComponents() {
        List<FfnConcepts.ComponentWords> all = new ArrayList<>(base.components());
        all.addAll(tuned.components());
        return FfnTables.components(all, SHOWN_WORDS);
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
        s.put("components_per_layer", components);
        s.put("mean_principal_angle_deg", Findings.finite(meanAngle()));
        s.put("mean_matched_abs_cos", Findings.finite(rotation.stream()
                .mapToDouble(SubspaceRotation.LayerRotation::meanMatchedCosine).average().orElse(Double.NaN)));
        s.put("labeller", labeller);
        return s;
    }
}
