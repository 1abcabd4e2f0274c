package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptSet;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.WelchTest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Instruction scores of a run summarised per prompt set and over all prompts, base against tuned:
 * group size, mean and population std, and Welch's one-sided t-test with H1 "base &lt; tuned". On the
 * paper's sets the rows are those of {@link InstructionTables#table2} (same statistics, same columns);
 * prompts of no paper set form the set {@code other}, and {@code all} pools every prompt.
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
