package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptSet;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.PairedTTest;
import io.github.instructshift.stats.WelchTest;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instruction scores of a run summarised per prompt set and over all prompts, base against tuned:
 * group size, mean and population std, and Welch's one-sided t-test with H1 "base &lt; tuned". On the
 * paper's sets the rows are those of {@link InstructionTables#table2} (same statistics, same columns);
 * prompts of no paper set form the set {@code other}, and {@code all} pools every prompt.
 *
 * <p>Paired runs ({@code attribute --paired}) add {@link #paired}: the same response scored under both
 * models (each model's own result, and the other model's forced result on it), so a difference is about the
 * model, not about a different answer. Per set and per response source (the tuned model's responses, the
 * base model's), a paired t-test of score(tuned) − score(base) with H1 "tuned &gt; base", one-sided
 * {@code p = p2/2} when t &gt; 0 and {@code 1 − p2/2} otherwise ({@link PairedTTest}).
 */
public final class AttributionSummary {
    public static final String ALL = "all";

    private AttributionSummary() {}

    /**
     * One set: both groups and the test (t, df and p are NaN when a group has fewer than 2 scores).
     */
    public record Comparison(String set, GroupSummary base, GroupSummary tuned, double t, double df, double p) {}

    public static List<Comparison> compare(Collection<AttributionResults.Row> rows) {
        Map<String, List<AttributionResults.Row>> bySet = new LinkedHashMap<>();
        for (PromptSet s : PromptSet.values()) {
            bySet.put(s.label(), new ArrayList<>());
        }
        bySet.put(AttributionResults.OTHER_SET, new ArrayList<>());
        for (AttributionResults.Row r : rows) {
            bySet.computeIfAbsent(r.set(), k -> new ArrayList<>()).add(r);
        }
        bySet.put(ALL, new ArrayList<>(rows));
        List<Comparison> out = new ArrayList<>();
        for (Map.Entry<String, List<AttributionResults.Row>> e : bySet.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            double[] base = scores(e.getValue(), ModelRole.BASE);
            double[] tuned = scores(e.getValue(), ModelRole.TUNED);
            double t = Double.NaN;
            double df = Double.NaN;
            double p = Double.NaN;
            if (base.length >= 2 && tuned.length >= 2) {
                WelchTest.Result w = WelchTest.less(base, tuned);
                t = w.t();
                df = w.df();
                p = w.p();
            }
            out.add(new Comparison(e.getKey(), GroupSummary.of(base), GroupSummary.of(tuned), t, df, p));
        }
        return out;
    }

    /**
     * One prompt's response scored under both models.
     *
     * @param responses whose response it is: {@code tuned} or {@code base}
     * @param responseTokens its length in tokens
     * @param base      the instruction score under the base model
     * @param tuned     the instruction score under the tuned model
     */
    public record PairedScore(String id, String set, String responses, int responseTokens, double base, double tuned) {}

    /**
     * One set and response source: n pairs, the mean score under each model, and the paired t-test of
     * tuned − base (t, df, p are NaN with fewer than 2 pairs or no spread in the differences).
     *
     * @param p         one-sided, H1: mean(tuned − base) &gt; 0
     * @param pTwoSided the two-sided p-value it comes from
     */
    public record Paired(String set, String responses, int n, double baseMean, double tunedMean, double meanDifference,
                         double t, double df, double p, double pTwoSided) {}

    /**
     * Pairs each prompt's own result of one model with the other model's forced result on the same response:
     * the tuned model's responses ({@code tuned} rows of {@code own} with {@code baseOnTuned}) first, then the
     * base model's ({@code base} rows of {@code own} with {@code tunedOnBase}); a prompt missing either side is
     * left out. In prompt order of {@code own}.
     */
    public static List<PairedScore> pairs(Collection<AttributionResults.Row> own,
                                          Collection<AttributionResults.Row> baseOnTuned,
                                          Collection<AttributionResults.Row> tunedOnBase) {
        List<PairedScore> out = new ArrayList<>();
        Map<String, AttributionResults.Row> forcedBase = byId(baseOnTuned);
        Map<String, AttributionResults.Row> forcedTuned = byId(tunedOnBase);
        for (AttributionResults.Row r : own) {
            AttributionResults.Row f = forcedBase.get(r.id());
            if (r.role().equals(ModelRole.TUNED.label()) && f != null) {
                out.add(new PairedScore(r.id(), r.set(), ModelRole.TUNED.label(), r.responseTokens(), f.score(), r.score()));
            }
        }
        for (AttributionResults.Row r : own) {
            AttributionResults.Row f = forcedTuned.get(r.id());
            if (r.role().equals(ModelRole.BASE.label()) && f != null) {
                out.add(new PairedScore(r.id(), r.set(), ModelRole.BASE.label(), r.responseTokens(), r.score(), f.score()));
            }
        }
        return out;
    }

    /**
     * The pairs as a table (what {@code paired.csv} holds; Tablesaw's CSV writer quotes what needs it):
     * id, set, responses, response_tokens, score_base, score_tuned, difference (tuned − base).
     */
    public static Table pairedTable(Collection<PairedScore> pairs) {
        StringColumn id = StringColumn.create("id");
        StringColumn set = StringColumn.create("set");
        StringColumn responses = StringColumn.create("responses");
        IntColumn responseTokens = IntColumn.create("response_tokens");
        DoubleColumn base = DoubleColumn.create("score_base");
        DoubleColumn tuned = DoubleColumn.create("score_tuned");
        DoubleColumn difference = DoubleColumn.create("difference");
        for (PairedScore p : pairs) {
            id.append(p.id());
            set.append(p.set());
            responses.append(p.responses());
            responseTokens.append(p.responseTokens());
            base.append(p.base());
            tuned.append(p.tuned());
            difference.append(p.tuned() - p.base());
        }
        return Table.create("paired", id, set, responses, responseTokens, base, tuned, difference);
    }

    private static Map<String, AttributionResults.Row> byId(Collection<AttributionResults.Row> rows) {
        Map<String, AttributionResults.Row> m = new HashMap<>();
        for (AttributionResults.Row r : rows) {
            m.put(r.id(), r);
        }
        return m;
    }

    /**
     * The paired comparison per set (the paper's sets, {@code other}, then {@code all}) and response source
     * (tuned, then base); sets without pairs are left out.
     */
    public static List<Paired> paired(Collection<PairedScore> pairs) {
        List<Paired> out = new ArrayList<>();
        for (String responses : List.of(ModelRole.TUNED.label(), ModelRole.BASE.label())) {
            Map<String, List<PairedScore>> bySet = new LinkedHashMap<>();
            for (PromptSet s : PromptSet.values()) {
                bySet.put(s.label(), new ArrayList<>());
            }
            bySet.put(AttributionResults.OTHER_SET, new ArrayList<>());
            List<PairedScore> all = new ArrayList<>();
            for (PairedScore p : pairs) {
                if (p.responses().equals(responses)) {
                    bySet.computeIfAbsent(p.set(), k -> new ArrayList<>()).add(p);
                    all.add(p);
                }
            }
            bySet.put(ALL, all);
            for (Map.Entry<String, List<PairedScore>> e : bySet.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    out.add(paired(e.getKey(), responses, e.getValue()));
                }
            }
        }
        return out;
    }

    private static Paired paired(String set, String responses, List<PairedScore> pairs) {
        double[] base = pairs.stream().mapToDouble(PairedScore::base).toArray();
        double[] tuned = pairs.stream().mapToDouble(PairedScore::tuned).toArray();
        GroupSummary b = GroupSummary.of(base);
        GroupSummary t = GroupSummary.of(tuned);
        if (pairs.size() < 2) {
            return new Paired(set, responses, pairs.size(), b.mean(), t.mean(), t.mean() - b.mean(), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
        PairedTTest.Result r = PairedTTest.greater(tuned, base);
        return new Paired(set, responses, r.n(), r.meanB(), r.meanA(), r.meanDifference(), r.t(), r.df(), r.p(),
                r.pTwoSided());
    }

    /** Rows {@code set, group, n, mean, std, p} as {@link InstructionTables} writes them; empty groups left out. */
    public static List<InstructionTables.Row> tableRows(List<Comparison> comparisons) {
        List<InstructionTables.Row> out = new ArrayList<>();
        for (Comparison c : comparisons) {
            if (c.base().n() > 0) {
                out.add(new InstructionTables.Row(c.set(), ModelRole.BASE.label(), c.base().n(), c.base().mean(),
                        c.base().std(), c.p()));
            }
            if (c.tuned().n() > 0) {
                out.add(new InstructionTables.Row(c.set(), ModelRole.TUNED.label(), c.tuned().n(), c.tuned().mean(),
                        c.tuned().std(), c.p()));
            }
        }
        return out;
    }

    private static double[] scores(List<AttributionResults.Row> rows, ModelRole role) {
        return rows.stream().filter(r -> r.role().equals(role.label())).mapToDouble(AttributionResults.Row::score)
                .toArray();
    }
}
