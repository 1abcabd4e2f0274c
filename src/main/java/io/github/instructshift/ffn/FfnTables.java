package io.github.instructshift.ffn;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tablesaw views of the FFN results, and atomic CSV writing. */
public final class FfnTables {
    private FfnTables() {}

    /** One row per component: explained-variance ratio, the words shown to the labeller, all top words. */
    public static Table components(List<FfnConcepts.ComponentWords> comps, int shownWords) {
        Table t = Table.create("ffn_components",
                StringColumn.create("model"), IntColumn.create("layer"), IntColumn.create("rank"),
                DoubleColumn.create("explained"), DoubleColumn.create("top_score"),
                StringColumn.create("shown_words"), StringColumn.create("top_words"));
        for (FfnConcepts.ComponentWords c : comps) {
            t.stringColumn("model").append(c.model());
            t.intColumn("layer").append(c.layer());
            t.intColumn("rank").append(c.rank());
            t.doubleColumn("explained").append(c.explained());
            t.doubleColumn("top_score").append(c.words().isEmpty() ? Double.NaN : c.words().get(0).score());
            t.stringColumn("shown_words").append(String.join(", ", c.shown(shownWords)));
            t.stringColumn("top_words").append(String.join(" | ", c.wordList()));
        }
        return t;
    }

    /** One row per component and run: the label and what made it. */
    public static Table labels(List<LabelRecord> labels) {
        Table t = Table.create("ffn_labels",
                StringColumn.create("model"), IntColumn.create("layer"), IntColumn.create("rank"), LongColumn.create("seed"),
                StringColumn.create("labeller"), StringColumn.create("label_model"), StringColumn.create("status"),
                StringColumn.create("concept"), StringColumn.create("tasks"), StringColumn.create("level"),
                StringColumn.create("error"));
        for (LabelRecord r : labels) {
            ConceptLabel l = r.label();
            t.stringColumn("model").append(r.model());
            t.intColumn("layer").append(r.layer());
            t.intColumn("rank").append(r.rank());
            t.longColumn("seed").append(l.seed());
            t.stringColumn("labeller").append(l.labeller());
            t.stringColumn("label_model").append(l.labelModel());
            t.stringColumn("status").append(l.status().name());
            t.stringColumn("concept").append(l.concept() == null ? "" : l.concept());
            t.stringColumn("tasks").append(l.tasks().stream().map(Task::text).sorted().collect(Collectors.joining("; ")));
            t.stringColumn("level").append(l.level() == null ? "" : l.level().text());
            t.stringColumn("error").append(l.error() == null ? "" : l.error());
        }
        return t;
    }

    /** One row per model and run: counts and shares. */
    public static Table runs(List<ConceptShares.RunShares> runs) {
        Table t = Table.create("ffn_runs", StringColumn.create("model"), LongColumn.create("seed"),
                IntColumn.create("components"), IntColumn.create("explainable"), IntColumn.create("cannot_tell"),
                IntColumn.create("unlabelled"), DoubleColumn.create("explainable_share"));
        for (String task : ConceptShares.TASKS) {
            t.addColumns(DoubleColumn.create("task_" + task));
        }
        for (LinguisticLevel lv : LinguisticLevel.values()) {
            t.addColumns(DoubleColumn.create("level_" + lv.text()));
        }
        for (ConceptShares.RunShares r : runs) {
            t.stringColumn("model").append(r.model());
            t.longColumn("seed").append(r.seed());
            t.intColumn("components").append(r.components());
            t.intColumn("explainable").append(r.explainable());
            t.intColumn("cannot_tell").append(r.cannotTell());
            t.intColumn("unlabelled").append(r.unlabelled());
            t.doubleColumn("explainable_share").append(r.explainableShare());
            for (String task : ConceptShares.TASKS) {
                t.doubleColumn("task_" + task).append(r.taskShares().get(task));
            }
            for (LinguisticLevel lv : LinguisticLevel.values()) {
                t.doubleColumn("level_" + lv.text()).append(r.levelShares().get(lv));
            }
        }
        return t;
    }

    /** Base against tuned: mean ± std over runs and the t-test, per category. */
    public static Table shares(List<ConceptShares.Comparison> comparisons) {
        Table t = Table.create("ffn_shares", StringColumn.create("kind"), StringColumn.create("category"),
                IntColumn.create("runs"), DoubleColumn.create("base_mean"), DoubleColumn.create("base_std"),
                DoubleColumn.create("tuned_mean"), DoubleColumn.create("tuned_std"), DoubleColumn.create("t"),
                DoubleColumn.create("p"));
        for (ConceptShares.Comparison c : comparisons) {
            t.stringColumn("kind").append(c.kind());
            t.stringColumn("category").append(c.category());
            t.intColumn("runs").append(c.runs());
            t.doubleColumn("base_mean").append(c.baseMean());
            t.doubleColumn("base_std").append(c.baseStd());
            t.doubleColumn("tuned_mean").append(c.tunedMean());
            t.doubleColumn("tuned_std").append(c.tunedStd());
            t.doubleColumn("t").append(c.t());
            t.doubleColumn("p").append(c.p());
        }
        return t;
    }

    /** Figure 3's data: level shares by model and layer group. */
    public static Table sharesByGroup(List<ConceptShares.GroupShare> groups) {
        Table t = Table.create("ffn_shares_by_group", StringColumn.create("model"), IntColumn.create("group"),
                StringColumn.create("layers"), StringColumn.create("level"), DoubleColumn.create("mean"),
                DoubleColumn.create("std"));
        for (ConceptShares.GroupShare g : groups) {
            t.stringColumn("model").append(g.model());
            t.intColumn("group").append(g.group());
            t.stringColumn("layers").append((g.firstLayer() + 1) + "-" + (g.lastLayer() + 1));
            t.stringColumn("level").append(g.level().text());
            t.doubleColumn("mean").append(g.mean());
            t.doubleColumn("std").append(g.std());
        }
        return t;
    }

    /** Rotation by layer: the principal-angle summary and the matched pairs' agreement (plot against layer). */
    public static Table rotation(List<SubspaceRotation.LayerRotation> layers) {
        Table t = Table.create("ffn_rotation", IntColumn.create("layer"), IntColumn.create("angles"),
                DoubleColumn.create("mean_angle_deg"), DoubleColumn.create("median_angle_deg"),
                DoubleColumn.create("max_angle_deg"), DoubleColumn.create("share_above_45deg"),
                DoubleColumn.create("mean_matched_abs_cos"), DoubleColumn.create("mean_word_overlap"));
        for (SubspaceRotation.LayerRotation r : layers) {
            t.intColumn("layer").append(r.layer());
            t.intColumn("angles").append(r.anglesDegrees().length);
            t.doubleColumn("mean_angle_deg").append(r.meanAngle());
            t.doubleColumn("median_angle_deg").append(r.medianAngle());
            t.doubleColumn("max_angle_deg").append(r.maxAngle());
            t.doubleColumn("share_above_45deg").append(r.fractionAbove(45));
            t.doubleColumn("mean_matched_abs_cos").append(r.meanMatchedCosine());
            t.doubleColumn("mean_word_overlap").append(r.meanWordOverlap());
        }
        return t;
    }

    /** Every matched pair: which base component a tuned one became, and the words that entered and left. */
    public static Table rotationPairs(List<SubspaceRotation.LayerRotation> layers) {
        Table t = Table.create("ffn_rotation_pairs", IntColumn.create("layer"), IntColumn.create("tuned_rank"),
                IntColumn.create("base_rank"), DoubleColumn.create("abs_cos"), IntColumn.create("words_kept"),
                StringColumn.create("entered"), StringColumn.create("left"));
        for (SubspaceRotation.LayerRotation r : layers) {
            for (SubspaceRotation.Pair p : r.pairs()) {
                t.intColumn("layer").append(r.layer());
                t.intColumn("tuned_rank").append(p.tunedRank());
                t.intColumn("base_rank").append(p.baseRank());
                t.doubleColumn("abs_cos").append(p.absCosine());
                t.intColumn("words_kept").append(p.kept());
                t.stringColumn("entered").append(String.join(" | ", p.entered()));
                t.stringColumn("left").append(String.join(" | ", p.left()));
            }
        }
        return t;
    }

    /** Writes {@code table} as CSV to {@code file} through a temporary file, so a file is whole or absent. */
    public static void writeCsv(Table table, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            table.write().csv(tmp.toFile());
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FfnException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
