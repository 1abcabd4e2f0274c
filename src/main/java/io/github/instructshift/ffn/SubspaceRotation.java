package io.github.instructshift.ffn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * How far instruction tuning rotated a layer's top-R FFN subspace (beyond the paper, which only
 * compares labels): principal angles between the base and tuned subspaces, a one-to-one matching of
 * tuned to base components, and the words that entered and left each matched pair's top list.
 *
 * <p>Matching is optimal, not greedy: the Hungarian algorithm (Kuhn–Munkres, O(R³), about a second
 * for R = 300) maximises the summed |cosine| over one-to-one pairs, so a component is never paired
 * with a poor match because a greedy pass spent its best partner earlier.
 */
public final class SubspaceRotation {
    private SubspaceRotation() {}

    /**
     * A matched pair of components and how its top words changed.
     *
     * @param tunedRank  1-based rank of the tuned component
     * @param baseRank   1-based rank of its matched base component
     * @param absCosine  |cosine| between the two
     * @param entered    words in the tuned top list but not the base one, in tuned order
     * @param left       words in the base top list but not the tuned one, in base order
     * @param kept       words in both top lists
     */
    public record Pair(int tunedRank, int baseRank, double absCosine, List<String> entered, List<String> left, int kept) {
        /** kept / (kept + entered): 1 when tuning left this pair's word list unchanged. */
        public double wordOverlap() {
            int size = kept + entered.size();
            return size == 0 ? Double.NaN : kept / (double) size;
        }
    }

    /**
     * One layer's rotation.
     *
     * @param anglesDegrees principal angles, smallest first ({@code min(R_base, R_tuned)} of them)
     * @param pairs         one per tuned component that found a base partner, in tuned order
     */
    public record LayerRotation(int layer, double[] anglesDegrees, List<Pair> pairs) {
        public double meanAngle() {
            return Arrays.stream(anglesDegrees).average().orElse(Double.NaN);
        }

        public double medianAngle() {
            double[] s = anglesDegrees.clone();
            Arrays.sort(s);
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        public double maxAngle() {
            return Arrays.stream(anglesDegrees).max().orElse(Double.NaN);
        }

        /** Share of principal angles above {@code degrees}. */
        public double fractionAbove(double degrees) {
            return anglesDegrees.length == 0 ? Double.NaN
                    : Arrays.stream(anglesDegrees).filter(a -> a > degrees).count() / (double) anglesDegrees.length;
        }

        public double meanMatchedCosine() {
            return pairs.stream().mapToDouble(Pair::absCosine).average().orElse(Double.NaN);
        }

        /** Mean over pairs of |top words kept| / |top list|: 1 when tuning changed no word list. */
        public double meanWordOverlap() {
            return pairs.stream().mapToDouble(Pair::wordOverlap).filter(x -> !Double.isNaN(x)).average().orElse(Double.NaN);
        }
    }

    /**
     * Principal angles in degrees between the row spaces of {@code a} and {@code b}, whose rows are
     * orthonormal: arccos of the singular values of {@code a·bᵀ}, smallest angle first.
     */
    public static double[] principalAnglesDegrees(double[][] a, double[][] b) {
        if (a.length == 0 || b.length == 0) {
            return new double[0];
        }
        double[][] m = cosines(a, b);
        double[] sv = new SingularValueDecomposition(new Array2DRowRealMatrix(m, false)).getSingularValues();
        int k = Math.min(a.length, b.length);
        double[] angles = new double[k];
        for (int i = 0; i < k; i++) {
            angles[i] = Math.toDegrees(Math.acos(Math.min(1.0, Math.max(-1.0, sv[i]))));
        }
        return angles;
    }

    /** {@code [a.length][b.length]} dot products of unit rows, i.e. cosines. */
    static double[][] cosines(double[][] a, double[][] b) {
        int d = a[0].length;
        if (b[0].length != d) {
            throw new FfnException("components of different widths: " + d + " and " + b[0].length + " (different d_model?)");
        }
        double[][] m = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += a[i][t] * b[j][t];
                }
                m[i][j] = s;
            }
        }
        return m;
    }

    /**
     * For each row, the column it is matched to (or -1), maximising the sum of {@code weight} over a
     * one-to-one assignment (Hungarian algorithm with potentials on the padded square cost matrix).
     */
    public static int[] maxWeightMatching(double[][] weight) {
        int rows = weight.length;
        int cols = rows == 0 ? 0 : weight[0].length;
        int n = Math.max(rows, cols);
        // 1-based arrays as in the classical formulation; cost = max - weight, padding costs max
        double max = 0;
        for (double[] row : weight) {
            for (double w : row) {
                max = Math.max(max, w);
            }
        }
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] p = new int[n + 1];
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[n + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double c = (i0 <= rows && j <= cols ? max - weight[i0 - 1][j - 1] : max) - u[i0] - v[j];
                        if (c < minv[j]) {
                            minv[j] = c;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] match = new int[rows];
        Arrays.fill(match, -1);
        for (int j = 1; j <= n; j++) {
            if (p[j] >= 1 && p[j] <= rows && j <= cols) {
                match[p[j] - 1] = j - 1;
            }
        }
        return match;
    }

    /**
     * Rotation of one layer: principal angles, Hungarian matching of tuned to base components by
     * |cosine|, and the top-word changes of every matched pair.
     *
     * @param baseWords  top words of each base component, in component order
     * @param tunedWords likewise for the tuned model
     */
    public static LayerRotation compare(LayerPca base, LayerPca tuned, List<List<String>> baseWords,
                                        List<List<String>> tunedWords) {
        if (base.layer() != tuned.layer()) {
            throw new FfnException("comparing layer " + base.layer() + " of the base model with layer " + tuned.layer() + " of the tuned one");
        }
        if (baseWords.size() != base.size() || tunedWords.size() != tuned.size()) {
            throw new FfnException("layer " + base.layer() + ": " + baseWords.size() + "/" + tunedWords.size()
                    + " word lists for " + base.size() + "/" + tuned.size() + " components");
        }
        double[] angles = principalAnglesDegrees(base.components(), tuned.components());
        double[][] cos = cosines(tuned.components(), base.components());
        double[][] abs = new double[cos.length][];
        for (int i = 0; i < cos.length; i++) {
            abs[i] = Arrays.stream(cos[i]).map(Math::abs).toArray();
        }
        int[] match = maxWeightMatching(abs);
        List<Pair> pairs = new ArrayList<>();
        for (int t = 0; t < match.length; t++) {
            int b = match[t];
            if (b < 0) {
                continue;
            }
            Set<String> baseSet = new LinkedHashSet<>(baseWords.get(b));
            Set<String> tunedSet = new LinkedHashSet<>(tunedWords.get(t));
            List<String> entered = tunedWords.get(t).stream().filter(w -> !baseSet.contains(w)).toList();
            List<String> left = baseWords.get(b).stream().filter(w -> !tunedSet.contains(w)).toList();
            int kept = tunedSet.size() - (int) tunedSet.stream().filter(w -> !baseSet.contains(w)).count();
            pairs.add(new Pair(t + 1, b + 1, abs[t][b], entered, left, kept));
        }
        return new LayerRotation(base.layer(), angles, List.copyOf(pairs));
    }
}
