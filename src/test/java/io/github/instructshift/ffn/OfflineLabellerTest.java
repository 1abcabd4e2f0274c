package io.github.instructshift.ffn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfflineLabellerTest {
    private final OfflineLabeller lab = new OfflineLabeller();

    @Test
    void codingWordsAreACodingConceptAndSaySoAsAStandIn() {
        ConceptLabel l = lab.label(List.of("\u2581def", "return", "import", "lambda", "class", "print", "json", "while",
                "banana", "river", "blue", "sql", "api", "self", "null"), 0);
        assertEquals(ConceptLabel.Status.LABELLED, l.status());
        assertEquals(Set.of(Task.CODING), l.tasks());
        assertEquals(LinguisticLevel.SEMANTICS, l.level());
        assertTrue(l.concept().startsWith("[offline stand-in"), l.concept());
        assertTrue(lab.notice().contains("STAND-IN") && lab.notice().contains("not from ChatGPT"), lab.notice());
        assertEquals("offline-lexicon", l.labeller());
    }

    @Test
    void functionWordsAreSyntaxAffixesMorphologyRhymesPhonology() {
        ConceptLabel syntax = lab.label(List.of("the", "of", "and", "to", "in", "with", "from", "by", "which", "that"), 1);
        assertEquals(LinguisticLevel.SYNTAX, syntax.level());
        assertEquals(Set.of(Task.NONE), syntax.tasks());
        ConceptLabel morph = lab.label(List.of("quickly", "slowly", "badly", "kindly", "firmly", "softly", "gladly", "tree"), 1);
        assertEquals(LinguisticLevel.MORPHOLOGY, morph.level());
        ConceptLabel rhyme = lab.label(List.of("cake", "lake", "make", "bake", "rake", "snake", "shake", "dog"), 1);
        assertEquals(LinguisticLevel.PHONOLOGY, rhyme.level());
        assertEquals(Set.of(Task.LITERARY_WRITING), rhyme.tasks());
    }

    @Test
    void unrelatedWordsCannotBeTold() {
        ConceptLabel l = lab.label(List.of("zq", "banana", "quartz", "vex", "glimp", "orb", "tundra", "fjord"), 0);
        assertEquals(ConceptLabel.Status.CANNOT_TELL, l.status());
        assertTrue(l.concept().contains("stand-in"), l.concept());
    }

    @Test
    void aSeedGivesTheSameLabelEveryTime() {
        List<String> words = List.of("monday", "friday", "weekend", "banana", "tuesday", "river", "sunday", "glimp",
                "tonight", "orb", "january", "quartz", "june", "fjord", "july");
        for (long seed = 0; seed < 5; seed++) {
            assertEquals(lab.label(words, seed), lab.label(words, seed));
        }
    }
}
