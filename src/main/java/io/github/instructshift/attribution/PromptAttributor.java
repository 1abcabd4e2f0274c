package io.github.instructshift.attribution;

import io.github.instructshift.model.CausalLM;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.Generation;
import io.github.instructshift.model.PromptFormat;
import io.github.instructshift.model.TextTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finding 1's pipeline for one prompt under one model: wrap the prompt in its format, generate the
 * greedy response, compute the raw gradient×input matrix ({@link GradientAttributor}), map the
 * instruction characters onto the prompt tokens, and score ({@link AttributionResult#fromRaw}).
 *
 * <p>Choices, each recorded or documented: the prompt rows are every input token after the first
 * (the BOS row is dropped, as in the paper; with a prompt format the template's tokens are rows too,
 * and only the user's instruction characters are marked); a final EOS token is generated but not
 * attributed (it is not part of the response's text); an empty response gives a result with no
 * response tokens, whose densities and score are 0.
 */
public final class PromptAttributor {
    private final CausalLM lm;
    private final GradientAttributor attributor;
    private final String model;
    private final ModelRole role;
    private final PromptFormat format;
    private final int maxNewTokens;
    private final boolean keepRaw;
    private final int copies;

    /**
     * @param model        the name stored with each result (e.g. the checkpoint directory's name)
     * @param maxNewTokens at most this many generated tokens (the paper: 300)
     * @param keepRaw      whether results keep the raw matrix (large: prompt × response doubles)
     */
    public PromptAttributor(CausalLM lm, String model, ModelRole role, PromptFormat format, int maxNewTokens,
                            boolean keepRaw) {
        this(lm, model, role, format, maxNewTokens, keepRaw, 0);
    }

    /**
     * As above, with {@code copies} response tokens per backward pass ({@link GradientAttributor#attribute(long[],
     * long[], int)}); 0 lets the attributor's memory budget choose. The scores do not depend on it (to float
     * rounding), only speed and memory do.
     */
    public PromptAttributor(CausalLM lm, String model, ModelRole role, PromptFormat format, int maxNewTokens,
                            boolean keepRaw, int copies) {
        if (copies < 0) {
            throw new IllegalArgumentException("copies per pass must be >= 0 (0 = by memory budget), got " + copies);
        }
        this.copies = copies;
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
        }
        this.lm = lm;
        this.attributor = new GradientAttributor(lm);
        this.model = model;
        this.role = role;
        this.format = format;
        this.maxNewTokens = maxNewTokens;
        this.keepRaw = keepRaw;
    }

    public String model() {
        return model;
    }

    public ModelRole role() {
        return role;
    }

    /** How results record the prompt format: {@code raw}, {@code vicuna}, {@code alpaca} or {@code chat}. */
    public String formatName() {
        return format.name().toLowerCase(Locale.ROOT);
    }

    /** The result and why generation stopped ({@code eos}, {@code max_new_tokens}, {@code context}). */
    public record Outcome(AttributionResult result, String stoppedOn) {}

    /**
     * A prompt as the model sees it: its ids (after the format wraps it), the prompt tokens that get an
     * attribution row (every token after the first) and which of them are instruction.
     */
    public record Prepared(long[] ids, List<String> promptTokens, boolean[] instructionMask) {}

    /** Wraps and tokenises {@code prompt} and marks its instruction tokens; needs only the checkpoint's tokenizer. */
    public static Prepared prepare(Checkpoint checkpoint, PromptFormat format, AttributionPrompt prompt) {
        PromptFormat.Rendered rendered = format.render(prompt.text(), checkpoint);
        TextTokenizer tok = checkpoint.tokenizer();
        long[] ids = tok.encode(rendered.text(), rendered.addSpecialTokens());
        if (ids.length < 2) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " has no token after the first to attribute to");
        }
        List<String> allTokens = tok.tokens(rendered.text(), rendered.addSpecialTokens());
        List<int[]> allSpans = tok.charSpans(rendered.text(), rendered.addSpecialTokens());
        List<String> promptTokens = List.copyOf(allTokens.subList(1, allTokens.size()));
        int[][] spans = allSpans.subList(1, allSpans.size()).toArray(new int[0][]);
        List<TextSpan> instruction = new ArrayList<>();
        for (TextSpan s : prompt.instruction()) {
            instruction.add(new TextSpan(s.start() + rendered.promptOffset(), s.end() + rendered.promptOffset()));
        }
        boolean[] mask = TokenAlignment.mask(promptTokens, spans, rendered.text(), instruction);
        return new Prepared(ids, promptTokens, mask);
    }

    /** Runs the pipeline; a prompt the model cannot take (too long, nothing after BOS) is an IllegalArgumentException. */
    public Outcome attribute(AttributionPrompt prompt) {
        Prepared prepared = prepare(lm.checkpoint(), format, prompt);
        long[] ids = prepared.ids();
        if (ids.length > lm.config().maxPositions()) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " has " + ids.length
                    + " tokens, more than the model's context of " + lm.config().maxPositions());
        }
        TextTokenizer tok = lm.tokenizer();
        List<String> promptTokens = prepared.promptTokens();
        boolean[] mask = prepared.instructionMask();

        Generation g = lm.generate(ids, maxNewTokens);
        long[] out = g.outputIds();
        int length = out.length;
        if ("eos".equals(g.stoppedOn()) && length > 0) {
            length--;
        }
        long[] response = java.util.Arrays.copyOf(out, length);
        List<String> responseTokens = new ArrayList<>(length);
        for (long id : response) {
            responseTokens.add(tok.piece(id));
        }
        double[][] raw = new double[ids.length - 1][length];
        if (length > 0) {
            float[][] scores = copies > 0 ? attributor.attribute(ids, response, copies)
                    : attributor.attribute(ids, response);
            for (int n = 0; n < raw.length; n++) {
                for (int m = 0; m < length; m++) {
                    raw[n][m] = scores[n][m];
                }
            }
        }
        AttributionResult full = AttributionResult.fromRaw(prompt.id(), model, role, formatName(), promptTokens,
                responseTokens, raw, mask, prompt.unmatched());
        AttributionResult result = keepRaw ? full : withoutRaw(full);
        return new Outcome(result, g.stoppedOn());
    }

    private static AttributionResult withoutRaw(AttributionResult r) {
        return new AttributionResult(r.id(), r.model(), r.role(), r.promptFormat(), r.promptTokens(),
                r.responseTokens(), null, r.levels(), r.threshold(), r.densities(), r.instructionMask(), r.unmatched(),
                r.score());
    }
}
