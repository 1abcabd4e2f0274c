package io.github.instructshift.organism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.instructshift.files.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The generated examples, stored as JSON lines (one example a line). */
public record InstructionDataset(List<InstructionExample> examples) {

    public InstructionDataset {
        examples = List.copyOf(examples);
    }

    public List<InstructionExample> split(Split split) {
        return examples.stream().filter(e -> e.split() == split).toList();
    }

    public List<InstructionExample> train() {
        return split(Split.TRAIN);
    }

    /** Both held-out kinds. */
    public List<InstructionExample> heldOut() {
        return examples.stream().filter(e -> e.split().heldOut()).toList();
    }

    /** Whole-word occurrences (case-insensitive, letters only) of any of {@code words} in {@code text}. */
    public static int countWords(String text, java.util.Collection<String> words) {
        int n = 0;
        for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty() && words.contains(w)) {
                n++;
            }
        }
        return n;
    }

    /** Instruction verbs inside the training instructions (one side of the matched-frequency check). */
    public int instructionVerbsInInstructions() {
        return train().stream().mapToInt(e -> countWords(e.instruction(), io.github.instructshift.heads.Verbs.INSTRUCTION)).sum();
    }

    /** General verbs inside the training inputs (the other side; arguments never hold a verb). */
    public int generalVerbsInInputs() {
        return train().stream().mapToInt(e -> countWords(e.input(), io.github.instructshift.heads.Verbs.ORGANISM_GENERAL)).sum();
    }

    public void write(Path jsonl) {
        ObjectMapper mapper = new ObjectMapper();
        try {
            AtomicFiles.write(jsonl, out -> {
                for (InstructionExample e : examples) {
                    ObjectNode n = mapper.createObjectNode();
                    n.put("id", e.id());
                    n.put("split", e.split().name());
                    n.put("task", e.task().name());
                    n.put("phrasing", e.phrasing());
                    n.put("phrasing_held_out", e.phrasingHeldOut());
                    n.put("argument", e.argument());
                    n.put("instruction", e.instruction());
                    n.put("input", e.input());
                    n.put("target", e.target());
                    n.put("prompt", e.prompt().text());
                    n.put("instruction_start", e.prompt().instructionStart());
                    n.put("instruction_end", e.prompt().instructionEnd());
                    n.put("input_start", e.prompt().inputStart());
                    n.put("input_end", e.prompt().inputEnd());
                    out.write(mapper.writeValueAsString(n));
                    out.write('\n');
                }
            });
        } catch (IOException e) {
            throw new OrganismException("cannot write " + jsonl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a dataset written by {@link #write}, checking every line: the prompt must be the format's
     * rendering of instruction and input, and the target what the task defines.
     */
    public static InstructionDataset read(Path jsonl) {
        return read(jsonl, null);
    }

    /** As {@link #read(Path)}; translation targets are checked only when {@code lexicon} is given. */
    public static InstructionDataset read(Path jsonl, Lexicon lexicon) {
        ObjectMapper mapper = new ObjectMapper();
        List<InstructionExample> examples = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = jsonl + " line " + lineNo;
                JsonNode n;
                try {
                    n = mapper.readTree(line);
                } catch (IOException e) {
                    throw new OrganismException(where + ": not valid JSON: " + e.getMessage(), e);
                }
                examples.add(parse(n, where, lexicon));
            }
        } catch (IOException e) {
            throw new OrganismException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
        return new InstructionDataset(examples);
    }

    private static InstructionExample parse(JsonNode n, String where, Lexicon lexicon) {
        InstructionTask task = enumField(n, "task", InstructionTask.class, where);
        Split split = enumField(n, "split", Split.class, where);
        int phrasing = n.path("phrasing").asInt(-1);
        if (phrasing < 0 || phrasing >= task.phrasings().size()) {
            throw new OrganismException(where + ": field 'phrasing' = " + n.path("phrasing") + " is not a phrasing of " + task);
        }
        String argument = n.hasNonNull("argument") ? n.get("argument").asText() : null;
        String input = text(n, "input", where);
        String target = text(n, "target", where);
        Prompt prompt = AlpacaFormat.render(task.instruction(phrasing, argument), input);
        if (!prompt.text().equals(text(n, "prompt", where))) {
            throw new OrganismException(where + ": field 'prompt' is not the Alpaca rendering of its instruction and input");
        }
        if (n.path("instruction_start").asInt(-1) != prompt.instructionStart()
                || n.path("instruction_end").asInt(-1) != prompt.instructionEnd()) {
            throw new OrganismException(where + ": fields 'instruction_start'/'instruction_end' do not match the prompt");
        }
        boolean translation = task.domain() == InstructionTask.Domain.TRANSLATION;
        String expected = translation && lexicon == null ? target : task.target(input, argument, lexicon);
        if (!target.equals(expected)) {
            throw new OrganismException(where + ": field 'target' = '" + target + "' but " + task + " gives '" + expected + "'");
        }
        return new InstructionExample(text(n, "id", where), split, task, phrasing, argument, input, target, prompt);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new OrganismException(where + ": missing string field '" + field + "'");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E enumField(JsonNode n, String field, Class<E> type, String where) {
        String v = text(n, field, where);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new OrganismException(where + ": field '" + field + "' = '" + v + "' is not a " + type.getSimpleName());
        }
    }
}
