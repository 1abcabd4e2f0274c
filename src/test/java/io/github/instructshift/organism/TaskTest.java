package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every task's answer on hand-written sentences, worked out by hand. */
class TaskTest {

    static final String S = "The old whale swam past our ship";

    @Test
    void transformations() {
        assertEquals("The old whale swam past our ship", Task.REPEAT.target(S, null));
        assertEquals("ship our past swam whale old The", Task.REVERSE_WORDS.target(S, null));
        assertEquals("The Old Whale Swam Past Our Ship", Task.CAPITALIZE.target(S, null));
        assertEquals("the old whale swam past our ship", Task.LOWERCASE.target(S, null));
        assertEquals("Nasa Launched Rockets Today", Task.CAPITALIZE.target("NASA LAUNCHED rockets today", null));
        assertEquals("The old swam past our ship", Task.REMOVE_WORD.target(S, "whale"));
        assertEquals("cat saw dog", Task.REMOVE_WORD.target("the cat saw the dog", "the"));
        assertNull(Task.REMOVE_WORD.target(S, "cat"), "removing a word the input lacks is not an example");
    }

    @Test
    void questions() {
        assertEquals("The", Task.FIRST_WORD.target(S, null));
        assertEquals("ship", Task.LAST_WORD.target(S, null));
        assertEquals("old", Task.NTH_WORD.target(S, "2"));
        assertEquals("whale", Task.NTH_WORD.target(S, "3"));
        assertEquals("past", Task.NTH_WORD.target(S, "5"));
        assertNull(Task.NTH_WORD.target("one two three four", "5"));
        assertEquals("7", Task.COUNT_WORDS.target(S, null));
        assertEquals("Yes", Task.CONTAINS_WORD.target(S, "WHALE"));
        assertEquals("No", Task.CONTAINS_WORD.target(S, "cat"));
        assertEquals("No", Task.CONTAINS_WORD.target(S, "wha"));
        assertEquals("whale", Task.LONGEST_WORD.target(S, null));
        assertEquals("red", Task.LONGEST_WORD.target("red big cat sat", null), "ties keep the earliest");
    }

    @Test
    void writing() {
        assertEquals("The Old Whale", Task.TITLE.target(S, null));
        assertEquals("Call Me Ishmael", Task.TITLE.target("call ME Ishmael some years ago", null));
        assertEquals("TOWSPOS", Task.INITIALS.target(S, null));
    }

    @Test
    void phrasingsFillTheirArgumentAndAreDistinct() {
        assertEquals("What is the third word?", Task.NTH_WORD.instruction(0, "3"));
        assertEquals("Write word number 4 of the input.", Task.NTH_WORD.instruction(2, "4"));
        assertEquals("Remove the word \"whale\" from the sentence.", Task.REMOVE_WORD.instruction(0, "whale"));
        assertThrows(OrganismException.class, () -> Task.NTH_WORD.instruction(0, "9"));
        Set<String> all = new HashSet<>();
        for (Task t : Task.values()) {
            assertEquals(5, t.trainPhrasings().size(), t.name());
            assertEquals(2, t.heldOutPhrasings().size(), t.name());
            for (String p : t.phrasings()) {
                assertEquals(true, all.add(p), "phrasing used twice: " + p);
            }
        }
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(OrganismException.class, () -> Task.REPEAT.target("two  spaces here now ok", null));
        assertThrows(OrganismException.class, () -> Task.REPEAT.target("", null));
    }
}
