package io.github.instructshift.training;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Generation;
import io.github.instructshift.organism.InstructionExample;
import io.github.instructshift.organism.TrainingSequences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How good an organism is: exact-match instruction following, perplexity against a unigram model, and
 * in-context copying.
 */
public final class Evaluation {
    private Evaluation() {}

    /** One held-out answer. */
    public record Answer(String id, String task, String split, String target, String output, boolean correct) {}

    /** Exact-match accuracy overall, per task and per held-out split, with every answer. */
    public record FollowingScore(double accuracy, int n, Map<String, Double> perTask, Map<String, Double> perSplit,
                                 List<Answer> answers) {}

    /**
     * Greedy answers through the checkpoint's own tokenizer (the path users take), up to
     * {@code maxNewTokens}; an answer is correct when its text, EOS dropped and trimmed, equals the target.
     */
    public static FollowingScore following(CausalLM lm, List<InstructionExample> examples, int maxNewTokens) {
        List<Answer> answers = new ArrayList<>();
        Map<String, int[]> byTask = new TreeMap<>();
        Map<String, int[]> bySplit = new TreeMap<>();
        int correct = 0;
        for (InstructionExample e : examples) {
            long[] ids = lm.tokenizer().encode(e.prompt().text(), true);
            Generation g = lm.generate(ids, maxNewTokens);
            long[] out = Arrays.stream(g.outputIds()).filter(t -> !lm.config().eosTokenIds().contains((int) t)).toArray();
            String text = lm.tokenizer().decode(out).trim();
            boolean ok = text.equals(e.target().trim());
            answers.add(new Answer(e.id(), e.task().name(), e.split().name(), e.target(), text, ok));
            for (int[] counts : List.of(byTask.computeIfAbsent(e.task().name(), k -> new int[2]),
                    bySplit.computeIfAbsent(e.split().name(), k -> new int[2]))) {
                counts[1]++;
                counts[0] += ok ? 1 : 0;
            }
            correct += ok ? 1 : 0;
        }
        return new FollowingScore(examples.isEmpty() ? 0 : (double) correct / examples.size(), examples.size(),
                fractions(byTask), fractions(bySplit), answers);
    }

    private static Map<String, Double> fractions(Map<String, int[]> counts) {
        Map<String, Double> out = new LinkedHashMap<>();
        counts.forEach((key, c) -> out.put(key, (double) c[0] / c[1]));
        return out;
    }

    /** exp(mean cross-entropy) over pretraining windows of held-out text. */
    public static double perplexity(CausalLM lm, List<int[]> windows, int batchSize) {
        double nll = 0;
        int batches = 0;
        for (int i = 0; i + batchSize <= windows.size(); i += batchSize) {
            nll += Trainer.loss(lm, TrainingSequences.windowBatch(windows.subList(i, i + batchSize)));
            batches++;
        }
        if (batches == 0) {
            throw new IllegalArgumentException("fewer than " + batchSize + " held-out windows to measure perplexity on");
        }
        return Math.exp(nll / batches);
    }

    /** Mean next-token loss on the first and on the second copy of a repeated span, and how many spans. */
    public record Copying(double firstCopyLoss, double secondCopyLoss, int spans, int spanTokens) {
        /** The fall in loss a repeat brings: near 0 for a model that cannot copy from its context. */
        public double drop() {
            return firstCopyLoss - secondCopyLoss;
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("spans", spans);
            m.put("span_tokens", spanTokens);
            m.put("first_copy_loss", firstCopyLoss);
            m.put("second_copy_loss", secondCopyLoss);
            m.put("drop", drop());
            return m;
        }
    }

    /**
     * In-context copying, the capability nearly every organism task rests on (repeat, edit, list, reply):
     * spans of held-out text, each given twice in a row ({@code <s> span span}); the loss on the second
     * copy falls far below the first's only when the model can look a span up in its context and
     * continue it (induction heads). Spans are the first {@code spanTokens} tokens of the first
     * {@code spans} windows.
     */
    public static Copying copying(CausalLM lm, List<int[]> windows, int spans, int spanTokens) {
        if (windows.size() < spans) {
            throw new IllegalArgumentException("need " + spans + " held-out windows, got " + windows.size());
        }
        List<int[]> repeated = new ArrayList<>(spans);
        for (int s = 0; s < spans; s++) {
            int[] w = windows.get(s);
            if (w.length < spanTokens + 1) {
                throw new IllegalArgumentException("held-out window " + s + " has " + w.length + " tokens, the probe needs "
                        + (spanTokens + 1));
            }
            int[] ids = new int[1 + 2 * spanTokens];
            ids[0] = w[0];
            System.arraycopy(w, 1, ids, 1, spanTokens);
            System.arraycopy(w, 1, ids, 1 + spanTokens, spanTokens);
            repeated.add(ids);
        }
        // label j is ids[j + 1]: the first copy's are j = 1..span-1, the second copy's j = span+1..2span-1 (its
        // first token is left out, as no model can know it starts a repeat before seeing it)
        float[][] losses = Trainer.labelLosses(lm, TrainingSequences.windowBatch(repeated));
        double first = 0;
        double second = 0;
        for (float[] row : losses) {
            for (int j = 1; j < spanTokens; j++) {
                first += row[j];
                second += row[j + spanTokens];
            }
        }
        int n = spans * (spanTokens - 1);
        return new Copying(first / n, second / n, spans, spanTokens);
    }

    /**
     * The perplexity a unigram model fitted on {@code train} (add-one smoothing over the vocabulary)
     * has on the labels of {@code windows}: the baseline a language model must beat.
     */
    public static double unigramPerplexity(int[] train, List<int[]> windows, int vocabSize) {
        long[] counts = new long[vocabSize];
        for (int t : train) {
            counts[t]++;
        }
        double total = train.length + (double) vocabSize;
        double nll = 0;
        long n = 0;
        for (int[] w : windows) {
            for (int i = 1; i < w.length; i++) {
                nll -= Math.log((counts[w[i]] + 1) / total);
                n++;
            }
        }
        return Math.exp(nll / n);
    }
}
