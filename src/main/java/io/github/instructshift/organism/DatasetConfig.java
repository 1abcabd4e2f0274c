package io.github.instructshift.organism;

import java.util.List;

/**
 * Sizes and limits of the generated instruction dataset.
 *
 * @param seed                 the only source of randomness
 * @param trainExamples        training examples (balanced over tasks)
 * @param heldOutInput         held-out examples with unseen inputs and training phrasings
 * @param heldOutPhrasing      held-out examples with unseen inputs and unseen phrasings
 * @param minWords             shortest input sentence
 * @param maxWords             longest input sentence
 * @param maxTargetTokens      longest target, in tokens (without EOS), so that a small model can learn it
 * @param tasks                the tasks to generate, balanced
 */
public record DatasetConfig(long seed, int trainExamples, int heldOutInput, int heldOutPhrasing,
                            int minWords, int maxWords, int maxTargetTokens, List<InstructionTask> tasks) {

    public DatasetConfig {
        if (minWords < MIN_WORDS || maxWords < minWords) {
            throw new OrganismException("input length " + minWords + ".." + maxWords + " words: need at least "
                    + MIN_WORDS + " words so that the first three words are a real shortening");
        }
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty() || new java.util.HashSet<>(tasks).size() != tasks.size()) {
            throw new OrganismException("tasks must be a non-empty list without repeats, got " + tasks);
        }
        if (trainExamples < 0 || heldOutInput < 0 || heldOutPhrasing < 0 || maxTargetTokens < 1) {
            throw new OrganismException("dataset sizes must be non-negative and maxTargetTokens positive");
        }
    }

    static final int MIN_WORDS = 4;

    /** The shipped dataset: one pass of the shipped instruction tuning, 10 held-out prompts per task and split. */
    public static DatasetConfig defaults(long seed) {
        return defaults(seed, 128000);
    }

    /** The shipped dataset with {@code trainExamples} chosen by the build; 6 held-out prompts per task and split. */
    public static DatasetConfig defaults(long seed, int trainExamples) {
        int tasks = InstructionTask.values().length;
        return new DatasetConfig(seed, trainExamples, 6 * tasks, 6 * tasks, 5, 9, 16, List.of(InstructionTask.values()));
    }
}
