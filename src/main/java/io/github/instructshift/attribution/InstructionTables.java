package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptSet;
import io.github.instructshift.data.RatedResponse;
import io.github.instructshift.files.AtomicFiles;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.WelchTest;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables 1 and 2 of the paper from instruction scores.
 * <ul>
 *   <li>Table 1: the tuned model's prompts whose response was rated followed (2..4) against not followed
 *       (1); unrated rows (rating &lt;= 0) and responses under 5 tokens are left out; Welch's one-sided
 *       t-test with H1 "not followed &lt; followed", per prompt set.</li>
 *   <li>Table 2: base against tuned over all prompts; Welch's one-sided t-test with H1 "base &lt; tuned".</li>
 * </ul>
 * Rows are {@code set, group, n, mean, std, p}, the p-value repeated on both rows of a set. std is the
 * population standard deviation (as the authors print it).
 */
public final class InstructionTables {
    public static final int MIN_RESPONSE_TOKENS = 5;

    /**
     * The paper's Finding 1 effect per prompt set: Cohen's d of Vicuna-7B's instruction scores over
     * LLaMA-7B's in its Table 2, from the authors' released attributions (recomputed by a test from
     * {@code ../shared/paper}). Power analyses ask whether an n could see effects of these sizes.
     */
    public static final Map<String, Double> PAPER_EFFECT_SIZES = paperEffectSizes();

    private static Map<String, Double> paperEffectSizes() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();    // in the paper's order of the sets
        m.put("self-instruct", 0.3708);
        m.put("lima", 0.6313);
        m.put("mt-bench", 0.2838);
        return java.util.Collections.unmodifiableMap(m);
    }

    private InstructionTables() {}

    public record Row(String set, String group, int n, double mean, double std, double p) {}

    /** Table 1 plus what the join left out, so nothing is dropped silently. */
    public record Table1(List<Row> rows, List<String> ratedWithoutResult, int unrated, int shortResponses) {}

    public static Table1 table1(Collection<AttributionResult> tuned, List<RatedResponse> ratings, String ratingModel) {
        Map<String, AttributionResult> byId = byId(tuned, "tuned");
        Map<PromptSet, List<Double>> followed = new EnumMap<>(PromptSet.class);
        Map<PromptSet, List<Double>> notFollowed = new EnumMap<>(PromptSet.class);
        List<String> missing = new ArrayList<>();
        int unrated = 0;
        int tooShort = 0;
        for (RatedResponse r : ratings) {
            if (!r.model().equals(ratingModel)) {
                continue;
            }
            if (!r.rated()) {
                unrated++;
                continue;
            }
            AttributionResult result = byId.get(r.id());
            if (result == null) {
                missing.add(r.id());
                continue;
            }
            if (result.responseTokens().size() < MIN_RESPONSE_TOKENS) {
                tooShort++;
                continue;
            }
            PromptSet set = PromptSet.fromId(r.id());
            (r.followed() ? followed : notFollowed).computeIfAbsent(set, s -> new ArrayList<>()).add(result.score());
        }
        List<Row> rows = new ArrayList<>();
        for (PromptSet set : PromptSet.values()) {
            double[] yes = values(followed.get(set));
            double[] no = values(notFollowed.get(set));
            if (yes.length == 0 && no.length == 0) {
                continue;
            }
            double p = pLess(no, yes);
            rows.add(row(set, "followed", yes, p));
            rows.add(row(set, "not-followed", no, p));
        }
        return new Table1(rows, missing, unrated, tooShort);
    }

    public static List<Row> table2(Collection<AttributionResult> base, Collection<AttributionResult> tuned) {
        Map<PromptSet, List<Double>> b = bySet(base);
        Map<PromptSet, List<Double>> t = bySet(tuned);
        List<Row> rows = new ArrayList<>();
        for (PromptSet set : PromptSet.values()) {
            double[] bs = values(b.get(set));
            double[] ts = values(t.get(set));
            if (bs.length == 0 && ts.length == 0) {
                continue;
            }
            double p = pLess(bs, ts);
            rows.add(row(set, "base", bs, p));
            rows.add(row(set, "tuned", ts, p));
        }
        return rows;
    }

    /** The rows as a Tablesaw table with columns set, group, n, mean, std, p. */
    public static Table asTable(String name, List<Row> rows) {
        StringColumn set = StringColumn.create("set");
        StringColumn group = StringColumn.create("group");
        IntColumn n = IntColumn.create("n");
        DoubleColumn mean = DoubleColumn.create("mean");
        DoubleColumn std = DoubleColumn.create("std");
        DoubleColumn p = DoubleColumn.create("p");
        for (Row r : rows) {
            set.append(r.set());
            group.append(r.group());
            n.append(r.n());
            mean.append(r.mean());
            std.append(r.std());
            p.append(r.p());
        }
        return Table.create(name, set, group, n, mean, std, p);
    }

    /** Writes the rows as CSV, atomically. */
    public static void writeCsv(List<Row> rows, Path file) {
        StringWriter out = new StringWriter();
        asTable(file.getFileName().toString(), rows).write().csv(out);
        try {
            AtomicFiles.writeString(file, out.toString());
        } catch (IOException e) {
            throw new AttributionException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Row row(PromptSet set, String group, double[] values, double p) {
        GroupSummary s = GroupSummary.of(values);
        return new Row(set.label(), group, s.n(), s.mean(), s.std(), p);
    }

    private static double pLess(double[] a, double[] b) {
        return a.length < 2 || b.length < 2 ? Double.NaN : WelchTest.less(a, b).p();
    }

    private static Map<String, AttributionResult> byId(Collection<AttributionResult> results, String what) {
        Map<String, AttributionResult> out = new HashMap<>();
        for (AttributionResult r : results) {
            if (out.put(r.id(), r) != null) {
                throw new AttributionException("two " + what + " results for prompt " + r.id());
            }
        }
        return out;
    }

    private static Map<PromptSet, List<Double>> bySet(Collection<AttributionResult> results) {
        Map<PromptSet, List<Double>> out = new EnumMap<>(PromptSet.class);
        for (AttributionResult r : results) {
            PromptSet set = r.promptSet();
            if (set != null) {
                out.computeIfAbsent(set, s -> new ArrayList<>()).add(r.score());
            }
        }
        return out;
    }

    private static double[] values(List<Double> list) {
        return list == null ? new double[0] : list.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
