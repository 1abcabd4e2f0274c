package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.instructshift.heads.Verbs;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One hand-checked case per task, the domains and the verb rules of the wordings. */
class TaskTest {

    record Case(InstructionTask task, String input, String argument, String target) {}

    static final String S = "The old whale swam past our ship";

    static final List<Case> CASES = List.of(
            new Case(InstructionTask.REPEAT, S, null, S),
            new Case(InstructionTask.FIRST_WORD, S, null, "The"),
            new Case(InstructionTask.LAST_WORD, S, null, "ship"),
            new Case(InstructionTask.FIRST_THREE, S, null, "The old whale"),
            new Case(InstructionTask.CONTAINS_WORD, S, "whale", "Yes"),
            new Case(InstructionTask.REMOVE_WORD, S, "whale", "The old swam past our ship"),
            new Case(InstructionTask.APPEND_WORD, S, "today", S + " today"),
            new Case(InstructionTask.PREPEND_WORD, S, "Slowly", "Slowly " + S),
            new Case(InstructionTask.DROP_FIRST, S, null, "old whale swam past our ship"),
            new Case(InstructionTask.WORD_AFTER, S, "whale", "swam"),
            new Case(InstructionTask.TITLE, S, null, "The Old Whale"),
            new Case(InstructionTask.REPLY, S, null, "I agree: " + S),
            new Case(InstructionTask.QUESTION, S, null, "Is it true that " + S + "?"),
            new Case(InstructionTask.SUMMARY, S, null, "old whale swam past ship"),
            new Case(InstructionTask.LIST_WORDS, "the cat sat down", null, "the, cat, sat and down"),
            new Case(InstructionTask.LETTER_OPENING, "Ahab", null, "Dear Ahab,"),
            new Case(InstructionTask.GREETING, "Ahab", null, "Hello, Ahab!"),
            new Case(InstructionTask.ADD, "12 7", null, "19"),
            new Case(InstructionTask.SUBTRACT, "12 7", null, "5"),
            new Case(InstructionTask.MULTIPLY, "12 7", null, "84"),
            new Case(InstructionTask.MAXIMUM, "12 70 3", null, "70"),
            new Case(InstructionTask.MINIMUM, "12 70 3", null, "3"),
            new Case(InstructionTask.SORT, "12 70 3", null, "3 12 70"),
            new Case(InstructionTask.COMPARE, "12 7", null, "Yes"),
            new Case(InstructionTask.COUNT_WORDS, "whale go sea", null, "3"),
            new Case(InstructionTask.CODE_VALUE, "let keep = 3 * 4;", null, "12"),
            new Case(InstructionTask.CODE_RENAME, "var x = 3 + 4;", "total", "var total = 3 + 4;"),
            new Case(InstructionTask.CODE_CONST, "let x = 3 - 4;", null, "const x = 3 - 4;"),
            new Case(InstructionTask.CODE_SEMICOLON, "let x = 3 + 4", null, "let x = 3 + 4;"),
            new Case(InstructionTask.CODE_INVOCATION, "run 3 4", null, "run(3, 4);"),
            new Case(InstructionTask.TO_FRENCH, "cat go", null, "chat aller"),
            new Case(InstructionTask.FROM_FRENCH, "chien maison", null, "dog house"));

    @Test
    void everyTaskHasItsHandCheckedAnswer() {
        Set<InstructionTask> covered = EnumSet.noneOf(InstructionTask.class);
        for (Case c : CASES) {
            assertEquals(c.target(), c.task().target(c.input(), c.argument(), DatasetGeneratorTest.LEXICON), c.task().name());
            covered.add(c.task());
        }
        assertEquals(EnumSet.allOf(InstructionTask.class), covered);
        assertTrue(InstructionTask.values().length >= 30);
    }

    @Test
    void allFiveDomainsAreCovered() {
        Set<InstructionTask.Domain> domains = EnumSet.noneOf(InstructionTask.Domain.class);
        for (InstructionTask t : InstructionTask.values()) {
            domains.add(t.domain());
        }
        assertEquals(EnumSet.allOf(InstructionTask.Domain.class), domains);
    }

    @Test
    void wordingsOpenWithAnInstructionVerbAndHoldNoGeneralVerb() {
        Set<String> used = new HashSet<>();
        for (InstructionTask t : InstructionTask.values()) {
            for (String w : t.wordings()) {
                String first = w.split(" ")[0];
                assertTrue(Verbs.INSTRUCTION.contains(first), t + ": '" + w + "' opens with no instruction verb");
                used.add(first);
            }
            for (String p : t.phrasings()) {
                assertEquals(0, InstructionDataset.countWords(p, Verbs.ORGANISM_GENERAL), t + ": general verb in '" + p + "'");
            }
        }
        assertTrue(used.size() >= 25, "instruction verbs used: " + used.size() + " " + used);
    }
}
