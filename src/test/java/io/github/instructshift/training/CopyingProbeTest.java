package io.github.instructshift.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.LoadOptions;
import io.github.instructshift.organism.OrganismTokenizer;
import io.github.instructshift.organism.SupervisedSequence;
import io.github.instructshift.organism.TrainingSequences;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-context copying probe against the training loss, an independent path (batched forward,
 * log-softmax and gather instead of per-row logits): both must give the same loss on each copy.
 */
class CopyingProbeTest {
    private static final String TEXT = "the cat sat on the mat and the dog sat on the log. "
            + "a bird sang in the tree while the sun rose over the hill. ";

    @TempDir
    Path tmp;

    @Test
    void bothCopiesAgreeWithTheMaskedTrainingLoss() {
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
                int[] ids = new int[1 + 2 * span];
                ids[0] = w[0];
                for (int i = 0; i < span; i++) {
                    ids[1 + i] = w[1 + i];
                    ids[1 + span + i] = w[1 + i];
                }
                // labels ids[2..span] (first copy, its first token unpredictable) and ids[span+2..2span] (second)
                boolean[] firstMask = new boolean[ids.length];
                boolean[] secondMask = new boolean[ids.length];
                for (int i = 2; i <= span; i++) {
                    firstMask[i] = true;
                    secondMask[i + span] = true;
                }
                first += Trainer.loss(lm, TrainingSequences.pad(List.of(new SupervisedSequence(ids, firstMask, 1)), 0));
                second += Trainer.loss(lm, TrainingSequences.pad(List.of(new SupervisedSequence(ids, secondMask, 1)), 0));
            }
            assertEquals(first / spans, c.firstCopyLoss(), 1e-4);
            assertEquals(second / spans, c.secondCopyLoss(), 1e-4);
            assertEquals(c.firstCopyLoss() - c.secondCopyLoss(), c.drop(), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> Evaluation.copying(lm, windows, windows.size() + 1, span));
        }
    }
}
