package io.github.instructshift.report;

import io.github.instructshift.attribution.AttributionPrompt;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PromptAttributor;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.PowerAnalysis;
import io.github.instructshift.stats.WelchTest;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finding 1 on the configured pair: each model answers a prompt greedily, the answer is attributed to
 * the prompt tokens and scored by the paper's instruction score, through the same
 * {@link PromptAttributor} as the {@code attribute} command (the prompt text given raw, since
 * {@link EvalPrompts} renders it already): the first token is the tokenizer's BOS, which the attribution
 * drops, and a final EOS is generated but not attributed (as the authors do), the instruction tokens
 * being those that overlap the prompt's instruction spans.
 */
public final class PairAttribution {
    private final ModelPair pair;
    private final int maxNewTokens;
    private final Map<ModelRole, PromptAttributor> attributors = new EnumMap<>(ModelRole.class);

    /** @param maxNewTokens the longest answer attributed (the {@code attribute} command: 300; small models need fewer) */
    public PairAttribution(ModelPair pair, int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new ReportException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        this.pair = pair;
        this.maxNewTokens = maxNewTokens;
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** One prompt under one model; a prompt the model cannot take (too long, nothing after BOS) is a ReportException. */
    public AttributionResult attribute(ModelRole role, EvalPrompts.EvalPrompt prompt) {
        PromptAttributor attributor = attributors.computeIfAbsent(role,
                r -> new PromptAttributor(pair.lm(r), pair.name(r), r, PromptFormat.RAW, maxNewTokens, true));
        try {
            return attributor.attribute(new AttributionPrompt(prompt.id(), prompt.text(), prompt.instruction(), List.of(),
                    AttributionPrompt.RULE_SPANS)).result();
        } catch (IllegalArgumentException e) {
            throw new ReportException(pair.name(role) + ": " + e.getMessage(), e);
        }
    }

    /** Every prompt under both models, with live progress on standard output ({@link Progress}). */
    public Scores scoreAll(List<EvalPrompts.EvalPrompt> prompts) {
        return scoreAll(prompts, Progress.of("attribution", "answers", 2 * prompts.size()));
    }

    /** Every prompt under both models; {@code progress} steps once per answer attributed. */
    Scores scoreAll(List<EvalPrompts.EvalPrompt> prompts, Progress progress) {
        List<AttributionResult> base = new ArrayList<>();
        List<AttributionResult> tuned = new ArrayList<>();
        for (EvalPrompts.EvalPrompt p : prompts) {
            base.add(attribute(ModelRole.BASE, p));
            progress.step(p.id() + ", base");
            tuned.add(attribute(ModelRole.TUNED, p));
            progress.step(p.id() + ", tuned");
        }
        return new Scores(prompts, base, tuned);
    }

    /**
     * What differs from the paper's attribution (and the {@code attribute} command's defaults) in
     * this notebook's run over {@code prompts}.
     */
    public Deviations deviations(List<EvalPrompts.EvalPrompt> prompts, NotebookConfig config) {
        Deviations.Builder d = new Deviations.Builder("attribution");
        d.differs("longest answer attributed (tokens)", maxNewTokens, PromptAttributor.PAPER_MAX_NEW_TOKENS,
                "`attribute` (the command line) attributes the full length");
        long organism = prompts.stream().filter(p -> !p.format().equals("raw")).count();
        if (organism > 0) {
            d.add("prompts", organism + " of the organism's task prompts in its Alpaca format",
                    "the authors' prompt sets, given raw", "they test the organism on what it was tuned for");
        }
        if (config.hasPaper()) {
            d.add("the authors' prompts", "the " + config.prompts() + " shortest of each set", "all of them",
                    "set prompts (" + NotebookConfig.envName("prompts") + ") for more, or run `attribute --paper`");
        } else {
            d.add("the authors' prompts", "none", "Self-Instruct, LIMA and MT-Bench",
                    "set paper (" + NotebookConfig.envName("paper") + ") to their folder");
        }
        return d.build();
    }

    /** Scores of both models on the same prompts, in prompt order. */
    public record Scores(List<EvalPrompts.EvalPrompt> prompts, List<AttributionResult> base,
                         List<AttributionResult> tuned) {
        public Scores {
            prompts = List.copyOf(prompts);
            base = List.copyOf(base);
            tuned = List.copyOf(tuned);
            if (base.size() != prompts.size() || tuned.size() != prompts.size()) {
                throw new ReportException(prompts.size() + " prompts but " + base.size() + " base and " + tuned.size()
                        + " tuned results");
            }
        }

        /** One row per prompt: id, set, instruction, both scores and answers. */
        public Table perPrompt() {
            StringColumn id = StringColumn.create("id");
            StringColumn set = StringColumn.create("set");
            StringColumn instruction = StringColumn.create("instruction");
            DoubleColumn bs = DoubleColumn.create("base_score");
            DoubleColumn ts = DoubleColumn.create("tuned_score");
            StringColumn ba = StringColumn.create("base_answer");
            StringColumn ta = StringColumn.create("tuned_answer");
            for (int i = 0; i < prompts.size(); i++) {
                id.append(prompts.get(i).id());
                set.append(prompts.get(i).set());
                instruction.append(prompts.get(i).instructionText());
                bs.append(base.get(i).score());
                ts.append(tuned.get(i).score());
                ba.append(answer(base.get(i)));
                ta.append(answer(tuned.get(i)));
            }
            return Table.create("instruction score per prompt", id, set, instruction, bs, ts, ba, ta);
        }

        private static String answer(AttributionResult r) {
            return String.join("", r.responseTokens()).replace('\u2581', ' ').strip();
        }

        /**
         * Per prompt set (and over all prompts when there are several sets): n, mean and std of each
         * model's instruction scores and Welch's one-sided p for "base &lt; tuned", as the paper's Table 2.
         */
        public List<InstructionTables.Row> comparison() {
            List<InstructionTables.Row> rows = new ArrayList<>();
            bySet().forEach((set, pairs) -> {
                double[] b = pairs.stream().mapToDouble(x -> x[0]).toArray();
                double[] t = pairs.stream().mapToDouble(x -> x[1]).toArray();
                double p = pLess(b, t);
                GroupSummary sb = GroupSummary.of(b);
                GroupSummary st = GroupSummary.of(t);
                rows.add(new InstructionTables.Row(set, "base", sb.n(), sb.mean(), sb.std(), p));
                rows.add(new InstructionTables.Row(set, "tuned", st.n(), st.mean(), st.std(), p));
            });
            return rows;
        }

        /**
         * Per prompt set: n, the effect (Cohen's d of tuned over base), Welch's one-sided p, and the power of
         * that test at each of the paper's effect sizes with this n ({@link InstructionTables#PAPER_EFFECT_SIZES}).
         */
        public Table powerTable() {
            StringColumn set = StringColumn.create("set");
            IntColumn n = IntColumn.create("n per model");
            DoubleColumn d = DoubleColumn.create("Cohen's d");
            DoubleColumn p = DoubleColumn.create("p (Welch, tuned > base)");
            Map<String, DoubleColumn> power = new LinkedHashMap<>();
            InstructionTables.PAPER_EFFECT_SIZES.forEach((paperSet, effect) -> power.put(paperSet,
                    DoubleColumn.create(powerColumn(paperSet))));
            bySet().forEach((name, pairs) -> {
                double[] b = pairs.stream().mapToDouble(x -> x[0]).toArray();
                double[] t = pairs.stream().mapToDouble(x -> x[1]).toArray();
                set.append(name);
                n.append(b.length);
                double sd = Math.sqrt((org.apache.commons.math3.stat.StatUtils.variance(b)
                        + org.apache.commons.math3.stat.StatUtils.variance(t)) / 2);
                d.append(b.length < 2 || sd == 0 ? Double.NaN
                        : (org.apache.commons.math3.stat.StatUtils.mean(t) - org.apache.commons.math3.stat.StatUtils.mean(b)) / sd);
                p.append(pLess(b, t));
                InstructionTables.PAPER_EFFECT_SIZES.forEach((paperSet, effect) -> power.get(paperSet).append(b.length < 2
                        ? Double.NaN : PowerAnalysis.welchPower(effect, t.length, b.length, 0.05,
                        WelchTest.Alternative.GREATER, 2000, 1234).power()));
            });
            Table table = Table.create("Finding 1: effect and power", set, n, d, p);
            power.values().forEach(table::addColumns);
            return table;
        }

        /** The {@link #powerTable} column of the power at the paper's effect size for {@code paperSet}. */
        public static String powerColumn(String paperSet) {
            return String.format(java.util.Locale.ROOT, "power at d = %.2f (paper, %s)",
                    InstructionTables.PAPER_EFFECT_SIZES.get(paperSet), paperSet);
        }

        /** (base, tuned) score per prompt, by prompt set, plus "all" when there are several sets. */
        private Map<String, List<double[]>> bySet() {
            Map<String, List<double[]>> bySet = new LinkedHashMap<>();
            for (int i = 0; i < prompts.size(); i++) {
                bySet.computeIfAbsent(prompts.get(i).set(), s -> new ArrayList<>())
                        .add(new double[] {base.get(i).score(), tuned.get(i).score()});
            }
            if (bySet.size() > 1) {
                List<double[]> all = new ArrayList<>();
                bySet.values().forEach(all::addAll);
                bySet.put("all", all);
            }
            return bySet;
        }

        /** Welch's one-sided p, NaN when it is undefined (fewer than two values, or no spread at all). */
        static double pLess(double[] b, double[] t) {
            if (b.length < 2 || t.length < 2) {
                return Double.NaN;
            }
            try {
                return WelchTest.less(b, t).p();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }

        public Table comparisonTable() {
            return InstructionTables.asTable("instruction score, base vs tuned", comparison());
        }
    }
}
