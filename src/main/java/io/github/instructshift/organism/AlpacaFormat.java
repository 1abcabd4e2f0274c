package io.github.instructshift.organism;

import java.util.List;

/**
 * The one prompt format of the organism, Alpaca's instruction/input/response layout without its
 * preamble sentence (which would triple a small model's prompt length for no information):
 *
 * <pre>
 * ### Instruction:
 * {instruction}
 *
 * ### Input:
 * {input}
 *
 * ### Response:
 * </pre>
 *
 * The response follows the final newline directly; training appends {@code </s>} after it.
 */
public final class AlpacaFormat {
    private AlpacaFormat() {}

    public static final String INSTRUCTION_HEADER = "### Instruction:\n";
    public static final String INPUT_HEADER = "\n\n### Input:\n";
    public static final String RESPONSE_HEADER = "\n\n### Response:\n";

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

    /** The fixed strings of the format, for the tokenizer trainer to learn compact pieces for. */
    public static List<String> templateStrings() {
        return List.of(INSTRUCTION_HEADER + "x" + INPUT_HEADER + "x" + RESPONSE_HEADER);
    }
}
