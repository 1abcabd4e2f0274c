package io.github.instructshift.organism;

import java.util.List;

/**
 * A rendered prompt and where its parts are, as character spans {@code [start, end)} in {@link #text}.
 * The instruction span is what the attribution analysis treats as "the instruction" (the paper's
 * human-marked instruction words); the input span is the context the instruction is applied to.
 */
public record Prompt(String text, int instructionStart, int instructionEnd, int inputStart, int inputEnd) {

    public Prompt {
        if (!(0 <= instructionStart && instructionStart <= instructionEnd && instructionEnd <= inputStart
                && inputStart <= inputEnd && inputEnd <= text.length())) {
            throw new OrganismException("prompt spans out of order: instruction [" + instructionStart + ", "
                    + instructionEnd + "), input [" + inputStart + ", " + inputEnd + ") in " + text.length() + " chars");
        }
    }

    public String instruction() {
        return text.substring(instructionStart, instructionEnd);
    }

    public String input() {
        return text.substring(inputStart, inputEnd);
    }

    /** Per character: inside the instruction. */
    public boolean[] instructionCharMask() {
        boolean[] mask = new boolean[text.length()];
        for (int i = instructionStart; i < instructionEnd; i++) {
            mask[i] = true;
        }
        return mask;
    }

    /**
     * Per token, given each token's character span (as {@code TextTokenizer.charSpans} gives them):
     * whether the token overlaps the instruction. Empty spans (added BOS) are never instruction.
     */
    public boolean[] instructionTokenMask(List<int[]> tokenSpans) {
        boolean[] mask = new boolean[tokenSpans.size()];
        for (int t = 0; t < mask.length; t++) {
            int[] s = tokenSpans.get(t);
            mask[t] = s[1] > s[0] && s[0] < instructionEnd && s[1] > instructionStart;
        }
        return mask;
    }
}
