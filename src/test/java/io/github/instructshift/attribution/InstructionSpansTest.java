package io.github.instructshift.attribution;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InstructionSpansTest {
    private static final String PROMPT = "Rewrite this. Keep it short!\nInput: Hello there.\n\nOutput:";

    private static List<String> texts(String text, List<TextSpan> spans) {
        return spans.stream().map(s -> s.of(text)).toList();
    }

    @Test
    void sentencesSplitAtNewlinesAndAfterPunctuationFollowedBySpace() {
        assertEquals(List.of("Rewrite this.", "Keep it short!", "Input:", "Hello there.", "Output:"),
                texts(PROMPT, InstructionSpans.sentences(PROMPT)));
        // no white space after the dot: no split; a colon followed by a space splits
        String t = "Use e.g.this one? Note: do it";
        assertEquals(List.of("Use e.g.this one?", "Note:", "do it"), texts(t, InstructionSpans.sentences(t)));
    }

    @Test
    void fragmentIsWidenedToItsWholeSentence() {
        InstructionSpans.Widening w = InstructionSpans.widen(PROMPT, List.of("Keep it"));
        assertEquals(List.of("Keep it short!"), texts(PROMPT, w.sentences()));
        assertEquals(List.of(), w.notFound());
    }

    @Test
    void fragmentAcrossTwoSentencesGivesBoth() {
        InstructionSpans.Widening w = InstructionSpans.widen(PROMPT, List.of("this. Keep"));
        assertEquals(List.of("Rewrite this.", "Keep it short!"), texts(PROMPT, w.sentences()));
    }

    @Test
    void inputLabelIsStripped() {
        // "Input:" alone is its own sentence and vanishes; "Hello" widens to the following sentence
        InstructionSpans.Widening w = InstructionSpans.widen(PROMPT, List.of("Input: Hello"));
        assertEquals(List.of("Hello there."), texts(PROMPT, w.sentences()));
        String glued = "Input:Translate this text\nOutput:";
        assertEquals(List.of("Translate this text"),
                texts(glued, InstructionSpans.widen(glued, List.of("Translate")).sentences()));
    }

    @Test
    void fragmentNotInThePromptIsReportedNotDropped() {
        InstructionSpans.Widening w = InstructionSpans.widen(PROMPT, List.of("Dance now.", "Rewrite"));
        assertEquals(List.of("Rewrite this."), texts(PROMPT, w.sentences()));
        assertEquals(List.of("Dance now."), w.notFound());
    }

    @Test
    void duplicateFragmentsCountOnce() {
        InstructionSpans.Widening w = InstructionSpans.widen(PROMPT, List.of("Rewrite", "this."));
        assertEquals(List.of("Rewrite this."), texts(PROMPT, w.sentences()));
    }

    @Test
    void firstSentenceRule() {
        assertEquals(List.of("Rewrite this."), texts(PROMPT, InstructionSpans.firstSentence(PROMPT)));
        String p = "Input: Summarise it. Then stop.";
        assertEquals(List.of("Summarise it."), texts(p, InstructionSpans.firstSentence(p)));
    }
}
