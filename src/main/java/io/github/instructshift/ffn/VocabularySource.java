package io.github.instructshift.ffn;

import io.github.instructshift.model.TextTokenizer;

/**
 * Where the vocabulary comes from: a word list such as the paper's ShareGPT vocabulary
 * ({@link WordListVocabulary}) or, needing no outside data, the tokenizer's own word-like pieces
 * ({@link TokenizerVocabulary}).
 */
public interface VocabularySource {
    Vocabulary load(TextTokenizer tokenizer);
}
