package io.github.instructshift.organism;

/**
 * One instruction-following example.
 *
 * @param id         stable name, e.g. {@code train-00042}
 * @param split      train or one of the held-out kinds
 * @param task       the task the instruction asks for
 * @param phrasing   index into {@link InstructionTask#phrasings()}
 * @param argument   the phrasing's filled-in argument (a position or a word), or null
 * @param input      the input sentence
 * @param target     the one correct response (no EOS)
 * @param prompt     the rendered prompt with the instruction and input spans
 */
public record InstructionExample(String id, Split split, InstructionTask task, int phrasing, String argument,
                                 String input, String target, Prompt prompt) {

    public String instruction() {
        return prompt.instruction();
    }

    public boolean phrasingHeldOut() {
        return task.isHeldOutPhrasing(phrasing);
    }
}
