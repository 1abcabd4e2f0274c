package io.github.instructshift.ffn;

import java.util.List;

/**
 * The candidate words that components are described by.
 *
 * @param source where they came from, for the output's provenance
 * @param words  distinct words, most frequent (or most useful) first
 */
public record Vocabulary(String source, List<String> words) {
    public Vocabulary {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw new FfnException("vocabulary from " + source + " has no words");
        }
    }
}
