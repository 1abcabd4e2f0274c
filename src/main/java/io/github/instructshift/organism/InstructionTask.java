package io.github.instructshift.organism;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instruction tasks: transformations of an input sentence, questions about it and short writing
 * tasks. For every task the instruction alone decides the answer given the input sentence, and the
 * answer is a deterministic function of the words, so greedy output can be scored by exact match. Words
 * are the input split on single spaces (inputs carry no punctuation).
 *
 * <p>The tasks work on whole words. Tasks on letters or counts (reversing, capitalising every word,
 * initials, the longest word, counting, the n-th word) were tried in an earlier recipe and stayed near
 * 0 % held-out accuracy: a subword model of a few million parameters trained for minutes cannot see
 * inside its tokens. {@code TITLE} (capitalise the first three words) is the one task that still asks
 * for that, and the model card reports it separately.
 *
 * <p>Phrasings are compositional: a task has four wordings of what to do (a verb phrase, with
 * {@code {word}} where the task takes a word) and every wording goes into six request frames shared by
 * all tasks ("Please …", "Can you …?", …). Two frame–wording combinations per task are held out: both
 * parts occur in training, but never together, so a held-out phrasing is a sentence the model has not
 * seen. A {@code {word}} is never the last word of a wording, so that punctuation never sticks to it and
 * it is tokenised exactly as in the input.
 */
public enum InstructionTask {
    REPEAT(Arg.NONE,
            "repeat the sentence", "copy the input exactly", "write the text again", "say the sentence back to me"),
    FIRST_WORD(Arg.NONE,
            "give the first word of the sentence", "write only the first word", "tell me which word comes first",
            "name the word at the start of the input"),
    LAST_WORD(Arg.NONE,
            "give the last word of the sentence", "write only the last word", "tell me which word comes last",
            "name the word at the end of the input"),
    FIRST_THREE(Arg.NONE,
            "give the first three words of the sentence", "write only the first three words",
            "shorten the input to three words", "keep just the opening three words"),
    CONTAINS_WORD(Arg.WORD_MAYBE_IN_INPUT,
            "say whether the word {word} is in the sentence", "tell me if the input contains {word} or not",
            "answer Yes or No if {word} appears in the text", "check if the sentence uses the word {word} at all"),
    REMOVE_WORD(Arg.WORD_IN_INPUT,
            "remove the word {word} from the sentence", "delete every {word} in the input",
            "write the sentence without the word {word} in it", "take {word} out of the text"),
    APPEND_WORD(Arg.WORD_NOT_IN_INPUT,
            "add the word {word} at the end of the sentence", "append {word} to the input",
            "write the sentence and then {word} after it", "put {word} after the last word"),
    PREPEND_WORD(Arg.WORD_NOT_IN_INPUT,
            "put the word {word} at the start of the sentence", "begin the input with {word} as a new word",
            "write {word} and then the sentence", "add {word} before the first word"),
    TITLE(Arg.NONE,
            "write a title for the sentence", "give the text a short title", "make a headline from the input",
            "suggest a title for this sentence"),
    REPLY(Arg.NONE,
            "write a reply that agrees with the sentence", "answer the text with agreement",
            "respond to the input by agreeing", "write a short agreeing reply");

    /** What a wording's placeholder stands for. */
    public enum Arg { NONE, WORD_IN_INPUT, WORD_MAYBE_IN_INPUT, WORD_NOT_IN_INPUT }

    /**
     * Request frames shared by all tasks; {@code %s} is the wording, capitalised in the first frame. (In a
     * holder class because an enum's static fields are not yet set while its constants are built.)
     */
    static final class Frames {
        static final List<String> ALL = List.of(
                "%s.", "Please %s.", "Now %s.", "I want you to %s.", "Can you %s?", "Your task is to %s.");

        private Frames() {}
    }

    /** What {@link #REPLY} puts before the sentence. */
    static final String REPLY_LEAD = "I agree: ";

    private final Arg arg;
    private final List<String> wordings;
    private final List<String> trainPhrasings = new ArrayList<>();
    private final List<String> heldOutPhrasings = new ArrayList<>();

    InstructionTask(Arg arg, String... wordings) {
        this.arg = arg;
        this.wordings = List.of(wordings);
        for (String w : wordings) {
            if ((arg == Arg.NONE) == w.contains("{word}") || w.endsWith("{word}")) {
                throw new IllegalStateException(name() + ": wording '" + w + "' misplaces its {word}");
            }
        }
        // held out: wording 0 in frame 2k and wording 1 in frame 2k+1, k rotating with the task, so that
        // every frame is held out for some task and seen with every other wording
        int k = ordinal() % (Frames.ALL.size() / 2);
        for (int f = 0; f < Frames.ALL.size(); f++) {
            for (int w = 0; w < wordings.length; w++) {
                boolean heldOut = (w == 0 && f == 2 * k) || (w == 1 && f == 2 * k + 1);
                (heldOut ? heldOutPhrasings : trainPhrasings).add(frame(f, wordings[w]));
            }
        }
    }

    private static String frame(int f, String wording) {
        String filled = f == 0 ? wording.substring(0, 1).toUpperCase(Locale.ROOT) + wording.substring(1) : wording;
        return String.format(Locale.ROOT, Frames.ALL.get(f), filled);
    }

    public Arg arg() {
        return arg;
    }

    /** The task's wordings (verb phrases), before framing. */
    public List<String> wordings() {
        return wordings;
    }

    public List<String> trainPhrasings() {
        return List.copyOf(trainPhrasings);
    }

    public List<String> heldOutPhrasings() {
        return List.copyOf(heldOutPhrasings);
    }

    /** All phrasings, training ones first; a phrasing's index here is its identity. */
    public List<String> phrasings() {
        List<String> all = new ArrayList<>(trainPhrasings);
        all.addAll(heldOutPhrasings);
        return all;
    }

    public boolean isHeldOutPhrasing(int index) {
        return index >= trainPhrasings.size();
    }

    /** The instruction: phrasing {@code index} with its placeholder filled by {@code argument}. */
    public String instruction(int index, String argument) {
        List<String> all = phrasings();
        if (index < 0 || index >= all.size()) {
            throw new OrganismException(name() + ": no phrasing " + index + " (it has " + all.size() + ")");
        }
        if (arg == Arg.NONE) {
            return all.get(index);
        }
        if (argument == null || argument.isEmpty() || argument.contains(" ")) {
            throw new OrganismException(name() + ": argument must be one word, got '" + argument + "'");
        }
        return all.get(index).replace("{word}", argument);
    }

    /**
     * The answer for {@code input} under this task, or {@code null} when the task does not apply
     * (a word to remove that the input lacks or that is all it has, a word to add that it already has).
     *
     * @param argument the word, or null for tasks without one
     */
    public String target(String input, String argument) {
        List<String> words = words(input);
        return switch (this) {
            case REPEAT -> String.join(" ", words);
            case FIRST_WORD -> words.get(0);
            case LAST_WORD -> words.get(words.size() - 1);
            case FIRST_THREE -> String.join(" ", words.subList(0, Math.min(3, words.size())));
            case CONTAINS_WORD -> contains(words, argument) ? "Yes" : "No";
            case REMOVE_WORD -> {
                List<String> kept = new ArrayList<>();
                for (String w : words) {
                    if (!w.equals(argument)) {
                        kept.add(w);
                    }
                }
                yield kept.size() == words.size() || kept.isEmpty() ? null : String.join(" ", kept);
            }
            case APPEND_WORD -> contains(words, argument) ? null : input + " " + argument;
            case PREPEND_WORD -> contains(words, argument) ? null : argument + " " + input;
            case TITLE -> capitalized(words, 3);
            case REPLY -> REPLY_LEAD + input;
        };
    }

    private static boolean contains(List<String> words, String word) {
        for (String w : words) {
            if (w.equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code count} words, each with an upper-case first letter and the rest lower case. */
    private static String capitalized(List<String> words, int count) {
        List<String> out = new ArrayList<>();
        for (String w : words.subList(0, Math.min(count, words.size()))) {
            out.add(w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1).toLowerCase(Locale.ROOT));
        }
        return String.join(" ", out);
    }

    static List<String> words(String input) {
        if (input.isEmpty() || input.startsWith(" ") || input.endsWith(" ") || input.contains("  ")) {
            throw new OrganismException("input must be words separated by single spaces, got '" + input + "'");
        }
        return List.of(input.split(" "));
    }
}
