package io.github.instructshift.training;

import io.github.instructshift.attribution.AttributionPrompt;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PromptAttributor;
import io.github.instructshift.attribution.TextSpan;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.organism.InstructionExample;
import java.util.ArrayList;
import java.util.List;

/**
 * Finding 1 in miniature: the instruction score of each held-out prompt under one model, through the
 * same pipeline as the {@code attribute} command, the instruction being the prompt's instruction span
 * (known exactly here, no annotation needed). Responses under 5 tokens are left out, as in the paper.
 */
public final class InstructionAttention {
    static final int MIN_RESPONSE_TOKENS = 5;

    private InstructionAttention() {}

    /** Scores of the prompts with a long enough response, in order. */
    public static double[] scores(CausalLM lm, ModelRole role, List<InstructionExample> examples, int maxNewTokens) {
        // the prompts are already in the organism's Alpaca format, so they go in raw
        PromptAttributor attributor = new PromptAttributor(lm, lm.checkpoint().dir().getFileName().toString(), role,
                PromptFormat.RAW, maxNewTokens, false);
        List<Double> out = new ArrayList<>();
        for (InstructionExample e : examples) {
            var p = e.prompt();
            AttributionPrompt prompt = new AttributionPrompt(e.id(), p.text(),
                    List.of(new TextSpan(p.instructionStart(), p.instructionEnd())), List.of(), AttributionPrompt.RULE_SPANS);
            var result = attributor.attribute(prompt).result();
            if (result.responseTokens().size() >= MIN_RESPONSE_TOKENS) {
                out.add(result.score());
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
