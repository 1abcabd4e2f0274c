package io.github.instructshift.ffn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The paper's comparison of labels (its Table 3 and Figure 3), computed as the authors' analysis
 * script does: within each run (seed) and model, the share of <em>explainable</em> concepts that serve
 * each task (the three writing kinds pooled as "writing", so one concept counts once) or sit at each
 * linguistic level; then mean and standard deviation over runs (population std, numpy's default, as
 * they used) and a two-sample t-test with pooled variance (scipy's {@code ttest_ind} default) of base
 * against tuned. UNLABELLED components (labeller failures) are left out of every denominator and
 * counted separately.
 */
public final class ConceptShares {
    /** Task categories as reported. */
    public static final List<String> TASKS = List.of("writing", "math", "coding", "translation", "none");

    private ConceptShares() {}

    /** One model's labels in one run. */
    public record RunShares(String model, long seed, int components, int explainable, int cannotTell, int unlabelled,
                            Map<String, Double> taskShares, Map<LinguisticLevel, Double> levelShares) {
        /** Explainable among the components the labeller answered for. */
        public double explainableShare() {
            int answered = explainable + cannotTell;
            return answered == 0 ? Double.NaN : explainable / (double) answered;
        }
    }

    /**
     * Base against tuned on one category over runs.
     *
     * @param kind "task", "level" or "explainable"
     */
    public record Comparison(String kind, String category, int runs, double baseMean, double baseStd, double tunedMean,
                             double tunedStd, double t, double p) {}

    /** Share of each linguistic level among a layer group's explainable concepts, over runs. */
    public record GroupShare(String model, int group, int firstLayer, int lastLayer, LinguisticLevel level, double mean,
                             double std) {}

    public static List<RunShares> perRun(List<LabelRecord> labels) {
        Map<String, Map<Long, List<LabelRecord>>> byModelSeed = new LinkedHashMap<>();
        for (LabelRecord r : labels) {
            byModelSeed.computeIfAbsent(r.model(), k -> new TreeMap<>()).computeIfAbsent(r.label().seed(), k -> new ArrayList<>()).add(r);
        }
        List<RunShares> out = new ArrayList<>();
        byModelSeed.forEach((model, bySeed) -> bySeed.forEach((seed, recs) -> out.add(shares(model, seed, recs))));
        return out;
    }

    private static RunShares shares(String model, long seed, List<LabelRecord> recs) {
        int explainable = 0;
        int cannot = 0;
        int unlabelled = 0;
        Map<String, Integer> taskCounts = new LinkedHashMap<>();
        Map<LinguisticLevel, Integer> levelCounts = new LinkedHashMap<>();
        for (LabelRecord r : recs) {
            ConceptLabel l = r.label();
            switch (l.status()) {
                case UNLABELLED -> unlabelled++;
                case CANNOT_TELL -> cannot++;
                case LABELLED -> {
                    explainable++;
                    l.tasks().stream().map(Task::reported).distinct().forEach(t -> taskCounts.merge(t, 1, Integer::sum));
                    if (l.level() != null) {
                        levelCounts.merge(l.level(), 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Double> taskShares = new LinkedHashMap<>();
        for (String t : TASKS) {
            taskShares.put(t, explainable == 0 ? Double.NaN : taskCounts.getOrDefault(t, 0) / (double) explainable);
        }
        Map<LinguisticLevel, Double> levelShares = new LinkedHashMap<>();
        for (LinguisticLevel lv : LinguisticLevel.values()) {
            levelShares.put(lv, explainable == 0 ? Double.NaN : levelCounts.getOrDefault(lv, 0) / (double) explainable);
        }
        return new RunShares(model, seed, recs.size(), explainable, cannot, unlabelled, taskShares, levelShares);
    }

    /** Every task, level and the explainable share, base against tuned. */
    public static List<Comparison> compare(List<RunShares> runs, String base, String tuned) {
        List<RunShares> b = runs.stream().filter(r -> r.model().equals(base)).toList();
        List<RunShares> t = runs.stream().filter(r -> r.model().equals(tuned)).toList();
        if (b.isEmpty() || t.isEmpty()) {
            throw new FfnException("no runs of " + (b.isEmpty() ? "the base model '" + base + "'" : "the tuned model '" + tuned + "'")
                    + " among the labels of " + runs.stream().map(RunShares::model).distinct().collect(Collectors.toList()));
        }
        List<Comparison> out = new ArrayList<>();
        out.add(comparison("explainable", "explainable", b.stream().mapToDouble(RunShares::explainableShare).toArray(),
                t.stream().mapToDouble(RunShares::explainableShare).toArray()));
        for (String task : TASKS) {
            out.add(comparison("task", task, b.stream().mapToDouble(r -> r.taskShares().get(task)).toArray(),
                    t.stream().mapToDouble(r -> r.taskShares().get(task)).toArray()));
        }
        for (LinguisticLevel lv : LinguisticLevel.values()) {
            out.add(comparison("level", lv.text(), b.stream().mapToDouble(r -> r.levelShares().get(lv)).toArray(),
                    t.stream().mapToDouble(r -> r.levelShares().get(lv)).toArray()));
        }
        return out;
    }

    static Comparison comparison(String kind, String category, double[] base, double[] tuned) {
        double t = Double.NaN;
        double p = Double.NaN;
        // a t-test needs two runs a side and some spread; otherwise it is undefined and reported as NaN
        if (base.length >= 2 && tuned.length >= 2 && finite(base) && finite(tuned)
                && (std(base) > 0 || std(tuned) > 0)) {
            TTest test = new TTest();
            t = test.homoscedasticT(base, tuned);
            p = test.homoscedasticTTest(base, tuned);
        }
        return new Comparison(kind, category, Math.min(base.length, tuned.length), mean(base), std(base), mean(tuned), std(tuned), t, p);
    }

    /**
     * Figure 3: per model and group of {@code layersPerGroup} consecutive layers (layer // size, as the
     * authors group), the share of each level among the group's explainable concepts in each run,
     * averaged over runs.
     */
    public static List<GroupShare> byLayerGroup(List<LabelRecord> labels, int layersPerGroup) {
        if (layersPerGroup < 1) {
            throw new FfnException("layersPerGroup must be >= 1, got " + layersPerGroup);
        }
        List<GroupShare> out = new ArrayList<>();
        Map<String, List<LabelRecord>> byModel = labels.stream().collect(Collectors.groupingBy(LabelRecord::model, LinkedHashMap::new, Collectors.toList()));
        byModel.forEach((model, recs) -> {
            TreeSet<Integer> groups = recs.stream().map(r -> r.layer() / layersPerGroup).collect(Collectors.toCollection(TreeSet::new));
            TreeSet<Long> seeds = recs.stream().map(r -> r.label().seed()).collect(Collectors.toCollection(TreeSet::new));
            for (int g : groups) {
                for (LinguisticLevel lv : LinguisticLevel.values()) {
                    List<Double> perSeed = new ArrayList<>();
                    for (long seed : seeds) {
                        List<LabelRecord> inGroup = recs.stream()
                                .filter(r -> r.layer() / layersPerGroup == g && r.label().seed() == seed && r.label().explainable())
                                .toList();
                        if (!inGroup.isEmpty()) {
                            perSeed.add(inGroup.stream().filter(r -> r.label().level() == lv).count() / (double) inGroup.size());
                        }
                    }
                    double[] v = perSeed.stream().mapToDouble(Double::doubleValue).toArray();
                    out.add(new GroupShare(model, g, g * layersPerGroup, g * layersPerGroup + layersPerGroup - 1, lv,
                            v.length == 0 ? Double.NaN : mean(v), v.length == 0 ? Double.NaN : std(v)));
                }
            }
        });
        return out;
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Population standard deviation (ddof 0). */
    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return v.length == 0 ? Double.NaN : Math.sqrt(s / v.length);
    }
}
