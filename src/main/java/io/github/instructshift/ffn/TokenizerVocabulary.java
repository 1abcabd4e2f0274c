package io.github.instructshift.ffn;

import io.github.instructshift.model.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The default vocabulary that needs no outside data: the tokenizer's pieces that start a word
 * (SentencePiece {@code ▁} or byte-level BPE {@code Ġ}) followed by at least {@code minLetters}
 * letters and nothing else, in id order (BPE ids roughly follow merge frequency).
 */
public record TokenizerVocabulary(int minLetters) implements VocabularySource {

    @Override
    public Vocabulary load(TextTokenizer tokenizer) {
        Set<String> words = new LinkedHashSet<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            String piece = tokenizer.piece(id);
            if (piece == null || piece.length() < 2) {
                continue;
            }
            char marker = piece.charAt(0);
            if (marker != '\u2581' && marker != '\u0120') {
                continue;
            }
            String word = piece.substring(1);
            if (word.length() >= minLetters && word.codePoints().allMatch(Character::isLetter)) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            throw new FfnException("the tokenizer (" + tokenizer.vocabSize() + " pieces) has no word-start pieces of "
                    + minLetters + "+ letters; pass a word list instead");
        }
        return new Vocabulary("tokenizer word pieces (" + minLetters + "+ letters)", new ArrayList<>(words));
    }
}
