package io.github.instructshift.training;

import io.github.instructshift.attribution.AttributionPrompt;
import io.github.instructshift.attribution.AttributionResult;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.attribution.PromptAttributor;
import io.github.instructshift.attribution.TextSpan;
import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.organism.InstructionExample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finding 1 in miniature: the instruction score of each held-out prompt under one model, through the
 * same pipeline as the {@code attribute} command (its {@code --paired} teacher forcing included), the
 * instruction being the prompt's instruction span (known exactly here, no annotation needed). Responses
 * under 5 tokens are left out, as in the paper.
 */
public final class InstructionAttention {
    static final int MIN_RESPONSE_TOKENS = 5;

    private InstructionAttention() {}

    /** One prompt's response (as the attribution records its pieces) and its instruction score. */
    public record Scored(List<String> response, double score) {}

    /** Each prompt with a long enough greedy response of {@code lm}'s own, by example ID, in order. */
    public static Map<String, Scored> own(CausalLM lm, ModelRole role, List<InstructionExample> examples, int maxNewTokens) {
        PromptAttributor attributor = attributor(lm, role, maxNewTokens);
        Map<String, Scored> out = new LinkedHashMap<>();
        for (InstructionExample e : examples) {
            AttributionResult result = attributor.attribute(prompt(e)).result();
            if (result.responseTokens().size() >= MIN_RESPONSE_TOKENS) {
                out.put(e.id(), new Scored(result.responseTokens(), result.score()));
            }
        }
        return out;
    }

    /** The scores under {@code lm} of responses another model gave (teacher forcing), by example ID. */
    public static Map<String, Double> forced(CausalLM lm, ModelRole role, List<InstructionExample> examples,
                                             Map<String, Scored> responses) {
        PromptAttributor attributor = attributor(lm, role, 1);   // generation length: unused when forcing
        Map<String, Double> out = new LinkedHashMap<>();
        for (InstructionExample e : examples) {
            Scored other = responses.get(e.id());
            if (other != null) {
                out.put(e.id(), attributor.force(prompt(e), other.response()).result().score());
            }
        }
        return out;
    }

    private static PromptAttributor attributor(CausalLM lm, ModelRole role, int maxNewTokens) {
        // the prompts are already in the organism's Alpaca format, so they go in raw
        return new PromptAttributor(lm, lm.checkpoint().dir().getFileName().toString(), role, PromptFormat.RAW,
                maxNewTokens, false);
    }

    private static AttributionPrompt prompt(InstructionExample e) {
        var p = e.prompt();
        return new AttributionPrompt(e.id(), p.text(), List.of(new TextSpan(p.instructionStart(), p.instructionEnd())),
                List.of(), AttributionPrompt.RULE_SPANS);
    }
}
