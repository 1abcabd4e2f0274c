package io.github.instructshift.heads;

import io.github.instructshift.model.TextTokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words the heads are read in, most frequent first.
 *
 * @param words       distinct words, most frequent first (the first few thousand are the relatedness baseline)
 * @param frequencies relative frequency per word, or NaN where the source has none (tokenizer vocabulary)
 * @param source      where the list came from, for reports
 */
public record WordFrequencies(List<String> words, double[] frequencies, String source) {

    public WordFrequencies {
        words = List.copyOf(words);
        if (frequencies.length != words.size()) {
            throw new IllegalArgumentException(words.size() + " words but " + frequencies.length + " frequencies");
        }
    }

    public int size() {
        return words.size();
    }

    /** The first {@code n} words (all when there are fewer). */
    public List<String> top(int n) {
        return words.subList(0, Math.min(n, words.size()));
    }

    /** Frequency of every word, keyed by the lower-cased word (case variants summed). */
    public Map<String, Double> frequencyByLowerCase() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            double f = Double.isNaN(frequencies[i]) ? words.size() - i : frequencies[i];
            map.merge(words.get(i).toLowerCase(Locale.ROOT), f, Double::sum);
        }
        return map;
    }

    /** The words at which {@code keep} is true, order kept. */
    public WordFrequencies restrict(boolean[] keep, String why) {
        List<String> w = new ArrayList<>();
        List<Double> f = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (keep[i]) {
                w.add(words.get(i));
                f.add(frequencies[i]);
            }
        }
        return new WordFrequencies(w, f.stream().mapToDouble(Double::doubleValue).toArray(), source + "; " + why);
    }

    /**
     * Reads a {@code word<TAB>frequency} file, most frequent first (the paper's
     * {@code SingleShareGPT_Vocab.tsv} format; any run of whitespace also separates the two fields).
     * Blank lines are skipped. As in the authors' loader, a word whose lower-case, upper-case or
     * capitalised form was already seen is merged into that earlier form (frequencies summed), so
     * "Here" joins "here". A line that is not exactly a word and a finite non-negative number is an
     * error naming the file and line: silently dropping lines would change which words form the
     * relatedness baseline.
     */
    public static WordFrequencies read(Path file) {
        Map<String, Double> words = new LinkedHashMap<>();
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.strip().split("\\s+");
                if (fields.length != 2) {
                    throw new HeadsException(file + " line " + lineNo + ": expected 'word<TAB>frequency', found "
                            + fields.length + " fields in '" + abbreviate(line) + "'");
                }
                double freq;
                try {
                    freq = Double.parseDouble(fields[1]);
                } catch (NumberFormatException e) {
                    throw new HeadsException(file + " line " + lineNo + ": frequency '" + abbreviate(fields[1])
                            + "' of word '" + abbreviate(fields[0]) + "' is not a number");
                }
                if (!Double.isFinite(freq) || freq < 0) {
                    throw new HeadsException(file + " line " + lineNo + ": frequency " + fields[1]
                            + " of word '" + abbreviate(fields[0]) + "' must be finite and non-negative");
                }
                String word = fields[0];
                for (String variant : new String[] {word.toLowerCase(Locale.ROOT), word.toUpperCase(Locale.ROOT),
                        capitalize(word)}) {
                    if (words.containsKey(variant)) {
                        word = variant;
                        break;
                    }
                }
                words.merge(word, freq, Double::sum);
            }
        } catch (CharacterCodingException e) {
            throw new HeadsException(file + " line " + (lineNo + 1) + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new HeadsException("cannot read vocabulary file " + file + ": " + e.getMessage(), e);
        }
        if (words.isEmpty()) {
            throw new HeadsException(file + ": no words");
        }
        return new WordFrequencies(new ArrayList<>(words.keySet()),
                words.values().stream().mapToDouble(Double::doubleValue).toArray(),
                file.getFileName() + " (" + words.size() + " words)");
    }

    /**
     * The default that needs no outside data: every piece of the tokenizer that is a word marker
     * ({@code ▁} for sentencepiece-style, {@code Ġ} for byte-level BPE) followed by letters only,
     * without the marker, in id order. BPE assigns ids in merge order, which roughly follows corpus
     * frequency, so id order stands in for frequency (frequencies are NaN).
     */
    public static WordFrequencies fromTokenizer(TextTokenizer tokenizer) {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (long id = 0; id < tokenizer.vocabSize(); id++) {
            String piece = tokenizer.piece(id);
            if (piece == null || piece.length() < 2) {
                continue;
            }
            char marker = piece.charAt(0);
            if (marker != '\u2581' && marker != '\u0120') {
                continue;
            }
            String word = piece.substring(1);
            if (word.chars().allMatch(Character::isLetter)) {
                seen.putIfAbsent(word, Boolean.TRUE);
            }
        }
        if (seen.isEmpty()) {
            throw new HeadsException("the tokenizer has no word-like pieces ('\u2581' or '\u0120' followed by letters);"
                    + " give a vocabulary file");
        }
        double[] freq = new double[seen.size()];
        Arrays.fill(freq, Double.NaN);
        return new WordFrequencies(new ArrayList<>(seen.keySet()), freq,
                "tokenizer vocabulary (" + seen.size() + " word pieces, id order as frequency proxy)");
    }

    static String capitalize(String word) {
        if (word.isEmpty()) {
            return word;
        }
        int first = word.codePointAt(0);
        int n = Character.charCount(first);
        return new String(Character.toChars(Character.toUpperCase(first))) + word.substring(n).toLowerCase(Locale.ROOT);
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
