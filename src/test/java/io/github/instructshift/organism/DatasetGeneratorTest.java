package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetGeneratorTest {

    static final List<String> NOUNS = List.of("whale", "ship", "sailor", "captain", "sea", "harpoon", "boat", "wind");
    static final List<String> VERBS = List.of("saw", "chased", "see", "left", "keep", "hold");
    static final List<String> ADJ = List.of("old", "white", "silent", "great", "grim");

    /** Sentences like "The old whale saw the ship today", all distinct. */
    static List<String> sentences(int from, int count) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String a = ADJ.get(i % ADJ.size());
            String n1 = NOUNS.get((i / 5) % NOUNS.size());
            String v = VERBS.get((i / 40) % VERBS.size());
            String n2 = NOUNS.get((i / 240) % NOUNS.size());
            String tail = i % 2 == 0 ? "" : " again";
            out.add("The " + a + " " + n1 + " " + v + " the " + n2 + tail);
        }
        return out;
    }

    static final DatasetConfig CONFIG = new DatasetConfig(42, 640, 64, 64, 5, 9, 16, List.of(InstructionTask.values()));
    static final Function<String, Integer> CHAR_TOKENS = t -> (t.length() + 2) / 3;

    static final Lexicon LEXICON = new Lexicon("French", List.of(new Lexicon.Pair("house", "maison"),
            new Lexicon.Pair("cat", "chat"), new Lexicon.Pair("dog", "chien"), new Lexicon.Pair("go", "aller"),
            new Lexicon.Pair("red", "rouge"), new Lexicon.Pair("water", "eau"), new Lexicon.Pair("see", "voir"),
            new Lexicon.Pair("bread", "pain"), new Lexicon.Pair("sun", "soleil"), new Lexicon.Pair("tree", "arbre")));

    static InstructionDataset generate(DatasetConfig config) {
        List<String> train = sentences(0, 400);
        List<String> heldOut = new ArrayList<>(sentences(400, 200));
        heldOut.addAll(train.subList(0, 20)); // overlap that must never reach the held-out split
        return new DatasetGenerator(config, LEXICON, CHAR_TOKENS::apply).generate(train, heldOut);
    }

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        InstructionDataset a = generate(CONFIG);
        InstructionDataset b = generate(CONFIG);
        assertEquals(a, b);
        DatasetConfig other = new DatasetConfig(43, 640, 64, 64, 5, 9, 16, List.of(InstructionTask.values()));
        InstructionDataset c = generate(other);
        assertNotEquals(a.examples(), c.examples());
        assertEquals(a.examples().size(), c.examples().size());
    }

    @Test
    void heldOutIsDisjointInInputsAndPhrasings() {
        InstructionDataset d = generate(CONFIG);
        List<InstructionExample> train = d.train();
        assertEquals(640, train.size());
        assertEquals(64, d.split(Split.HELDOUT_INPUT).size());
        assertEquals(64, d.split(Split.HELDOUT_PHRASING).size());
        Set<String> trainInputs = train.stream().map(InstructionExample::input).collect(Collectors.toSet());
        Set<String> trainInstructions = train.stream().map(InstructionExample::instruction).collect(Collectors.toSet());
        Set<String> trainTemplates = new HashSet<>();
        for (InstructionExample e : train) {
            assertFalse(e.task().isHeldOutPhrasing(e.phrasing()), e.id());
            trainTemplates.add(e.task().phrasings().get(e.phrasing()));
        }
        Set<String> heldOutInputs = new HashSet<>();
        Set<String> allowedHeldOut = new HashSet<>(sentences(400, 200));
        for (InstructionExample e : d.heldOut()) {
            assertFalse(trainInputs.contains(e.input()), "held-out input seen in training: " + e.input());
            if (e.task().input() == InstructionTask.Input.SENTENCE) {
                assertTrue(allowedHeldOut.contains(e.input()), "held-out input not from the held-out sentences: " + e.input());
                assertTrue(heldOutInputs.add(e.input()), "held-out input used twice: " + e.input());
            } else {
                assertTrue(GeneratedInputs.heldOut(e.input()), "generated held-out input off the hash side: " + e.input());
                assertTrue(heldOutInputs.add(e.task() + " " + e.input()), "held-out input used twice: " + e.input());
            }
            String template = e.task().phrasings().get(e.phrasing());
            if (e.split() == Split.HELDOUT_PHRASING) {
                assertTrue(e.phrasingHeldOut(), e.id());
                assertFalse(trainTemplates.contains(template), template);
                assertFalse(trainInstructions.contains(e.instruction()), e.instruction());
            } else {
                assertFalse(e.phrasingHeldOut(), e.id());
            }
        }
        // both held-out phrasings of every task are used somewhere, and they really never occur in training
        for (InstructionTask t : InstructionTask.values()) {
            for (String p : t.heldOutPhrasings()) {
                assertFalse(trainTemplates.contains(p));
            }
        }
    }

    @Test
    void everyExampleIsWellFormedAndBalanced() {
        InstructionDataset d = generate(CONFIG);
        for (InstructionExample e : d.examples()) {
            String instruction = e.task().instruction(e.phrasing(), e.argument());
            String expectedPrompt = AlpacaFormat.INSTRUCTION_HEADER + instruction + AlpacaFormat.INPUT_HEADER + e.input() + AlpacaFormat.RESPONSE_HEADER;
            assertEquals(expectedPrompt, e.prompt().text());
            assertEquals(instruction, e.prompt().text().substring(e.prompt().instructionStart(), e.prompt().instructionEnd()));
            assertEquals(e.input(), e.prompt().text().substring(e.prompt().inputStart(), e.prompt().inputEnd()));
            assertEquals(e.task().target(e.input(), e.argument(), LEXICON), e.target());
            assertTrue(CHAR_TOKENS.apply(e.target()) <= 16, e.target());
            if (e.task() != InstructionTask.REPEAT) {
                assertNotEquals(e.input(), e.target(), e.id());
            }
        }
        Map<InstructionTask, Long> perTask = d.train().stream().collect(Collectors.groupingBy(InstructionExample::task, Collectors.counting()));
        assertEquals(InstructionTask.values().length, perTask.size());
        perTask.values().forEach(n -> assertEquals(20L, n));
        Map<String, Long> answers = d.train().stream().filter(e -> e.task() == InstructionTask.CONTAINS_WORD)
                .collect(Collectors.groupingBy(InstructionExample::target, Collectors.counting()));
        assertTrue(answers.get("Yes") >= 5 && answers.get("No") >= 5, answers.toString());
    }

    @Test
    void jsonLinesRoundTripAndCorruptLinesAreNamed(@TempDir Path dir) throws Exception {
        InstructionDataset d = generate(CONFIG);
        Path file = dir.resolve("instructions.jsonl");
        d.write(file);
        assertEquals(d, InstructionDataset.read(file, LEXICON));
        List<String> lines = Files.readAllLines(file);
        String line = lines.get(2);
        String target = "\"target\":\"";
        int at = line.indexOf(target) + target.length();
        lines.set(2, line.substring(0, at) + "WRONG " + line.substring(at));
        Files.write(file, lines);
        OrganismException e = assertThrows(OrganismException.class, () -> InstructionDataset.read(file));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("target"), e.getMessage());
    }

    @Test
    void generalVerbsInInputsMatchInstructionVerbsInInstructions() {
        InstructionDataset d = generate(DatasetConfig.defaults(42, 6400));
        int instruction = d.instructionVerbsInInstructions();
        int general = d.generalVerbsInInputs();
        System.out.println("matched frequency: instruction verbs " + instruction + ", general verbs " + general);
        assertTrue(Math.abs(general - instruction) <= 0.2 * instruction, instruction + " vs " + general);
        for (InstructionExample e : d.examples()) {
            if (e.argument() != null) {
                assertEquals(0, InstructionDataset.countWords(e.argument(), io.github.instructshift.heads.Verbs.ORGANISM_GENERAL));
            }
        }
    }

    @Test
    void tooFewHeldOutSentencesIsAClearError() {
        DatasetGenerator g = new DatasetGenerator(CONFIG, LEXICON, CHAR_TOKENS::apply);
        OrganismException e = assertThrows(OrganismException.class, () -> g.generate(sentences(0, 400), sentences(400, 10)));
        assertTrue(e.getMessage().contains("held-out"), e.getMessage());
    }
}
