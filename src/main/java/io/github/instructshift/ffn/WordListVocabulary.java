package io.github.instructshift.ffn;

import io.github.instructshift.model.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A word list, one word a line, optionally followed by a tab and a frequency (the paper's
 * {@code SingleShareGPT_Vocab.tsv}). Case variants are merged into the first spelling seen, as the
 * authors' loader does, so "The" and "the" are one candidate; the first {@code limit} words are kept
 * (0 = all).
 */
public record WordListVocabulary(Path file, int limit) implements VocabularySource {

    @Override
    public Vocabulary load(TextTokenizer tokenizer) {
        Map<String, String> byLower = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", -1);
                if (parts.length > 2) {
                    throw new FfnException(file + " line " + lineNo + ": expected 'word' or 'word<TAB>frequency', got "
                            + parts.length + " tab-separated fields");
                }
                if (parts.length == 2) {
                    try {
                        Double.parseDouble(parts[1].trim());
                    } catch (NumberFormatException e) {
                        throw new FfnException(file + " line " + lineNo + ": frequency '" + parts[1] + "' is not a number");
                    }
                }
                String word = parts[0].strip();
                if (word.isEmpty()) {
                    throw new FfnException(file + " line " + lineNo + ": empty word");
                }
                byLower.putIfAbsent(word.toLowerCase(Locale.ROOT), word);
                if (limit > 0 && byLower.size() >= limit) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new FfnException("cannot read the word list " + file + ": " + e.getMessage(), e);
        }
        List<String> words = new ArrayList<>(byLower.values());
        return new Vocabulary(file.getFileName() + (limit > 0 ? " (first " + limit + ")" : ""), words);
    }
}
