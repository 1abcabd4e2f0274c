package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every task's answer on hand-written sentences, worked out by hand. */
class InstructionTaskTest {

    static final String S = "The old whale swam past our ship";

    @Test
    void transformations() {
        assertEquals("The old whale swam past our ship", InstructionTask.REPEAT.target(S, null));
        assertEquals("The old swam past our ship", InstructionTask.REMOVE_WORD.target(S, "whale"));
        assertEquals("cat saw dog", InstructionTask.REMOVE_WORD.target("the cat saw the dog", "the"));
        assertNull(InstructionTask.REMOVE_WORD.target(S, "cat"), "removing a word the input lacks is not an example");
        assertNull(InstructionTask.REMOVE_WORD.target("the the the the", "the"), "nothing left is not an example");
        assertEquals("The old whale swam past our ship today", InstructionTask.APPEND_WORD.target(S, "today"));
        assertEquals("Slowly The old whale swam past our ship", InstructionTask.PREPEND_WORD.target(S, "Slowly"));
        assertNull(InstructionTask.APPEND_WORD.target(S, "SHIP"), "adding a word the input has is not an example");
        assertEquals("The old whale", InstructionTask.FIRST_THREE.target(S, null));
    }

    @Test
    void questions() {
        assertEquals("The", InstructionTask.FIRST_WORD.target(S, null));
        assertEquals("ship", InstructionTask.LAST_WORD.target(S, null));
        assertEquals("Yes", InstructionTask.CONTAINS_WORD.target(S, "WHALE"));
        assertEquals("No", InstructionTask.CONTAINS_WORD.target(S, "cat"));
        assertEquals("No", InstructionTask.CONTAINS_WORD.target(S, "wha"));
    }

    @Test
    void writing() {
        assertEquals("The Old Whale", InstructionTask.TITLE.target(S, null));
        assertEquals("Call Me Ishmael", InstructionTask.TITLE.target("call ME Ishmael some years ago", null));
        assertEquals("I agree: The old whale swam past our ship", InstructionTask.REPLY.target(S, null));
    }

    @Test
    void phrasingsAreFramedWordingsWithTwoHeldOutCombinations() {
        assertEquals("Edit the word whale out of the sentence.", InstructionTask.REMOVE_WORD.instruction(0, "whale"));
        assertEquals("Please revise the input by deleting every whale in it.", InstructionTask.REMOVE_WORD.instruction(5, "whale"));
        assertThrows(OrganismException.class, () -> InstructionTask.REMOVE_WORD.instruction(0, "two words"));
        assertThrows(OrganismException.class, () -> InstructionTask.REMOVE_WORD.instruction(24, "whale"));
        Set<String> all = new HashSet<>();
        for (InstructionTask t : InstructionTask.values()) {
            assertEquals(22, t.trainPhrasings().size(), t.name());
            assertEquals(2, t.heldOutPhrasings().size(), t.name());
            for (String p : t.phrasings()) {
                assertTrue(all.add(p), "phrasing used twice: " + p);
            }
            // a held-out phrasing is unseen as a sentence, but its wording and its frame each occur in training
            for (String held : t.heldOutPhrasings()) {
                String wording = t.wordings().stream().filter(w -> held.toLowerCase(java.util.Locale.ROOT)
                        .contains(w.toLowerCase(java.util.Locale.ROOT))).findFirst().orElseThrow();
                String frame = held.replace(wording, "%s").replace(
                        wording.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + wording.substring(1), "%s");
                assertFalse(t.trainPhrasings().contains(held), held);
                assertTrue(t.trainPhrasings().stream().anyMatch(p -> p.toLowerCase(java.util.Locale.ROOT)
                        .contains(wording.toLowerCase(java.util.Locale.ROOT))), "wording never trained: " + held);
                assertTrue(t.trainPhrasings().contains(String.format(java.util.Locale.ROOT, frame,
                        frame.startsWith("%s") ? capital(t.wordings().get(2)) : t.wordings().get(2))),
                        "frame never trained: " + held);
            }
        }
    }

    private static String capital(String s) {
        return s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1);
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(OrganismException.class, () -> InstructionTask.REPEAT.target("two  spaces here now ok", null));
        assertThrows(OrganismException.class, () -> InstructionTask.REPEAT.target("", null));
    }
}
