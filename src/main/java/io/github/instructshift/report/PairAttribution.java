package io.github.instructshift.report;

import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.GradientAttributor;
import io.github.instructshift.attribution.InstructionTables;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.TokenAlignment;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.TextTokenizer;
import io.github.instructshift.stats.GroupSummary;
import io.github.instructshift.stats.WelchTest;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finding 1 on the configured pair: each model answers a prompt greedily, the answer is attributed to
 * the prompt tokens (gradient × input, {@link GradientAttributor}) and scored by the paper's instruction
 * score ({@link AttributionResult#fromRaw}), the instruction tokens being those that overlap the
 * prompt's instruction spans. The first token is the tokenizer's BOS, which the attribution drops.
 */
public final class PairAttribution {
    private final ModelPair pair;
    private final int maxNewTokens;

    /** @param maxNewTokens the longest answer attributed (the paper: up to 128; small models need fewer) */
    public PairAttribution(ModelPair pair, int maxNewTokens) {
        if (maxNewTokens < 1) {
            throw new ReportException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        this.pair = pair;
        this.maxNewTokens = maxNewTokens;
    }

    /** One prompt under one model. */
    public AttributionResult attribute(ModelRole role, EvalPrompts.EvalPrompt prompt) {
        CausalLM lm = pair.lm(role);
        TextTokenizer tok = lm.tokenizer();
        long[] ids = tok.encode(prompt.text(), true);
        if (ids.length < 2) {
            throw new ReportException("prompt " + prompt.id() + " has " + ids.length + " tokens: nothing to attribute to");
        }
        if (ids.length + 1 > lm.config().maxPositions()) {
            throw new ReportException("prompt " + prompt.id() + " has " + ids.length + " tokens, no room for an answer in "
                    + pair.name(role) + "'s context of " + lm.config().maxPositions() + " tokens");
        }
        List<String> pieces = tok.tokens(prompt.text(), true);
        List<int[]> spans = tok.charSpans(prompt.text(), true);
        Generation answer = lm.generate(ids, maxNewTokens);
        float[][] raw = new GradientAttributor(lm).attribute(ids, answer.outputIds());
        List<String> promptTokens = pieces.subList(1, pieces.size());
        int[][] tokenSpans = spans.subList(1, spans.size()).toArray(new int[0][]);
        boolean[] mask = TokenAlignment.mask(promptTokens, tokenSpans, prompt.text(), prompt.instruction());
        List<String> responseTokens = new ArrayList<>();
        for (long id : answer.outputIds()) {
            responseTokens.add(tok.piece(id));
        }
        double[][] matrix = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            matrix[i] = new double[raw[i].length];
            for (int j = 0; j < raw[i].length; j++) {
                matrix[i][j] = raw[i][j];
            }
        }
        return AttributionResult.fromRaw(prompt.id(), pair.name(role), role, prompt.format(), promptTokens,
                responseTokens, matrix, mask, List.of());
    }

    /** Every prompt under both models; {@code progress} hears each prompt's ID when it is done. */
    public Scores scoreAll(List<EvalPrompts.EvalPrompt> prompts, Consumer<String> progress) {
        List<AttributionResult> base = new ArrayList<>();
        List<AttributionResult> tuned = new ArrayList<>();
        for (EvalPrompts.EvalPrompt p : prompts) {
            base.add(attribute(ModelRole.BASE, p));
            tuned.add(attribute(ModelRole.TUNED, p));
            progress.accept(p.id());
        }
        return new Scores(prompts, base, tuned);
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
            List<InstructionTables.Row> rows = new ArrayList<>();
            bySet.forEach((set, pairs) -> {
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
