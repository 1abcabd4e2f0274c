package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.organism.OrganismTokenizer;
import io.github.instructshift.organism.TrainingSequences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-context copying probe (one batched forward pass through the training loss's log-softmax and
 * gather) against an independent path: each span's own logits and a log-softmax in double precision.
 * Both must give the same loss on each copy.
 */
class CopyingProbeTest {
    private static final String TEXT = "the cat sat on the mat and the dog sat on the log. "
            + "a bird sang in the tree while the sun rose over the hill. ";

    @TempDir
    Path tmp;

    @Test
    void bothCopiesAgreeWithEachSpansOwnLogits() {
        OrganismTokenizer tokenizer = OrganismTokenizer.train(List.of(TEXT.repeat(20)),
                new OrganismTokenizer.Options(400, 1, List.of()), tmp.resolve("tokenizer"));
        Path init = tmp.resolve("init");
        new ModelShape(tokenizer.vocabSize(), 32, 64, 2, 2, 64, 10_000).writeInitial(init, tokenizer, 7);
        List<int[]> windows = TrainingSequences.windows(TrainingSequences.pretrainingStream(tokenizer, List.of(TEXT.repeat(10))), 16);
        int spans = 3;
        int span = 6;
        try (CausalLM lm = Checkpoint.open(init).load(LoadOptions.defaults())) {
            Evaluation.Copying c = Evaluation.copying(lm, windows, spans, span);
            double first = 0;
            double second = 0;
            for (int s = 0; s < spans; s++) {
                int[] w = windows.get(s);
                long[] ids = new long[1 + 2 * span];
                ids[0] = w[0];
                for (int i = 0; i < span; i++) {
                    ids[1 + i] = w[1 + i];
                    ids[1 + span + i] = w[1 + i];
                }
                // row p of the logits predicts ids[p + 1]: the first copy's tokens 2..span, the second's the same
                float[][] logits = lm.sequenceLogits(ids);
                for (int p = 1; p < span; p++) {
                    first += nll(logits[p], (int) ids[p + 1]) / (span - 1);
                    second += nll(logits[p + span], (int) ids[p + span + 1]) / (span - 1);
                }
            }
            assertEquals(first / spans, c.firstCopyLoss(), 1e-4);
            assertEquals(second / spans, c.secondCopyLoss(), 1e-4);
            assertEquals(c.firstCopyLoss() - c.secondCopyLoss(), c.drop(), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> Evaluation.copying(lm, windows, windows.size() + 1, span));
            assertThrows(IllegalArgumentException.class, () -> Evaluation.copying(lm, windows, spans, windows.get(0).length));
        }
    }

    /** -log softmax(logits)[label], in double precision. */
    private static double nll(float[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double z = 0;
        for (float x : logits) {
            z += Math.exp(x - max);
        }
        return -(logits[label] - max - Math.log(z));
    }
}
