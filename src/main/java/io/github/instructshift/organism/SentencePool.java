package io.github.instructshift.organism;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Input sentences for the instruction tasks, taken from corpus paragraphs: complete sentences, and the
 * clauses of longer ones (split at commas, semicolons, colons and dashes), of {@code minWords..maxWords}
 * plain words, with the punctuation at word edges dropped so that "word" has one obvious meaning for
 * every task. Order follows the corpus; duplicates are removed.
 */
public final class SentencePool {
    private SentencePool() {}

    private static final Pattern WORD = Pattern.compile("[A-Za-z]+(?:'[a-z]+)?");
    private static final Pattern EDGE = Pattern.compile("^[\"'(]+|[\"'),;:.!?]+$");
    private static final Pattern CLAUSE = Pattern.compile("(?<=[,;:])\\s+|\\s+-+\\s+");
    public static final int MAX_WORD_CHARS = 12;

    public static List<String> extract(List<String> paragraphs, int minWords, int maxWords) {
        Set<String> out = new LinkedHashSet<>();
        for (String paragraph : paragraphs) {
            for (String sentence : CorpusBuilder.sentences(paragraph)) {
                String s = sentence.strip();
                String whole = s.matches(".*[.!?][\"')]?$") ? clean(s, minWords, maxWords) : null;
                if (whole != null) {
                    out.add(whole);
                    continue;
                }
                for (String clause : CLAUSE.split(s)) {
                    String cleaned = clean(clause.strip(), minWords, maxWords);
                    if (cleaned != null) {
                        out.add(cleaned);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The sentence as plain words joined by single spaces, or null when it does not qualify. */
    static String clean(String sentence, int minWords, int maxWords) {
        String[] raw = sentence.split(" ");
        if (raw.length < minWords || raw.length > maxWords) {
            return null;
        }
        List<String> words = new ArrayList<>();
        for (String r : raw) {
            String w = EDGE.matcher(r).replaceAll("");
            if (!WORD.matcher(w).matches() || w.length() > MAX_WORD_CHARS) {
                return null;
            }
            words.add(w);
        }
        return String.join(" ", words);
    }
}
