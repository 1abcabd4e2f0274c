package io.github.instructshift.vectors;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * PPMI/SVD word vectors from plain-text paragraphs, written in GloVe's text format.
 *
 * <p>Why: Finding 2's relatedness test needs word vectors that neither model produced; the paper uses
 * GloVe. For the small organism, GloVe's role is played by vectors from the organism's own pretraining
 * corpus, computed the count-based way of Levy, Goldberg &amp; Dagan (2015), which matches GloVe/SGNS
 * quality at this scale and is deterministic and fast:
 * <ol>
 *   <li>Tokens: lower-cased ({@link Locale#ROOT}) maximal runs of Unicode letters (combining marks
 *       allowed after a letter); an apostrophe ({@code '} or {@code ’}, written {@code '}) between two
 *       letters stays inside the word ({@code don't}, {@code l'été}); hyphens, digits and all else
 *       separate words ({@code well-known} is two words).</li>
 *   <li>Vocabulary: the {@code maxWords} most frequent words with count ≥ {@code minCount}, ties
 *       alphabetical.</li>
 *   <li>Co-occurrence within ±{@code window} words inside a paragraph, weighted 1/distance; as in GloVe's
 *       {@code cooccur}, out-of-vocabulary words are dropped before distances are counted. Stored
 *       sparsely (one open-addressing hash of {@code long} pair keys, then CSR).</li>
 *   <li>PPMI with context-distribution smoothing α: {@code max(0, log(P(w,c) / (P(w) P_α(c))))},
 *       {@code P_α(c) = X_c^α / Σ X_c'^α}.</li>
 *   <li>Randomized truncated SVD (Halko, Martinsson &amp; Tropp 2011: seeded Gaussian test matrix,
 *       oversampling 10, two power iterations, modified Gram–Schmidt), the small SVD by Commons Math;
 *       vectors {@code U Σ^½}, each row L2-normalised. A word that co-occurs with no vocabulary word keeps
 *       a zero vector.</li>
 * </ol>
 * The same corpus, config and seed give the same bytes.
 */
public final class PpmiVectors {

    private static final int OVERSAMPLING = 10;
    private static final int POWER_ITERATIONS = 2;
    private static final MathContext DIGITS = new MathContext(5);

    private PpmiVectors() {
    }

    /**
     * @param maxWords         vocabulary size limit (most frequent words first)
     * @param minCount         least corpus count of a vocabulary word
     * @param window           co-occurrence window, words on each side
     * @param dim              vector dimension
     * @param contextSmoothing α of the smoothed context distribution, in (0, 1]; 0.75 per Levy et al.
     * @param seed             seed of the SVD's random test matrix
     */
    public record Config(int maxWords, int minCount, int window, int dim, double contextSmoothing, long seed) {
        public Config {
            if (maxWords < 1) {
                throw new IllegalArgumentException("maxWords must be at least 1, got " + maxWords);
            }
            if (minCount < 1) {
                throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
            }
            if (window < 1) {
                throw new IllegalArgumentException("window must be at least 1, got " + window);
            }
            if (dim < 1) {
                throw new IllegalArgumentException("dim must be at least 1, got " + dim);
            }
            if (!(contextSmoothing > 0 && contextSmoothing <= 1)) {
                throw new IllegalArgumentException("contextSmoothing must be in (0, 1], got " + contextSmoothing);
            }
        }

        /** 20,000 words, min count 5, window 5, 100 dimensions, α = 0.75, seed 1234. */
        public static Config defaults() {
            return new Config(20000, 5, 5, 100, 0.75, 1234);
        }
    }

    /**
     * @param tokens        word tokens in the corpus
     * @param distinctWords distinct words in the corpus
     * @param pairs         distinct co-occurring vocabulary pairs (w, c), both orders counted
     * @param nonzeros      positive PPMI entries
     * @param seconds       wall time of {@link #compute}
     */
    public record Stats(long tokens, int distinctWords, long pairs, long nonzeros, double seconds) {
    }

    /**
     * @param words   vocabulary, most frequent first
     * @param vectors unit-length (or zero) vector per word, in {@code words} order
     * @param counts  corpus count per word, in {@code words} order
     * @param stats   corpus and matrix sizes, time taken
     */
    public record Result(List<String> words, float[][] vectors, long[] counts, Stats stats) {
        public Result {
            words = List.copyOf(words);
            if (vectors.length != words.size() || counts.length != words.size()) {
                throw new IllegalArgumentException("words, vectors and counts differ in length: "
                        + words.size() + ", " + vectors.length + ", " + counts.length);
            }
        }

        public int dim() {
            return vectors.length == 0 ? 0 : vectors[0].length;
        }

        /** Cosine similarity of two vocabulary words; 0 where either vector is zero. */
        public double cosine(String a, String b) {
            return cos(vectors[index(a)], vectors[index(b)]);
        }

        /** The {@code k} vocabulary words nearest to {@code word} by cosine, best first, itself excluded. */
        public List<String> nearest(String word, int k) {
            int w = index(word);
            Integer[] order = new Integer[words.size()];
            double[] sim = new double[words.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                sim[i] = i == w ? Double.NEGATIVE_INFINITY : cos(vectors[w], vectors[i]);
            }
            Arrays.sort(order, (x, y) -> x.intValue() == y.intValue() ? 0
                    : sim[x] != sim[y] ? Double.compare(sim[y], sim[x]) : Integer.compare(x, y));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < Math.min(k, order.length - 1); i++) {
                out.add(words.get(order[i]));
            }
            return out;
        }

        /**
         * Writes {@code word v1 … vD} per line (GloVe text, no header), values with at most 5 significant
         * digits; gzipped when the name ends with {@code .gz}. Atomic: a temporary file beside the target
         * is moved over it.
         */
        public void writeGlove(Path file) {
            Path target = file.toAbsolutePath();
            Path dir = target.getParent();
            Path tmp = null;
            try {
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
                try (OutputStream raw = Files.newOutputStream(tmp);
                     OutputStream out = target.getFileName().toString().endsWith(".gz")
                             ? new GZIPOutputStream(raw, 1 << 16) : raw;
                     BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < vectors.length; i++) {
                        line.setLength(0);
                        line.append(words.get(i));
                        for (float v : vectors[i]) {
                            line.append(' ').append(format(v));
                        }
                        w.append(line).append('\n');
                    }
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp = null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write word vectors to " + file + ": " + e.getMessage(), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // the write already failed; that error is the one to report
                    }
                }
            }
        }

        private int index(String word) {
            int i = words.indexOf(word);
            if (i < 0) {
                throw new IllegalArgumentException("'" + word + "' is not in the vocabulary");
            }
            return i;
        }

        private static double cos(float[] a, float[] b) {
            double ab = 0, aa = 0, bb = 0;
            for (int j = 0; j < a.length; j++) {
                ab += (double) a[j] * b[j];
                aa += (double) a[j] * a[j];
                bb += (double) b[j] * b[j];
            }
            return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
        }
    }

    /** Vectors for the vocabulary of {@code paragraphs} (plain text, one paragraph per element). */
    public static Result compute(List<String> paragraphs, Config c) {
        long t0 = System.nanoTime();
        Vocabulary vocab = vocabulary(paragraphs, c);
        int n = vocab.words.size();
        if (c.dim() > n) {
            throw new IllegalArgumentException("dim (" + c.dim() + ") exceeds the vocabulary size (" + n + ")");
        }
        Ppmi m = ppmi(paragraphs, vocab, c);
        float[][] vectors = embed(m, c.dim(), c.seed());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Stats stats = new Stats(vocab.tokens, vocab.distinct, m.cols.length, m.nonzeros, seconds);
        return new Result(vocab.words, vectors, vocab.counts, stats);
    }

    // ---------------------------------------------------------------- tokens and vocabulary

    /** The words of {@code text}, lower-cased; see the class comment for what a word is. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        forEachToken(text, out::add);
        return out;
    }

    private static void forEachToken(String text, java.util.function.Consumer<String> sink) {
        StringBuilder word = new StringBuilder();
        int len = text.length();
        int i = 0;
        while (i < len) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Character.isLetter(cp) || (word.length() > 0 && isMark(cp))) {
                word.appendCodePoint(cp);
            } else if ((cp == '\'' || cp == '\u2019') && word.length() > 0 && next < len
                    && Character.isLetter(text.codePointAt(next))) {
                word.append('\'');
            } else if (word.length() > 0) {
                sink.accept(word.toString().toLowerCase(Locale.ROOT));
                word.setLength(0);
            }
            i = next;
        }
        if (word.length() > 0) {
            sink.accept(word.toString().toLowerCase(Locale.ROOT));
        }
    }

    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK;
    }

    private record Vocabulary(List<String> words, long[] counts, Map<String, Integer> index,
                              long tokens, int distinct) {
    }

    private static Vocabulary vocabulary(List<String> paragraphs, Config c) {
        Map<String, long[]> counts = new HashMap<>();
        long[] tokens = {0};
        for (String p : paragraphs) {
            forEachToken(p, w -> {
                counts.computeIfAbsent(w, k -> new long[1])[0]++;
                tokens[0]++;
            });
        }
        List<Map.Entry<String, long[]>> kept = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= c.minCount()) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey()));
        int n = Math.min(c.maxWords(), kept.size());
        if (n == 0) {
            throw new IllegalArgumentException("no word occurs minCount (" + c.minCount() + ") times");
        }
        List<String> words = new ArrayList<>(n);
        long[] wordCounts = new long[n];
        Map<String, Integer> index = new HashMap<>(2 * n);
        for (int i = 0; i < n; i++) {
            words.add(kept.get(i).getKey());
            wordCounts[i] = kept.get(i).getValue()[0];
            index.put(words.get(i), i);
        }
        return new Vocabulary(words, wordCounts, index, tokens[0], counts.size());
    }

    // ---------------------------------------------------------------- co-occurrence and PPMI

    /**
     * A square sparse matrix over the vocabulary in CSR form whose pattern is symmetric (that of the
     * co-occurrence counts): {@code vals} holds PPMI(row, col), {@code valsT} PPMI(col, row), so both
     * M·X and Mᵀ·X are row-parallel products over the same pattern.
     */
    record Ppmi(List<String> words, int[] rowStart, int[] cols, double[] vals, double[] valsT, long nonzeros) {
        double get(int w, int c) {
            int k = Arrays.binarySearch(cols, rowStart[w], rowStart[w + 1], c);
            return k < 0 ? 0 : vals[k];
        }
    }

    /** The PPMI matrix of {@code paragraphs}, for tests. */
    static Ppmi ppmi(List<String> paragraphs, Config c) {
        return ppmi(paragraphs, vocabulary(paragraphs, c), c);
    }

    private static Ppmi ppmi(List<String> paragraphs, Vocabulary vocab, Config c) {
        int n = vocab.words.size();
        PairCounts x = new PairCounts(1 << 16);
        int[] ids = new int[64];
        for (String p : paragraphs) {
            int[] len = {0};
            int[][] buf = {ids};
            forEachToken(p, w -> {
                Integer id = vocab.index.get(w);
                if (id != null) {
                    if (len[0] == buf[0].length) {
                        buf[0] = Arrays.copyOf(buf[0], 2 * len[0]);
                    }
                    buf[0][len[0]++] = id;
                }
            });
            ids = buf[0];
            for (int i = 0; i < len[0]; i++) {
                int end = Math.min(len[0], i + c.window() + 1);
                for (int j = i + 1; j < end; j++) {
                    int a = Math.min(ids[i], ids[j]);
                    int b = Math.max(ids[i], ids[j]);
                    // a pair counts in both X_ab and X_ba, so twice on the diagonal
                    x.add((long) a * n + b, (a == b ? 2.0 : 1.0) / (j - i));
                }
            }
        }

        // CSR of the symmetric counts: sorted keys (a ≤ b) fill each row in ascending column order
        long[] keys = x.keys();
        Arrays.sort(keys);
        int[] rowStart = new int[n + 1];
        for (long k : keys) {
            int a = (int) (k / n);
            int b = (int) (k % n);
            rowStart[a + 1]++;
            if (a != b) {
                rowStart[b + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            rowStart[i + 1] += rowStart[i];
        }
        int[] fill = Arrays.copyOf(rowStart, n);
        int[] cols = new int[rowStart[n]];
        double[] count = new double[rowStart[n]];
        double[] rowSum = new double[n];
        for (long k : keys) {
            int a = (int) (k / n);
            int b = (int) (k % n);
            double v = x.get(k);
            cols[fill[a]] = b;
            count[fill[a]++] = v;
            rowSum[a] += v;
            if (a != b) {
                cols[fill[b]] = a;
                count[fill[b]++] = v;
                rowSum[b] += v;
            }
        }

        double alpha = c.contextSmoothing();
        double[] smoothed = new double[n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            smoothed[i] = Math.pow(rowSum[i], alpha);
            z += smoothed[i];
        }
        double[] vals = new double[cols.length];
        double[] valsT = new double[cols.length];
        long nonzeros = 0;
        for (int r = 0; r < n; r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int col = cols[k];
                // P(w,c) / (P(w) P_α(c)) = X_wc Z_α / (X_w X_c^α)
                vals[k] = Math.max(0, Math.log(count[k] * z / (rowSum[r] * smoothed[col])));
                valsT[k] = Math.max(0, Math.log(count[k] * z / (rowSum[col] * smoothed[r])));
                if (vals[k] > 0) {
                    nonzeros++;
                }
            }
        }
        return new Ppmi(vocab.words, rowStart, cols, vals, valsT, nonzeros);
    }

    /** Open-addressing hash from non-negative {@code long} keys to summed {@code double} weights. */
    private static final class PairCounts {
        private long[] keys;
        private double[] vals;
        private int size;

        PairCounts(int capacity) {
            keys = new long[capacity];
            vals = new double[capacity];
            Arrays.fill(keys, -1);
        }

        void add(long key, double v) {
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (keys[i] != -1 && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (keys[i] == -1) {
                keys[i] = key;
                if (++size > keys.length * 0.6) {
                    vals[i] = v;
                    grow();
                    return;
                }
            }
            vals[i] += v;
        }

        double get(long key) {
            int mask = keys.length - 1;
            int i = slot(key, mask);
            while (keys[i] != key) {
                i = (i + 1) & mask;
            }
            return vals[i];
        }

        long[] keys() {
            long[] out = new long[size];
            int j = 0;
            for (long k : keys) {
                if (k != -1) {
                    out[j++] = k;
                }
            }
            return out;
        }

        private void grow() {
            long[] oldKeys = keys;
            double[] oldVals = vals;
            keys = new long[oldKeys.length * 2];
            vals = new double[oldKeys.length * 2];
            Arrays.fill(keys, -1);
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != -1) {
                    int i = slot(oldKeys[j], mask);
                    while (keys[i] != -1) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    vals[i] = oldVals[j];
                }
            }
        }

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }

    // ---------------------------------------------------------------- randomized SVD

    private static float[][] embed(Ppmi m, int dim, long seed) {
        int n = m.rowStart.length - 1;
        int l = Math.min(dim + OVERSAMPLING, n);
        Random random = new Random(seed);
        double[] omega = new double[n * l];                 // row-major n × l
        for (int i = 0; i < omega.length; i++) {
            omega[i] = random.nextGaussian();
        }
        double[] q = orthonormalize(multiply(m, m.vals, omega, l), n, l, null);
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            double[] zt = orthonormalize(multiply(m, m.valsT, q, l), n, l, null);
            q = orthonormalize(multiply(m, m.vals, zt, l), n, l, null);
        }
        // Bᵀ = Mᵀ Q = Q₂ R₂; R₂ = Uᵣ S Vᵣᵀ, so M ≈ Q B = (Q Vᵣ) S (Q₂ Uᵣ)ᵀ
        double[][] r = new double[l][l];
        orthonormalize(multiply(m, m.valsT, q, l), n, l, r);
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(r, false));
        double[] s = svd.getSingularValues();
        RealMatrix vr = svd.getV();
        double[][] scaledV = new double[l][dim];          // Vᵣ[:, :dim] Σ^½
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < dim; j++) {
                scaledV[i][j] = vr.getEntry(i, j) * Math.sqrt(s[j]);
            }
        }
        float[][] out = new float[n][dim];
        final double[] qf = q;
        IntStream.range(0, n).parallel().forEach(w -> {
            double[] row = new double[dim];
            for (int i = 0; i < l; i++) {
                double qi = qf[w * l + i];
                for (int j = 0; j < dim; j++) {
                    row[j] += qi * scaledV[i][j];
                }
            }
            double norm = 0;
            for (double v : row) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < dim; j++) {
                out[w][j] = norm == 0 ? 0f : (float) (row[j] / norm);
            }
        });
        return out;
    }

    /** The sparse matrix with pattern {@code m} and values {@code vals} times the row-major n × l {@code x}. */
    private static double[] multiply(Ppmi m, double[] vals, double[] x, int l) {
        int n = m.rowStart.length - 1;
        double[] y = new double[n * l];
        IntStream.range(0, n).parallel().forEach(r -> {
            int base = r * l;
            for (int k = m.rowStart[r]; k < m.rowStart[r + 1]; k++) {
                double v = vals[k];
                if (v != 0) {
                    int xb = m.cols[k] * l;
                    for (int j = 0; j < l; j++) {
                        y[base + j] += v * x[xb + j];
                    }
                }
            }
        });
        return y;
    }

    /**
     * Orthonormal columns spanning the row-major n × l {@code a}, by modified Gram–Schmidt with one
     * re-orthogonalisation; a column that vanishes stays zero. Fills {@code r} (l × l, upper triangular)
     * with a = Q R when given.
     */
    private static double[] orthonormalize(double[] a, int n, int l, double[][] r) {
        double[][] col = new double[l][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                col[j][i] = a[i * l + j];
            }
        }
        for (int j = 0; j < l; j++) {
            double[] v = col[j];
            double before = Math.sqrt(dot(v, v));
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double d = dot(col[p], v);
                    if (r != null) {
                        r[p][j] += d;
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= d * col[p][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm <= 1e-10 * before || norm == 0) {
                Arrays.fill(v, 0);
                norm = 0;
            } else {
                for (int i = 0; i < n; i++) {
                    v[i] /= norm;
                }
            }
            if (r != null) {
                r[j][j] = norm;
            }
        }
        double[] out = new double[n * l];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                out[i * l + j] = col[j][i];
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static String format(float v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(DIGITS).stripTrailingZeros().toString();
    }
}
