package io.github.instructshift.organism;

import java.util.List;

/**
 * The one prompt format of the organism, Alpaca's instruction/input/response layout without its
 * preamble sentence (which would triple a small model's prompt length for no information), each part after
 * its header:
 *
 * <pre>
 * ### Instruction: {instruction} ### Input: {input} ### Response: {response}</s>
 * </pre>
 *
 * All on one line: the organism's tokenizer keeps only pieces that occur in its pretraining text, which
 * has no newlines, so a newline in the template would be an untrained token.
 *
 * The prompt ends at {@code "### Response:"} and the response follows after one space
 * ({@link #RESPONSE_LEAD}), as in Vicuna's {@code ASSISTANT:} turn. Every word of the input, the
 * instruction and the response then comes after a space, so a word is the same tokens wherever it
 * stands: copying a word is copying its tokens. (With the response on a new line, its first word
 * was tokenised without the word mark and differed from the same word inside the input.)
 */
public final class AlpacaFormat {
    private AlpacaFormat() {}

    public static final String INSTRUCTION_HEADER = "### Instruction: ";
    // one line: the pretraining text holds no newline, and every token of a prompt must occur in it
    public static final String INPUT_HEADER = " ### Input: ";
    public static final String RESPONSE_HEADER = " ### Response:";
    /** What comes between the prompt and the response. */
    public static final String RESPONSE_LEAD = " ";

    /** The prompt for {@code instruction} applied to {@code input}, with both spans recorded. */
    public static Prompt render(String instruction, String input) {
        if (instruction.isBlank() || instruction.contains("\n")) {
            throw new OrganismException("an instruction must be one non-empty line, got '" + instruction + "'");
        }
        if (input.contains("\n")) {
            throw new OrganismException("an input must be one line, got '" + input + "'");
        }
        StringBuilder text = new StringBuilder(INSTRUCTION_HEADER);
        int instructionStart = text.length();
        text.append(instruction);
        int instructionEnd = text.length();
        text.append(INPUT_HEADER);
        int inputStart = text.length();
        text.append(input);
        int inputEnd = text.length();
        text.append(RESPONSE_HEADER);
        return new Prompt(text.toString(), instructionStart, instructionEnd, inputStart, inputEnd);
    }

    /** The text a model is trained to continue {@code prompt} with when the answer is {@code target}. */
    public static String completion(String target) {
        return RESPONSE_LEAD + target;
    }

    /** The fixed strings of the format, for the tokenizer trainer to learn compact pieces for. */
    public static List<String> templateStrings() {
        return List.of(INSTRUCTION_HEADER + "x" + INPUT_HEADER + "x" + RESPONSE_HEADER + RESPONSE_LEAD + "x");
    }
}
