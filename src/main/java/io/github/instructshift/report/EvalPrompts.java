package io.github.instructshift.report;

import io.github.instructshift.attribution.InstructionSpans;
import io.github.instructshift.attribution.TextSpan;
import io.github.instructshift.data.PaperDatasets;
import io.github.instructshift.data.PromptRecord;
import io.github.instructshift.data.PromptSet;
import io.github.instructshift.organism.AlpacaFormat;
import io.github.instructshift.organism.InstructionTask;
import io.github.instructshift.organism.Prompt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The prompts the pair is run on, each with its instruction as character spans (what the instruction
 * score sums over).
 * <ul>
 *   <li>{@link #tasks}: the organism's instruction tasks in its own prompt format, with the held-out
 *       phrasings (never seen in training) applied to fixed input sentences; the instruction span is
 *       exactly the instruction line. Always available.</li>
 *   <li>{@link #paper}: the shortest prompts of each of the authors' prompt sets, given raw as the paper
 *       gives them, the instruction being the human-marked fragments widened to sentences.</li>
 * </ul>
 */
public final class EvalPrompts {
    /** The organism's tasks as a prompt set. */
    public static final String TASK_SET = "organism-tasks";

    /** Input sentences for the task prompts: plain words, single spaces, no punctuation, as the tasks need. */
    static final List<String> INPUTS = List.of(
            "the ship sailed out of the harbor at dawn",
            "our nation must work for peace and freedom",
            "a great whale rose from the dark sea",
            "the people of this country deserve a fair chance",
            "he walked along the shore in the cold wind",
            "congress passed the law after a long debate");

    private EvalPrompts() {}

    /**
     * One prompt.
     *
     * @param id          unique ID (the paper's ID for its prompts)
     * @param set         prompt set: {@value #TASK_SET} or the paper's set label
     * @param format      how {@code text} was made: {@code organism-alpaca} or {@code raw}
     * @param text        exactly what the model is given (the tokenizer adds its special tokens)
     * @param instruction the instruction's character spans in {@code text}
     */
    public record EvalPrompt(String id, String set, String format, String text, List<TextSpan> instruction) {
        public EvalPrompt {
            instruction = List.copyOf(instruction);
            for (TextSpan s : instruction) {
                if (s.end() > text.length()) {
                    throw new ReportException("prompt " + id + ": instruction span [" + s.start() + ", " + s.end()
                            + ") is past the end of its " + text.length() + " characters");
                }
            }
        }

        /** The instruction's text, spans joined by " | ". */
        public String instructionText() {
            return String.join(" | ", instruction.stream().map(s -> s.of(text)).toList());
        }
    }

    /**
     * {@code count} task prompts: task after task, alternating the two held-out phrasings and cycling
     * through the input sentences, so the first {@code InstructionTask.values().length} cover every task once.
     */
    public static List<EvalPrompt> tasks(int count) {
        List<EvalPrompt> out = new ArrayList<>();
        InstructionTask[] tasks = InstructionTask.values();
        for (int i = 0; i < count; i++) {
            InstructionTask task = tasks[i % tasks.length];
            int round = i / tasks.length;
            int phrasing = task.trainPhrasings().size() + round % task.heldOutPhrasings().size();
            String input = INPUTS.get(i % INPUTS.size());
            String[] words = input.split(" ");
            String argument = switch (task.arg()) {
                case NONE -> null;
                case WORD_IN_INPUT -> words[words.length / 2];
                case WORD_MAYBE_IN_INPUT -> round % 2 == 0 ? words[1] : "river";
                case WORD_NOT_IN_INPUT -> round % 2 == 0 ? "river" : "today";
            };
            Prompt p = AlpacaFormat.render(task.instruction(phrasing, argument), input);
            out.add(new EvalPrompt("task_" + task.name().toLowerCase(Locale.ROOT) + "_" + round, TASK_SET,
                    "organism-alpaca", p.text(), List.of(new TextSpan(p.instructionStart(), p.instructionEnd()))));
        }
        return out;
    }

    /** A handful of task prompts for showing greedy answers side by side. */
    public static List<EvalPrompt> demo() {
        List<EvalPrompt> all = tasks(InstructionTask.values().length);
        List<EvalPrompt> out = new ArrayList<>();
        for (InstructionTask t : List.of(InstructionTask.REPEAT, InstructionTask.LAST_WORD, InstructionTask.REMOVE_WORD,
                InstructionTask.APPEND_WORD, InstructionTask.TITLE)) {
            out.add(all.get(t.ordinal()));
        }
        return out;
    }

    /**
     * The {@code perSet} shortest prompts of each of the authors' prompt sets that have a marked
     * instruction found in the prompt text (ties broken by ID), raw.
     */
    public static List<EvalPrompt> paper(Path paperDir, int perSet) {
        List<PromptRecord> records = PaperDatasets.readPrompts(paperDir.resolve("datasets").resolve("FinalDataset.tsv"));
        List<EvalPrompt> out = new ArrayList<>();
        for (PromptSet set : PromptSet.values()) {
            List<PromptRecord> inSet = new ArrayList<>(records.stream().filter(r -> r.set() == set).toList());
            inSet.sort(Comparator.comparingInt((PromptRecord r) -> r.prompt().length()).thenComparing(PromptRecord::id));
            int taken = 0;
            for (PromptRecord r : inSet) {
                if (taken == perSet) {
                    break;
                }
                InstructionSpans.Widening w = InstructionSpans.widen(r.prompt(), r.instructionFragments());
                if (w.sentences().isEmpty() || r.prompt().isBlank()) {
                    continue;
                }
                out.add(new EvalPrompt(r.id(), set.label(), "raw", r.prompt(), w.sentences()));
                taken++;
            }
        }
        return out;
    }

    /** The pair's prompt set: {@code taskCount} task prompts, plus the paper's prompts when its folder is given. */
    public static List<EvalPrompt> forPair(NotebookConfig config, int taskCount) {
        List<EvalPrompt> out = new ArrayList<>(tasks(taskCount));
        config.paperDir().ifPresent(dir -> out.addAll(paper(dir, config.prompts())));
        return out;
    }
}
