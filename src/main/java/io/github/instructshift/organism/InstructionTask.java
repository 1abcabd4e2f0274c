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
    REPEAT(Domain.WORDS, Input.SENTENCE, Arg.NONE,
            "repeat the sentence", "output the input exactly", "write the text again", "say the sentence back to me"),
    FIRST_WORD(Domain.WORDS, Input.SENTENCE, Arg.NONE,
            "give the first word of the sentence", "write only the first word", "tell me which word is first",
            "identify the word at the start of the input"),
    LAST_WORD(Domain.WORDS, Input.SENTENCE, Arg.NONE,
            "give the last word of the sentence", "write only the last word", "tell me which word is last",
            "identify the word at the end of the input"),
    FIRST_THREE(Domain.WORDS, Input.SENTENCE, Arg.NONE,
            "give the first three words of the sentence", "write only the first three words",
            "edit the input down to three words", "retrieve just the opening three words"),
    CONTAINS_WORD(Domain.WORDS, Input.SENTENCE, Arg.WORD_MAYBE_IN_INPUT,
            "say whether the word {word} is in the sentence", "tell me if the input contains {word} or not",
            "detect if {word} appears in the text", "analyze if the sentence has the word {word} in it"),
    REMOVE_WORD(Domain.WORDS, Input.SENTENCE, Arg.WORD_IN_INPUT,
            "edit the word {word} out of the sentence", "revise the input by deleting every {word} in it",
            "write the sentence without the word {word} in it", "output the text with {word} deleted"),
    APPEND_WORD(Domain.WORDS, Input.SENTENCE, Arg.WORD_NOT_IN_INPUT,
            "write the sentence and then {word} after it", "edit the input by adding {word} at the end",
            "revise the sentence with {word} as its last word", "make {word} the new final word of the text"),
    PREPEND_WORD(Domain.WORDS, Input.SENTENCE, Arg.WORD_NOT_IN_INPUT,
            "write {word} and then the sentence", "edit the input by adding {word} at the start",
            "revise the sentence with {word} as its first word", "make {word} the new opening word of the text"),
    DROP_FIRST(Domain.WORDS, Input.SENTENCE, Arg.NONE,
            "edit the first word out of the sentence", "write the sentence without its first word",
            "output everything after the first word", "revise the input by deleting its opening word"),
    WORD_AFTER(Domain.WORDS, Input.SENTENCE, Arg.WORD_IN_INPUT,
            "find the word right after {word} in the sentence", "tell me which word is after {word} in the input",
            "identify the word after {word} in the text", "give the next word after {word} in the sentence"),
    TITLE(Domain.WRITING, Input.SENTENCE, Arg.NONE,
            "write a title for the sentence", "give the text a short title", "make a headline from the input",
            "recommend a title for this sentence"),
    REPLY(Domain.WRITING, Input.SENTENCE, Arg.NONE,
            "write a reply that agrees with the sentence", "compose an answer of agreement to the text",
            "generate a short agreeing reply", "create a reply that agrees with the input"),
    QUESTION(Domain.WRITING, Input.SENTENCE, Arg.NONE,
            "revise the sentence into a question", "format the statement as a question",
            "make a question out of the sentence", "write the input as a question"),
    SUMMARY(Domain.WRITING, Input.SENTENCE, Arg.NONE,
            "summarize the sentence in its key words", "give a summary of the input without filler words",
            "write the main words of the text", "create a terse summary of the sentence"),
    LIST_WORDS(Domain.WRITING, Input.SENTENCE, Arg.NONE,
            "format the words of the sentence as a list", "write the sentence as a list of words",
            "give the words of the input as a list", "output the text as a comma list"),
    LETTER_OPENING(Domain.WRITING, Input.NAME, Arg.NONE,
            "write the opening of a letter to this person", "compose a letter greeting for the name",
            "give the salutation of a letter to this person", "format the name as the opening of a letter"),
    GREETING(Domain.WRITING, Input.NAME, Arg.NONE,
            "say hello to the person named", "write a greeting for this name",
            "generate a friendly greeting for the person", "compose a short hello for this person"),
    ADD(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "find the sum of the two numbers", "give the total of the numbers", "solve this addition of the numbers",
            "tell me what the numbers add up to"),
    SUBTRACT(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "find the difference of the two numbers", "solve the first number minus the second",
            "give the first number minus the second one", "output the first number minus the second"),
    MULTIPLY(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "find the product of the two numbers", "solve the multiplication of the numbers",
            "give the numbers multiplied together", "output the product of these numbers"),
    MAXIMUM(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "find the largest number in the list", "identify the biggest number", "give the highest of the numbers",
            "retrieve the maximum of the list"),
    MINIMUM(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "find the smallest number in the list", "identify the lowest number", "give the minimum of the numbers",
            "retrieve the least of the numbers"),
    SORT(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "write the numbers from smallest to largest", "give the numbers in ascending order",
            "output the list sorted upwards", "format the numbers in rising order"),
    COMPARE(Domain.MATH, Input.NUMBERS, Arg.NONE,
            "tell me if the first number is larger", "say whether the first number is bigger than the second",
            "evaluate if the first number exceeds the second", "classify the first number as greater or not"),
    COUNT_WORDS(Domain.MATH, Input.WORDS, Arg.NONE,
            "tell me how many words are in the list", "give the number of items in the list",
            "find how many items the list has", "estimate the number of words exactly"),
    CODE_VALUE(Domain.CODING, Input.CODE, Arg.NONE,
            "predict the value the code stores", "give the value of the variable",
            "evaluate the expression in the code", "tell me what the variable equals"),
    CODE_RENAME(Domain.CODING, Input.CODE, Arg.WORD_NOT_IN_INPUT,
            "edit the code so the variable is {word} instead", "revise the variable name to {word} here",
            "make {word} the name of the variable", "correct the variable name to {word} in the code"),
    CODE_CONST(Domain.CODING, Input.CODE, Arg.NONE,
            "edit the code to declare with const", "revise the keyword to const",
            "correct the declaration so it is const", "make the variable a const"),
    CODE_SEMICOLON(Domain.CODING, Input.CODE, Arg.NONE,
            "correct the missing semicolon in the code", "edit the line to end with a semicolon",
            "revise the code by adding the semicolon", "format the statement with its semicolon"),
    CODE_INVOCATION(Domain.CODING, Input.CODE, Arg.NONE,
            "write the function applied to the arguments", "generate a JavaScript invocation from the input",
            "compose the function invocation for these arguments", "create a JavaScript invocation of the function"),
    TO_FRENCH(Domain.TRANSLATION, Input.WORDS, Arg.NONE,
            "translate the words into French", "give the French for these words", "tell me the words in French",
            "write these words in French"),
    FROM_FRENCH(Domain.TRANSLATION, Input.FOREIGN_WORDS, Arg.NONE,
            "translate the French words into English", "give the English for these French words",
            "tell me these French words in English", "interpret the French words in English");

    /** The task categories Finding 3 compares. */
    public enum Domain { WRITING, MATH, CODING, TRANSLATION, WORDS }

    /**
     * Where a task's input comes from: corpus sentences, or generated from the seed (numbers 0..99, a
     * one-line JavaScript statement, a first name, English or French lexicon words).
     */
    public enum Input { SENTENCE, NUMBERS, CODE, NAME, WORDS, FOREIGN_WORDS }

    /** What a wording's placeholder stands for. */
    public enum Arg { NONE, WORD_IN_INPUT, WORD_MAYBE_IN_INPUT, WORD_NOT_IN_INPUT }

    /**
     * Request frames shared by all tasks; {@code %s} is the wording, capitalised in the first frame. (In a
     * holder class because an enum's static fields are not yet set while its constants are built.)
     */
    static final class Frames {
        static final List<String> ALL = List.of(
                "%s.", "Please %s.", "Now %s.", "I would like you to %s.", "Can you %s?", "Your task is to %s.");

        private Frames() {}
    }

    /** What {@link #REPLY} puts before the sentence. */
    static final String REPLY_LEAD = "I agree: ";

    private final Domain domain;
    private final Input input;
    private final Arg arg;
    private final List<String> wordings;
    private final List<String> trainPhrasings = new ArrayList<>();
    private final List<String> heldOutPhrasings = new ArrayList<>();

    InstructionTask(Domain domain, Input input, Arg arg, String... wordings) {
        this.domain = domain;
        this.input = input;
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

    public Domain domain() {
        return domain;
    }

    public Input input() {
        return input;
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

    /** The answer for tasks that need no lexicon; see {@link #target(String, String, Lexicon)}. */
    public String target(String input, String argument) {
        return target(input, argument, null);
    }

    /**
     * The answer for {@code input} under this task, or {@code null} when the task does not apply
     * (a word to remove that the input lacks or that is all it has, a word to add that it already has,
     * an input not of the task's form, a word the lexicon lacks).
     *
     * @param argument the word, or null for tasks without one
     * @param lexicon  the translation tasks' word list; may be null for the other tasks
     */
    public String target(String input, String argument, Lexicon lexicon) {
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
            case DROP_FIRST -> words.size() < 2 ? null : String.join(" ", words.subList(1, words.size()));
            case WORD_AFTER -> {
                int at = words.indexOf(argument);
                yield at < 0 || at == words.size() - 1 ? null : words.get(at + 1);
            }
            case TITLE -> capitalized(words, 3);
            case REPLY -> REPLY_LEAD + input;
            case QUESTION -> QUESTION_LEAD + input + "?";
            case SUMMARY -> {
                List<String> kept = new ArrayList<>();
                for (String w : words) {
                    if (!io.github.instructshift.heads.Verbs.STOP_WORDS.contains(w.toLowerCase(Locale.ROOT))) {
                        kept.add(w);
                    }
                }
                yield kept.size() == words.size() || kept.isEmpty() ? null : String.join(" ", kept);
            }
            case LIST_WORDS -> words.size() < 2 ? null
                    : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
            case LETTER_OPENING -> words.size() == 1 ? "Dear " + input + "," : null;
            case GREETING -> words.size() == 1 ? "Hello, " + input + "!" : null;
            case ADD, SUBTRACT, MULTIPLY, COMPARE -> {
                int[] n = numbers(words);
                if (n == null || n.length != 2) {
                    yield null;
                }
                yield switch (this) {
                    case ADD -> Integer.toString(n[0] + n[1]);
                    case SUBTRACT -> n[0] < n[1] ? null : Integer.toString(n[0] - n[1]);
                    case MULTIPLY -> Integer.toString(n[0] * n[1]);
                    default -> n[0] == n[1] ? null : n[0] > n[1] ? "Yes" : "No";
                };
            }
            case MAXIMUM, MINIMUM, SORT -> {
                int[] n = numbers(words);
                if (n == null || n.length < 2) {
                    yield null;
                }
                int[] sorted = n.clone();
                java.util.Arrays.sort(sorted);
                yield switch (this) {
                    case MAXIMUM -> Integer.toString(sorted[sorted.length - 1]);
                    case MINIMUM -> Integer.toString(sorted[0]);
                    default -> String.join(" ", java.util.Arrays.stream(sorted).mapToObj(Integer::toString).toList());
                };
            }
            case COUNT_WORDS -> Integer.toString(words.size());
            case CODE_VALUE, CODE_RENAME, CODE_CONST, CODE_SEMICOLON -> {
                java.util.regex.Matcher m = STATEMENT.matcher(input);
                if (!m.matches()) {
                    yield null;
                }
                boolean semicolon = !m.group(6).isEmpty();
                yield switch (this) {
                    case CODE_VALUE -> {
                        int a = Integer.parseInt(m.group(3));
                        int b = Integer.parseInt(m.group(5));
                        yield !semicolon ? null : Integer.toString(switch (m.group(4)) {
                            case "+" -> a + b;
                            case "-" -> a - b;
                            default -> a * b;
                        });
                    }
                    case CODE_RENAME -> !semicolon || argument == null || argument.equals(m.group(2))
                            || !IDENTIFIER.matcher(argument).matches() ? null
                            : m.group(1) + " " + argument + input.substring(m.end(2));
                    case CODE_CONST -> !semicolon || m.group(1).equals("const") ? null : "const" + input.substring(m.end(1));
                    default -> semicolon ? null : input + ";";
                };
            }
            case CODE_INVOCATION -> words.size() < 2 || !IDENTIFIER.matcher(words.get(0)).matches() ? null
                    : words.get(0) + "(" + String.join(", ", words.subList(1, words.size())) + ");";
            case TO_FRENCH, FROM_FRENCH -> {
                if (lexicon == null) {
                    throw new OrganismException(name() + ": the target needs the lexicon");
                }
                java.util.Map<String, String> map = new java.util.HashMap<>();
                java.util.Set<String> ambiguous = new java.util.HashSet<>();
                for (Lexicon.Pair p : lexicon.pairs()) {
                    String from = this == TO_FRENCH ? p.english() : p.foreign();
                    String to = this == TO_FRENCH ? p.foreign() : p.english();
                    if (map.put(from, to) != null) {
                        ambiguous.add(from);
                    }
                }
                List<String> out = new ArrayList<>();
                for (String w : words) {
                    if (!map.containsKey(w) || ambiguous.contains(w)) {
                        yield null;
                    }
                    out.add(map.get(w));
                }
                yield String.join(" ", out);
            }
        };
    }

    /** What {@link #QUESTION} puts before the statement (a fixed rule, so the answer is determined). */
    static final String QUESTION_LEAD = "Is it true that ";

    /** A generated statement: keyword, name, number, operator, number, optional semicolon. */
    static final java.util.regex.Pattern STATEMENT = java.util.regex.Pattern.compile(
            "(var|let|const) ([A-Za-z_][A-Za-z0-9_]*) = (\\d+) ([-+*]) (\\d+)(;?)");
    static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static int[] numbers(List<String> words) {
        int[] n = new int[words.size()];
        for (int i = 0; i < n.length; i++) {
            if (!words.get(i).matches("\\d{1,2}")) {
                return null;
            }
            n[i] = Integer.parseInt(words.get(i));
        }
        return n;
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
