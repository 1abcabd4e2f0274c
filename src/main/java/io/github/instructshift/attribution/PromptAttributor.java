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
 *
 * <p>{@link #force} attributes a given response instead of the model's own (teacher forcing: the paired
 * comparison runs the other model's stored response through this one).
 */
public final class PromptAttributor {
    /** The longest response the paper's setting attributes (the {@code attribute} command's default). */
    public static final int PAPER_MAX_NEW_TOKENS = 300;

    private final CausalLM lm;
    private final GradientAttributor attributor;
    private final String model;
    private final ModelRole role;
    private final PromptFormat format;
    private final int maxNewTokens;
    private final boolean keepRaw;
    private final int copies;
    private PieceIds pieceIds;

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
     * As above, with {@code copies} response tokens per forward pass ({@link GradientAttributor#attribute(long[],
     * long[], int)}); 0 lets the attributor choose by cost and memory budget. The scores do not depend on it (to float
     * rounding), only speed and memory do.
     */
    public PromptAttributor(CausalLM lm, String model, ModelRole role, PromptFormat format, int maxNewTokens,
                            boolean keepRaw, int copies) {
        if (copies < 0) {
            throw new IllegalArgumentException("tokens per pass must be >= 0 (0 = by cost and memory), got " + copies);
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

    /**
     * The result and why generation stopped ({@code eos}, {@code max_new_tokens}, {@code context}, or
     * {@link #FORCED} for {@link #force}).
     */
    public record Outcome(AttributionResult result, String stoppedOn) {}

    /** Why a {@link #force}d result stopped: its response was given, not generated. */
    public static final String FORCED = "forced";

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
        Prepared prepared = prepareFor(prompt);
        Generation g = lm.generate(prepared.ids(), maxNewTokens);
        long[] out = g.outputIds();
        int length = out.length;
        if ("eos".equals(g.stoppedOn()) && length > 0) {
            length--;
        }
        return new Outcome(score(prompt, prepared, java.util.Arrays.copyOf(out, length)), g.stoppedOn());
    }

    /**
     * Teacher forcing: attributes {@code responsePieces} (a response another model gave to this prompt, as
     * its stored result records it) under this model, in place of this model's own greedy response. The
     * prompt is wrapped and marked as for {@link #attribute}; the pieces are read back into ids with this
     * model's vocabulary ({@link PieceIds}), so the other model must share it. A prompt plus response longer
     * than this model's context is an IllegalArgumentException (skipped, as in {@link #attribute}); a piece
     * not in the vocabulary an {@link AttributionException}.
     */
    public Outcome force(AttributionPrompt prompt, List<String> responsePieces) {
        Prepared prepared = prepareFor(prompt);
        long[] response = pieceIds().ids(responsePieces, "the response forced on prompt " + prompt.id());
        int sequence = prepared.ids().length + response.length - 1;
        if (response.length > 0 && sequence > lm.config().maxPositions()) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " with the forced response has " + sequence
                    + " input tokens, more than the model's context of " + lm.config().maxPositions());
        }
        return new Outcome(score(prompt, prepared, response), FORCED);
    }

    private PieceIds pieceIds() {
        if (pieceIds == null) {
            pieceIds = PieceIds.of(lm.tokenizer());
        }
        return pieceIds;
    }

    private Prepared prepareFor(AttributionPrompt prompt) {
        Prepared prepared = prepare(lm.checkpoint(), format, prompt);
        if (prepared.ids().length > lm.config().maxPositions()) {
            throw new IllegalArgumentException("prompt " + prompt.id() + " has " + prepared.ids().length
                    + " tokens, more than the model's context of " + lm.config().maxPositions());
        }
        return prepared;
    }

    /** The raw matrix of {@code response} after the prepared prompt, scored into a result. */
    private AttributionResult score(AttributionPrompt prompt, Prepared prepared, long[] response) {
        long[] ids = prepared.ids();
        TextTokenizer tok = lm.tokenizer();
        int length = response.length;
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
        AttributionResult full = AttributionResult.fromRaw(prompt.id(), model, role, formatName(),
                prepared.promptTokens(), responseTokens, raw, prepared.instructionMask(), prompt.unmatched());
        return keepRaw ? full : withoutRaw(full);
    }

    private static AttributionResult withoutRaw(AttributionResult r) {
        return new AttributionResult(r.id(), r.model(), r.role(), r.promptFormat(), r.promptTokens(),
                r.responseTokens(), null, r.levels(), r.threshold(), r.densities(), r.instructionMask(), r.unmatched(),
                r.score());
    }
}
