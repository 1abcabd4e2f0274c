package io.github.instructshift.organism;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlpacaFormatTest {

    @Test
    void rendersTheFixedFormatWithSpans() {
        Prompt p = AlpacaFormat.render("Count the words.", "the sea");
        assertEquals("### Instruction: Count the words. ### Input: the sea ### Response:", p.text());
        assertEquals(" the sea", AlpacaFormat.completion("the sea"));
        // "### Instruction: " is 17 characters; the instruction is 16; " ### Input: " is 12
        assertEquals(17, p.instructionStart());
        assertEquals(33, p.instructionEnd());
        assertEquals(45, p.inputStart());
        assertEquals(52, p.inputEnd());
        assertEquals("Count the words.", p.instruction());
        assertEquals("the sea", p.input());
        boolean[] chars = p.instructionCharMask();
        assertEquals(false, chars[16]);
        assertEquals(true, chars[17]);
        assertEquals(true, chars[32]);
        assertEquals(false, chars[33]);
    }

    @Test
    void tokenMaskMarksTokensOverlappingTheInstruction() {
        Prompt p = AlpacaFormat.render("Count the words.", "the sea");
        List<int[]> spans = List.of(
                new int[] {0, 0},    // BOS
                new int[] {0, 16},   // "### Instruction:"
                new int[] {16, 17},  // the space
                new int[] {17, 22},  // "Count"
                new int[] {22, 33},  // " the words."
                new int[] {33, 34},  // newline
                new int[] {46, 49}); // "the" of the input
        assertArrayEquals(new boolean[] {false, false, false, true, true, false, false}, p.instructionTokenMask(spans));
    }

    @Test
    void multiLineInstructionsAreRefused() {
        assertThrows(OrganismException.class, () -> AlpacaFormat.render("Line one\nline two", "x"));
        assertThrows(OrganismException.class, () -> AlpacaFormat.render("Fine.", "two\nlines"));
        assertThrows(OrganismException.class, () -> new Prompt("abc", 2, 1, 2, 3));
    }
}
