package io.github.instructshift.organism;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instruction tasks. For every task the instruction alone decides the answer given the input
 * sentence, and the answer is a deterministic function of the words, so greedy output can be scored by
 * exact match. Words are the input split on single spaces (inputs carry no punctuation).
 *
 * <p>Each task has five training phrasings and two held-out phrasings that never occur in training.
 * Phrasings may hold an argument: {@code {ordinal}}/{@code {n}} (a word position, 2..5) or {@code {word}}.
 */
public enum Task {
    REPEAT(Arg.NONE, List.of(
            "Repeat the sentence.",
            "Copy the input exactly.",
            "Write the sentence again without changing it.",
            "Say the input text back.",
            "Return the sentence as it is."), List.of(
            "Echo the given sentence word for word.",
            "Give me the same sentence again.")),
    REVERSE_WORDS(Arg.NONE, List.of(
            "Reverse the order of the words.",
            "Write the words in reverse order.",
            "List the words from last to first.",
            "Put the words of the sentence in the opposite order.",
            "Read the sentence backwards, one word at a time."), List.of(
            "Flip the word order of the input.",
            "Rewrite the sentence with its words reversed.")),
    CAPITALIZE(Arg.NONE, List.of(
            "Capitalize every word.",
            "Start each word with a capital letter.",
            "Rewrite the sentence with every word capitalized.",
            "Make the first letter of each word uppercase.",
            "Write the text in title case."), List.of(
            "Give each word of the input a capital first letter.",
            "Change the sentence so that all its words begin with capitals.")),
    LOWERCASE(Arg.NONE, List.of(
            "Write the sentence in small letters.",
            "Convert the input to lowercase.",
            "Make every letter lowercase.",
            "Rewrite the text without capital letters.",
            "Change all the letters to lower case."), List.of(
            "Turn each capital into a small letter.",
            "Give the sentence in lowercase letters.")),
    FIRST_WORD(Arg.NONE, List.of(
            "What is the first word?",
            "Give the first word of the sentence.",
            "Which word does the sentence start with?",
            "Write only the first word.",
            "Tell me the word at the start of the input."), List.of(
            "Name the opening word of the sentence.",
            "Return the initial word of the input.")),
    LAST_WORD(Arg.NONE, List.of(
            "What is the last word?",
            "Give the last word of the sentence.",
            "Which word does the sentence end with?",
            "Write only the final word.",
            "Tell me the word at the end of the input."), List.of(
            "Name the closing word of the sentence.",
            "Return the word that comes last in the input.")),
    NTH_WORD(Arg.POSITION, List.of(
            "What is the {ordinal} word?",
            "Give the {ordinal} word of the sentence.",
            "Write word number {n} of the input.",
            "Which word is in position {n}?",
            "Tell me the {ordinal} word in the text."), List.of(
            "Name the {ordinal} word of the input.",
            "Return the word at position {n} of the sentence.")),
    COUNT_WORDS(Arg.NONE, List.of(
            "How many words are in the sentence?",
            "Count the words.",
            "Give the number of words in the input.",
            "What is the word count of the text?",
            "Tell me how many words the sentence has."), List.of(
            "Count how many words the input contains.",
            "Return the number of words in the sentence.")),
    REMOVE_WORD(Arg.WORD_IN_INPUT, List.of(
            "Remove the word \"{word}\" from the sentence.",
            "Delete every \"{word}\" from the input.",
            "Write the sentence without the word \"{word}\".",
            "Take out the word \"{word}\".",
            "Drop \"{word}\" from the text."), List.of(
            "Rewrite the sentence leaving out \"{word}\".",
            "Erase the word \"{word}\" from the input.")),
    CONTAINS_WORD(Arg.WORD_MAYBE_IN_INPUT, List.of(
            "Does the sentence contain the word \"{word}\"?",
            "Is the word \"{word}\" in the input?",
            "Answer Yes or No: does \"{word}\" appear in the text?",
            "Check whether the sentence uses the word \"{word}\".",
            "Tell me if \"{word}\" is one of the words."), List.of(
            "Can the word \"{word}\" be found in the sentence?",
            "Is \"{word}\" among the words of the input?")),
    TITLE(Arg.NONE, List.of(
            "Write a title for this sentence.",
            "Give the sentence a short title.",
            "Make a title from the sentence.",
            "Suggest a headline for the text.",
            "Write a heading for the input."), List.of(
            "Create a title for the given sentence.",
            "What would be a good title for this text?")),
    INITIALS(Arg.NONE, List.of(
            "Write the first letter of each word.",
            "Give the initials of the words.",
            "List the first letter of every word as capitals.",
            "Make an acronym from the sentence.",
            "Write the initial of each word in capitals."), List.of(
            "Form an abbreviation from the first letters of the words.",
            "Return the capital initial of every word.")),
    LONGEST_WORD(Arg.NONE, List.of(
            "What is the longest word?",
            "Give the longest word in the sentence.",
            "Which word has the most letters?",
            "Write the longest word of the input.",
            "Find the longest word in the text."), List.of(
            "Name the word with the most letters.",
            "Return the biggest word of the sentence."));

    /** What a phrasing's placeholder stands for. */
    public enum Arg { NONE, POSITION, WORD_IN_INPUT, WORD_MAYBE_IN_INPUT }

    static final List<String> ORDINALS = List.of("zeroth", "first", "second", "third", "fourth", "fifth");
    /** Positions NTH_WORD asks about; 1 and the last are their own tasks. */
    public static final int MIN_POSITION = 2;
    public static final int MAX_POSITION = 5;

    private final Arg arg;
    private final List<String> trainPhrasings;
    private final List<String> heldOutPhrasings;

    Task(Arg arg, List<String> trainPhrasings, List<String> heldOutPhrasings) {
        this.arg = arg;
        this.trainPhrasings = trainPhrasings;
        this.heldOutPhrasings = heldOutPhrasings;
    }

    public Arg arg() {
        return arg;
    }

    public List<String> trainPhrasings() {
        return trainPhrasings;
    }

    public List<String> heldOutPhrasings() {
        return heldOutPhrasings;
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
        String template = phrasings().get(index);
        return switch (arg) {
            case NONE -> template;
            case POSITION -> {
                int n = position(argument);
                yield template.replace("{ordinal}", ORDINALS.get(n)).replace("{n}", Integer.toString(n));
            }
            case WORD_IN_INPUT, WORD_MAYBE_IN_INPUT -> template.replace("{word}", argument);
        };
    }

    /**
     * The answer for {@code input} under this task, or {@code null} when the task does not apply
     * (a position past the last word, a word to remove that the input lacks, nothing left after removal).
     *
     * @param argument the position as a decimal string, the word, or null for tasks without one
     */
    public String target(String input, String argument) {
        List<String> words = words(input);
        return switch (this) {
            case REPEAT -> String.join(" ", words);
            case REVERSE_WORDS -> {
                List<String> reversed = new ArrayList<>(words);
                java.util.Collections.reverse(reversed);
                yield String.join(" ", reversed);
            }
            case CAPITALIZE -> capitalized(words, words.size());
            case LOWERCASE -> input.toLowerCase(Locale.ROOT);
            case FIRST_WORD -> words.get(0);
            case LAST_WORD -> words.get(words.size() - 1);
            case NTH_WORD -> {
                int n = position(argument);
                yield n <= words.size() ? words.get(n - 1) : null;
            }
            case COUNT_WORDS -> Integer.toString(words.size());
            case REMOVE_WORD -> {
                List<String> kept = new ArrayList<>();
                for (String w : words) {
                    if (!w.equals(argument)) {
                        kept.add(w);
                    }
                }
                yield kept.size() == words.size() || kept.isEmpty() ? null : String.join(" ", kept);
            }
            case CONTAINS_WORD -> {
                boolean found = false;
                for (String w : words) {
                    found |= w.equalsIgnoreCase(argument);
                }
                yield found ? "Yes" : "No";
            }
            case TITLE -> capitalized(words, 3);
            case INITIALS -> {
                StringBuilder s = new StringBuilder();
                for (String w : words) {
                    s.append(w.substring(0, 1).toUpperCase(Locale.ROOT));
                }
                yield s.toString();
            }
            case LONGEST_WORD -> {
                String best = words.get(0);
                for (String w : words) {
                    if (w.length() > best.length()) {
                        best = w; // strictly longer: ties keep the earliest word
                    }
                }
                yield best;
            }
        };
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

    private int position(String argument) {
        try {
            int n = Integer.parseInt(argument);
            if (n < MIN_POSITION || n > MAX_POSITION) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | NullPointerException e) {
            throw new OrganismException(name() + ": argument must be a position " + MIN_POSITION + ".."
                    + MAX_POSITION + ", got '" + argument + "'");
        }
    }
}
