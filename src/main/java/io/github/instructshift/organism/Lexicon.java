package io.github.instructshift.organism;

import java.util.List;

/**
 * A bilingual word list: English words with their translation in one other language, each side one
 * word, as the pretraining corpus states them. The translation tasks draw their inputs from it, so that
 * the base model has seen every pair before tuning and tuning teaches only the request.
 *
 * @param language the other language's English name, e.g. {@code French}
 * @param pairs    distinct English words, each with one translation
 */
public record Lexicon(String language, List<Pair> pairs) {

    /** One entry: single words without spaces. */
    public record Pair(String english, String foreign) {
        public Pair {
            if (english.isBlank() || foreign.isBlank() || english.contains(" ") || foreign.contains(" ")) {
                throw new OrganismException("lexicon entries must be single words, got '" + english + "' / '" + foreign + "'");
            }
        }
    }

    public Lexicon {
        pairs = List.copyOf(pairs);
        if (pairs.size() != pairs.stream().map(Pair::english).distinct().count()) {
            throw new OrganismException(language + " lexicon lists an English word twice");
        }
    }
}
