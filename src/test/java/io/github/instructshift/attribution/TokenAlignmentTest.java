package io.github.instructshift.attribution;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenAlignmentTest {

    private static boolean[] maskOf(List<String> tokens, String text, String sentence) {
        int[][] spans = TokenAlignment.charSpans(tokens, text, "test");
        int at = text.indexOf(sentence);
        return TokenAlignment.mask(tokens, spans, text, List.of(new TextSpan(at, at + sentence.length())));
    }

    @Test
    void sentencepiecePiecesWithDummyPrefix() {
        String text = "Rewrite this.\nInput: Hello";
        List<String> tokens = List.of("\u2581Rewrite", "\u2581this", ".", "<0x0A>", "Input", ":", "\u2581Hello");
        int[][] spans = TokenAlignment.charSpans(tokens, text, "test");
        assertArrayEquals(new int[] {0, 7}, spans[0]);
        assertArrayEquals(new int[] {13, 14}, spans[3]);
        assertArrayEquals(new boolean[] {true, true, true, false, false, false, false}, maskOf(tokens, text, "Rewrite this."));
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, true}, maskOf(tokens, text, "Hello"));
    }

    @Test
    void bytePiecesOfOneCharacterShareItsSpanButANewlineDoesNot() {
        String text = "Hi\n\uD83D\uDE00"; // "Hi", newline, U+1F600 (4 UTF-8 bytes)
        List<String> tokens = List.of("\u2581Hi", "<0x0A>", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>");
        assertArrayEquals(new boolean[] {false, false, true, true, true, true}, maskOf(tokens, text, "\uD83D\uDE00"));
        assertArrayEquals(new boolean[] {true, false, false, false, false, false}, maskOf(tokens, text, "Hi"));
    }

    @Test
    void leadingQuotePieceIsNotCountedLikeTheAuthorsMatcher() {
        String text = "Go. \"Hi\" he said.";
        List<String> tokens = List.of("\u2581Go", ".", "\u2581\"", "Hi", "\"", "\u2581he", "\u2581said", ".");
        assertArrayEquals(new boolean[] {false, false, false, true, true, true, true, true},
                maskOf(tokens, text, "\"Hi\" he said."));
    }

    @Test
    void tokensThatDoNotSpellTheTextAreAnError() {
        AttributionException e = assertThrows(AttributionException.class,
                () -> TokenAlignment.charSpans(List.of("\u2581Hello", "\u2581world"), "Hello there", "prompt p7"));
        assertTrue(e.getMessage().contains("prompt p7") && e.getMessage().contains("character 6"), e.getMessage());
    }
}
