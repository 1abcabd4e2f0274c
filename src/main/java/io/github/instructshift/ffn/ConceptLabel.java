package io.github.instructshift.ffn;

import java.util.Set;

/**
 * One labelling of one component, with what made it.
 *
 * @param status     LABELLED (an explainable concept), CANNOT_TELL (the labeller found none) or
 *                   UNLABELLED (the labeller failed: {@code error} says why; counted, never fatal)
 * @param concept    the concept's name, or null
 * @param tasks      tasks it serves ({@link Task#NONE} when the labeller said none); empty unless LABELLED
 * @param level      linguistic level, or null
 * @param labeller   which labeller ({@code openai}, {@code offline-lexicon} …)
 * @param labelModel the model behind it ({@code gpt-3.5-turbo}, the lexicon version …)
 * @param seed       the run's seed
 * @param error      why it is UNLABELLED, else null
 */
public record ConceptLabel(Status status, String concept, Set<Task> tasks, LinguisticLevel level, String labeller,
                           String labelModel, long seed, String error) {

    public enum Status { LABELLED, CANNOT_TELL, UNLABELLED }

    public ConceptLabel {
        tasks = Set.copyOf(tasks);
    }

    public boolean explainable() {
        return status == Status.LABELLED;
    }

    public static ConceptLabel unlabelled(String labeller, String model, long seed, String error) {
        return new ConceptLabel(Status.UNLABELLED, null, Set.of(), null, labeller, model, seed, error);
    }

    public static ConceptLabel cannotTell(String labeller, String model, long seed, String said) {
        return new ConceptLabel(Status.CANNOT_TELL, said, Set.of(), null, labeller, model, seed, null);
    }
}
