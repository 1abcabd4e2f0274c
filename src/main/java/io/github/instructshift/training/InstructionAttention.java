package io.github.instructshift.training;

import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.GradientAttributor;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Generation;
import io.github.instructshift.organism.InstructionExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finding 1 in miniature: the instruction score of each held-out prompt under one model, its own
 * greedy response attributed as the paper does, the instruction being the prompt's instruction span
 * (known exactly here, no annotation needed). Responses under 5 tokens are left out, as in the paper.
 */
public final class InstructionAttention {
    static final int MIN_RESPONSE_TOKENS = 5;

    private InstructionAttention() {}

    /** Scores of the prompts with a long enough response, in order. */
    public static double[] scores(CausalLM lm, ModelRole role, List<InstructionExample> examples, int maxNewTokens) {
        GradientAttributor attributor = new GradientAttributor(lm);
        List<Double> out = new ArrayList<>();
        for (InstructionExample e : examples) {
            String text = e.prompt().text();
            long[] ids = lm.tokenizer().encode(text, true);
            Generation g = lm.generate(ids, maxNewTokens);
            if (g.outputIds().length < MIN_RESPONSE_TOKENS) {
                continue;
            }
            float[][] raw = attributor.attribute(ids, g.outputIds());
            double[][] matrix = new double[raw.length][];
            for (int i = 0; i < raw.length; i++) {
                matrix[i] = new double[raw[i].length];
                for (int j = 0; j < raw[i].length; j++) {
                    matrix[i][j] = raw[i][j];
                }
            }
            // BOS is not a prompt token of the attribution matrix
            boolean[] mask = e.prompt().instructionTokenMask(lm.tokenizer().charSpans(text, true));
            boolean[] promptMask = Arrays.copyOfRange(mask, 1, mask.length);
            List<String> promptTokens = new ArrayList<>();
            for (int i = 1; i < ids.length; i++) {
                promptTokens.add(lm.tokenizer().piece(ids[i]));
            }
            List<String> responseTokens = Arrays.stream(g.outputIds()).mapToObj(lm.tokenizer()::piece).toList();
            out.add(AttributionResult.fromRaw(e.id(), lm.checkpoint().dir().getFileName().toString(), role, "raw",
                    promptTokens, responseTokens, matrix, promptMask, List.of()).score());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
