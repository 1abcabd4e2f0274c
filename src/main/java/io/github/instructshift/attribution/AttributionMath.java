package io.github.instructshift.attribution;

/**
 * The paper's scoring of an attribution matrix, as small pure functions. Matrices are
 * {@code [prompt tokens][response tokens]}: a column is one response token.
 *
 * <ol>
 *   <li>{@link #levels}: per column, negatives clipped to 0, divided by the column maximum,
 *       {@code S = ceil(L·x)} (a column whose maximum is 0 stays 0).</li>
 *   <li>{@link #threshold}: levels {@code <= b} set to 0 (b = 7 for statistics, 0 for pictures).</li>
 *   <li>{@link #densities}: {@code a_n = ‖S_n‖₁ / (‖S_n‖_p + ε)} over the response tokens, then divided by
 *       {@code max_n a_n + ε}. ε sits in the denominators exactly where the authors' code has it, so a row
 *       of zeros gives 0 and an all-zero matrix gives all zeros (no 0/0). The authors' generator uses
 *       ε = 1e-7 and their analysis script 1e-9; with levels up to 10 the difference is below 1e-8.</li>
 *   <li>{@link #instructionScore}: {@code Σ_{n ∈ I} a_n / log₂(2 + |I|)}.</li>
 * </ol>
 */
public final class AttributionMath {
    public static final int LEVELS = 10;
    public static final int STATS_THRESHOLD = 7;
    public static final int PICTURE_THRESHOLD = 0;
    public static final double P_NORM = 4.0;
    public static final double EPSILON = 1e-7;

    private AttributionMath() {}

    /** Per-column normalisation into integer levels 0..L. */
    public static double[][] levels(double[][] raw, int levelCount) {
        int cols = checkRectangular(raw);
        double[][] out = new double[raw.length][cols];
        for (int c = 0; c < cols; c++) {
            double max = 0;
            for (double[] row : raw) {
                max = Math.max(max, row[c]);
            }
            if (!(max > 0)) {
                continue; // nothing positive in this column: all levels 0
            }
            for (int r = 0; r < raw.length; r++) {
                double x = Math.max(0, raw[r][c]) / max;
                out[r][c] = Math.ceil(levelCount * x);
            }
        }
        return out;
    }

    /** A copy with every entry {@code <= b} set to 0. */
    public static double[][] threshold(double[][] levels, int b) {
        int cols = checkRectangular(levels);
        double[][] out = new double[levels.length][cols];
        for (int r = 0; r < levels.length; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = levels[r][c] <= b ? 0 : levels[r][c];
            }
        }
        return out;
    }

    /** Importance density of every prompt token, divided by its maximum over the prompt. */
    public static double[] densities(double[][] levels, double p, double eps) {
        checkRectangular(levels);
        double[] a = new double[levels.length];
        double max = 0;
        for (int r = 0; r < levels.length; r++) {
            double l1 = 0;
            double lp = 0;
            for (double v : levels[r]) {
                double x = Math.abs(v);
                l1 += x;
                lp += Math.pow(x, p);
            }
            a[r] = l1 / (Math.pow(lp, 1.0 / p) + eps);
            max = Math.max(max, a[r]);
        }
        for (int r = 0; r < a.length; r++) {
            a[r] /= max + eps;
        }
        return a;
    }

    /** The paper's defaults: threshold b = 7, p = 4, ε = 1e-7, applied to levels. */
    public static double[] densities(double[][] levels) {
        return densities(threshold(levels, STATS_THRESHOLD), P_NORM, EPSILON);
    }

    /** {@code Σ_{n ∈ I} a_n / log₂(2 + |I|)}; an empty mask scores 0. */
    public static double instructionScore(double[] densities, boolean[] instructionMask) {
        if (densities.length != instructionMask.length) {
            throw new AttributionException("densities cover " + densities.length + " prompt tokens but the "
                    + "instruction mask covers " + instructionMask.length);
        }
        double sum = 0;
        int count = 0;
        for (int n = 0; n < densities.length; n++) {
            if (instructionMask[n]) {
                sum += densities[n];
                count++;
            }
        }
        return sum / (Math.log(2 + count) / Math.log(2));
    }

    private static int checkRectangular(double[][] m) {
        if (m.length == 0) {
            return 0;
        }
        int cols = m[0].length;
        for (int r = 1; r < m.length; r++) {
            if (m[r].length != cols) {
                throw new AttributionException("matrix row " + r + " has " + m[r].length + " columns, row 0 has " + cols);
            }
        }
        return cols;
    }
}
