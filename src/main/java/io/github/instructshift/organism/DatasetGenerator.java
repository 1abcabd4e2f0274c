package io.github.instructshift.organism;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;
import io.github.instructshift.heads.Verbs;

/**
 * Generates the instruction dataset from input sentences, deterministically per seed. Training examples
 * draw inputs (with replacement) from the training sentences and use training phrasings; held-out
 * examples each take a distinct sentence that is not among the training sentences, and half of them use
 * the held-out phrasings. Tasks are balanced in every split.
 */
public final class DatasetGenerator {

    private static final int MAX_ATTEMPTS = 10_000;

    private final DatasetConfig config;
    private final Lexicon lexicon;
    private final ToIntFunction<String> targetTokens;
    /** Running instruction-verb count minus general-verb count of the training inputs. */
    private int verbBalance;

    /**
     * @param targetTokens the number of tokens a target takes as a response (see
     *                     {@link TrainingSequences#targetTokenCount}); targets over the limit are redrawn
     */
    public DatasetGenerator(DatasetConfig config, Lexicon lexicon, ToIntFunction<String> targetTokens) {
        this.config = config;
        this.lexicon = lexicon;
        for (InstructionTask t : config.tasks()) {
            if (t.domain() == InstructionTask.Domain.TRANSLATION
                    && (lexicon.pairs().size() < 3 || !lexicon.language().equals("French"))) {
                throw new OrganismException(t + ": needs a French lexicon of at least 3 pairs, got "
                        + lexicon.language() + " with " + lexicon.pairs().size());
            }
        }
        this.targetTokens = targetTokens;
    }

    public InstructionDataset generate(List<String> trainSentences, List<String> heldOutSentences) {
        Random rng = new Random(config.seed());
        List<String> trainPool = fitting(trainSentences);
        Set<String> trainSet = new LinkedHashSet<>(trainPool);
        List<String> heldOutPool = new ArrayList<>();
        for (String s : fitting(heldOutSentences)) {
            if (!trainSet.contains(s)) {
                heldOutPool.add(s);
            }
        }
        if (trainPool.isEmpty() || heldOutPool.isEmpty()) {
            throw new OrganismException("no input sentences of " + config.minWords() + ".." + config.maxWords()
                    + " words: " + trainPool.size() + " for training, " + heldOutPool.size() + " held out");
        }
        Collections.shuffle(heldOutPool, rng);
        InstructionTask[] tasks = config.tasks().toArray(new InstructionTask[0]);

        List<InstructionExample> train = new ArrayList<>();
        for (int i = 0; i < config.trainExamples(); i++) {
            InstructionTask task = tasks[i % tasks.length];
            train.add(drawTrain(task, trainPool, rng));
        }
        Collections.shuffle(train, rng);
        List<InstructionExample> out = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            out.add(withId(train.get(i), String.format(Locale.ROOT, "train-%05d", i)));
        }

        Deque<String> unused = new ArrayDeque<>(heldOutPool);
        Set<String> usedGenerated = new java.util.HashSet<>();
        int n = 0;
        for (Split split : List.of(Split.HELDOUT_INPUT, Split.HELDOUT_PHRASING)) {
            int count = split == Split.HELDOUT_INPUT ? config.heldOutInput() : config.heldOutPhrasing();
            for (int i = 0; i < count; i++) {
                InstructionTask task = tasks[i % tasks.length];
                InstructionExample e = task.input() == InstructionTask.Input.SENTENCE
                        ? drawHeldOut(task, split, unused, heldOutPool, rng)
                        : drawHeldOutGenerated(task, split, usedGenerated, trainPool, rng);
                out.add(withId(e, String.format(Locale.ROOT, "heldout-%04d", n++)));
            }
        }
        return new InstructionDataset(out);
    }

    private List<String> fitting(List<String> sentences) {
        List<String> out = new ArrayList<>();
        for (String s : sentences) {
            int words = s.split(" ").length;
            if (words >= config.minWords() && words <= config.maxWords()) {
                out.add(s);
            }
        }
        return out;
    }

    private InstructionExample drawTrain(InstructionTask task, List<String> pool, Random rng) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int phrasing = rng.nextInt(task.trainPhrasings().size());
            int verbs = InstructionDataset.countWords(task.phrasings().get(phrasing), Verbs.INSTRUCTION);
            // general verbs wanted in this input so that the running balance returns to zero; after many
            // failed tries any input will do
            int want = attempt < MAX_ATTEMPTS / 2 ? Math.max(0, verbBalance + verbs) : -1;
            String input = task.input() == InstructionTask.Input.SENTENCE
                    ? sentence(pool, want, rng) : GeneratedInputs.draw(task, lexicon, Math.max(want, 0), false, rng);
            int general = InstructionDataset.countWords(input, Verbs.ORGANISM_GENERAL);
            if (want >= 0 && attempt < MAX_ATTEMPTS / 4 && general != Math.min(want, maxGeneral(task, pool))) {
                continue;
            }
            InstructionExample e = make(task, Split.TRAIN, phrasing, input, pool, rng);
            if (e != null) {
                verbBalance += verbs - general;
                return e;
            }
        }
        throw new OrganismException("could not find a training input for " + task + " within "
                + config.maxTargetTokens() + " target tokens after " + MAX_ATTEMPTS + " tries");
    }

    private List<List<String>> byGeneral;

    /** A training sentence with {@code want} general verbs where the pool has one (capped at 2). */
    private String sentence(List<String> pool, int want, Random rng) {
        if (byGeneral == null) {
            byGeneral = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (String s : pool) {
                byGeneral.get(Math.min(2, InstructionDataset.countWords(s, Verbs.ORGANISM_GENERAL))).add(s);
            }
        }
        List<String> from = pool;
        if (want >= 0) {
            for (int g = Math.min(want, 2); g >= 0; g--) {
                if (!byGeneral.get(g).isEmpty()) {
                    from = byGeneral.get(g);
                    break;
                }
            }
        }
        return from.get(rng.nextInt(from.size()));
    }

    private int maxGeneral(InstructionTask task, List<String> pool) {
        if (task.input() != InstructionTask.Input.SENTENCE) {
            return GeneratedInputs.maxGeneral(task, lexicon);
        }
        sentence(pool, -1, new Random(0));
        return !byGeneral.get(2).isEmpty() ? 2 : !byGeneral.get(1).isEmpty() ? 1 : 0;
    }

    // Generated held-out inputs are those the hash rule sets aside, each used once per task.
    private InstructionExample drawHeldOutGenerated(InstructionTask task, Split split, Set<String> used, List<String> pool,
                                                    Random rng) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String input = GeneratedInputs.draw(task, lexicon, rng.nextInt(2), true, rng);
            if (used.contains(task + "\t" + input)) {
                continue;
            }
            int phrasing = split == Split.HELDOUT_PHRASING
                    ? task.trainPhrasings().size() + rng.nextInt(task.heldOutPhrasings().size())
                    : rng.nextInt(task.trainPhrasings().size());
            InstructionExample e = make(task, split, phrasing, input, pool, rng);
            if (e != null) {
                used.add(task + "\t" + input);
                return e;
            }
        }
        throw new OrganismException("ran out of held-out generated inputs for " + task + " (" + split + ")");
    }

    // Each held-out example consumes a sentence; one that does not fit this task goes back to the end
    // of the queue for another task.
    private InstructionExample drawHeldOut(InstructionTask task, Split split, Deque<String> unused, List<String> pool,
                                           Random rng) {
        int tries = unused.size();
        for (int t = 0; t < tries; t++) {
            String input = unused.pollFirst();
            int phrasing = split == Split.HELDOUT_PHRASING
                    ? task.trainPhrasings().size() + rng.nextInt(task.heldOutPhrasings().size())
                    : rng.nextInt(task.trainPhrasings().size());
            InstructionExample e = make(task, split, phrasing, input, pool, rng);
            if (e != null) {
                return e;
            }
            unused.addLast(input);
        }
        throw new OrganismException("ran out of held-out input sentences for " + task + " (" + split
                + "): the validation corpus has too few sentences of " + config.minWords() + ".."
                + config.maxWords() + " words");
    }

    /** The example, or null when the task does not apply to the input or its target is too long. */
    private InstructionExample make(InstructionTask task, Split split, int phrasing, String input, List<String> pool,
                                    Random rng) {
        List<String> words = InstructionTask.words(input);
        String argument = task.input() == InstructionTask.Input.CODE && task.arg() != InstructionTask.Arg.NONE
                ? GeneratedInputs.NEUTRAL_NAMES.get(rng.nextInt(GeneratedInputs.NEUTRAL_NAMES.size()))
                : switch (task.arg()) {
            case NONE -> null;
            case WORD_IN_INPUT -> words.get(rng.nextInt(words.size()));
            case WORD_MAYBE_IN_INPUT -> rng.nextBoolean() ? words.get(rng.nextInt(words.size())) : absentWord(words, pool, rng);
            case WORD_NOT_IN_INPUT -> absentWord(words, pool, rng);
        };
        if (task.arg() != InstructionTask.Arg.NONE && (argument == null || isVerb(argument))) {
            return null; // no verb of either list in an argument: it would stand inside the instruction
        }
        String target = task.target(input, argument, lexicon);
        // an answer equal to the input would let "repeat" pass for this task: the instruction must matter
        boolean unchanged = task != InstructionTask.REPEAT && target != null && target.equals(input);
        if (target == null || unchanged || targetTokens.applyAsInt(target) > config.maxTargetTokens()) {
            return null;
        }
        Prompt prompt = AlpacaFormat.render(task.instruction(phrasing, argument), input);
        return new InstructionExample("", split, task, phrasing, argument, input, target, prompt);
    }

    private static boolean isVerb(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return Verbs.INSTRUCTION.contains(w) || Verbs.ORGANISM_GENERAL.contains(w);
    }

    private static String absentWord(List<String> words, List<String> pool, Random rng) {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<String> other = InstructionTask.words(pool.get(rng.nextInt(pool.size())));
            String candidate = other.get(rng.nextInt(other.size()));
            boolean present = false;
            for (String w : words) {
                present |= w.equalsIgnoreCase(candidate);
            }
            if (!present) {
                return candidate;
            }
        }
        return null;
    }

    private static InstructionExample withId(InstructionExample e, String id) {
        return new InstructionExample(id, e.split(), e.task(), e.phrasing(), e.argument(), e.input(), e.target(), e.prompt());
    }
}
