package io.github.instructshift.heads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Word vectors from a GloVe or word2vec <em>text</em> file (optionally gzipped): one
 * {@code word v1 … vD} per line, word2vec files starting with a {@code count dim} header. Only the
 * wanted words are kept, so the 5.6 GB GloVe 840B file streams through in constant memory.
 *
 * <p>The dimension is the header's, else the first line's. GloVe 840B has a few words containing
 * spaces; a line with more than D+1 fields therefore takes its last D fields as the vector and the
 * rest as the word. A line with fewer fields, or a field that is not a finite number, is an error
 * naming the file and line, as is a dimension different from {@code expectedDim} when one is given.
 *
 * @param dim      vector dimension
 * @param vectors  vector per wanted word that the file has (exact spelling, else its lower-case form)
 * @param source   file name, for reports
 */
public record WordVectorFile(int dim, Map<String, float[]> vectors, String source) {

    public static WordVectorFile read(Path file, Set<String> wanted, int expectedDim) {
        Set<String> wantedLower = new HashSet<>();
        for (String w : wanted) {
            wantedLower.add(w.toLowerCase(Locale.ROOT));
        }
        Map<String, float[]> exact = new HashMap<>();
        Map<String, float[]> lower = new HashMap<>();
        int dim = -1;
        long lineNo = 0;
        try (BufferedReader in = open(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split(" +");
                if (lineNo == 1 && f.length == 2 && isInteger(f[0]) && isInteger(f[1])) {
                    dim = Integer.parseInt(f[1]);           // word2vec header: count dim
                    checkDim(file, lineNo, dim, expectedDim, "header");
                    continue;
                }
                if (dim < 0) {
                    dim = f.length - 1;
                    if (dim < 1) {
                        throw new HeadsException(file + " line " + lineNo + ": a word with no vector");
                    }
                    checkDim(file, lineNo, dim, expectedDim, "first vector");
                }
                if (f.length < dim + 1) {
                    throw new HeadsException(file + " line " + lineNo + ": " + (f.length - 1)
                            + " values where the file's vectors have " + dim);
                }
                int wordFields = f.length - dim;
                String word = wordFields == 1 ? f[0] : String.join(" ", List.of(f).subList(0, wordFields));
                boolean isExact = wanted.contains(word);
                boolean isLower = !isExact && wantedLower.contains(word.toLowerCase(Locale.ROOT));
                if (!isExact && !isLower) {
                    continue;                              // parse only the lines we keep
                }
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    String field = f[wordFields + j];
                    try {
                        v[j] = Float.parseFloat(field);
                    } catch (NumberFormatException e) {
                        throw new HeadsException(file + " line " + lineNo + ": value " + (j + 1) + " '"
                                + WordFrequencies.abbreviate(field) + "' of word '" + WordFrequencies.abbreviate(word)
                                + "' is not a number");
                    }
                    if (!Float.isFinite(v[j])) {
                        throw new HeadsException(file + " line " + lineNo + ": value " + (j + 1)
                                + " of word '" + WordFrequencies.abbreviate(word) + "' is not finite");
                    }
                }
                if (isExact) {
                    exact.putIfAbsent(word, v);
                } else {
                    lower.putIfAbsent(word.toLowerCase(Locale.ROOT), v);
                }
            }
        } catch (CharacterCodingException e) {
            throw new HeadsException(file + " line " + (lineNo + 1) + ": not valid UTF-8", e);
        } catch (IOException e) {
            throw new HeadsException("cannot read word vector file " + file + ": " + e.getMessage(), e);
        }
        if (dim < 0) {
            throw new HeadsException(file + ": no vectors");
        }
        Map<String, float[]> vectors = new HashMap<>();
        for (String w : wanted) {
            float[] v = exact.get(w);
            if (v == null) {
                v = lower.get(w.toLowerCase(Locale.ROOT));
            }
            if (v != null) {
                vectors.put(w, v);
            }
        }
        return new WordVectorFile(dim, vectors, file.getFileName() + " (" + dim + "-d)");
    }

    /** The vectors of {@code words} in order, null where the file has none. */
    public float[][] lookup(List<String> words) {
        List<float[]> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(vectors.get(w));
        }
        return out.toArray(new float[0][]);
    }

    private static void checkDim(Path file, long lineNo, int dim, int expectedDim, String what) {
        if (expectedDim > 0 && dim != expectedDim) {
            throw new HeadsException(file + " line " + lineNo + ": " + what + " has dimension " + dim
                    + ", expected " + expectedDim);
        }
    }

    private static boolean isInteger(String s) {
        return s.chars().allMatch(Character::isDigit) && !s.isEmpty();
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(raw, decoder), 1 << 20);
    }
}
