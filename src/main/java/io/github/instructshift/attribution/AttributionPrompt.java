package io.github.instructshift.attribution;

import io.github.instructshift.data.PromptRecord;

import java.util.List;

/**
 * One prompt to attribute: its ID (a file name in a {@link ResultStore}), its text, which characters
 * of it are instruction, and the annotated fragments that could not be located (reported, never dropped).
 *
 * @param id          prompt ID (letters, digits, {@code . _ -})
 * @param text        the user's prompt, before any prompt format wraps it
 * @param instruction instruction character spans of {@code text}, in order
 * @param unmatched   annotated instruction fragments found in no sentence of the prompt
 * @param rule        how the instruction spans were obtained: {@code annotated}, {@code spans} or {@code first-sentence}
 */
public record AttributionPrompt(String id, String text, List<TextSpan> instruction, List<String> unmatched,
                                String rule) {
    public static final String RULE_ANNOTATED = "annotated";
    public static final String RULE_SPANS = "spans";
    public static final String RULE_FIRST_SENTENCE = "first-sentence";

    public AttributionPrompt {
        if (id == null || id.isBlank()) {
            throw new AttributionException("a prompt has no ID");
        }
        if (text == null) {
            throw new AttributionException("prompt " + id + " has no text");
        }
        instruction = List.copyOf(instruction);
        unmatched = unmatched == null ? List.of() : List.copyOf(unmatched);
        for (TextSpan s : instruction) {
            if (s.end() > text.length()) {
                throw new AttributionException("prompt " + id + ": instruction span [" + s.start() + ", " + s.end()
                        + ") runs past the end of the " + text.length() + "-character prompt");
            }
        }
    }

    /** A prompt of the paper's {@code FinalDataset.tsv}: the annotated fragments widened to whole sentences. */
    public static AttributionPrompt fromPaper(PromptRecord record) {
        InstructionSpans.Widening w = InstructionSpans.widen(record.prompt(), record.instructionFragments());
        return new AttributionPrompt(record.id(), record.prompt(), w.sentences(), w.notFound(), RULE_ANNOTATED);
    }

    /** An unannotated prompt: its first sentence is the instruction ({@link InstructionSpans#firstSentence}). */
    public static AttributionPrompt firstSentence(String id, String text) {
        return new AttributionPrompt(id, text, InstructionSpans.firstSentence(text), List.of(), RULE_FIRST_SENTENCE);
    }
}
