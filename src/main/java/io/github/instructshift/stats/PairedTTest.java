package io.github.instructshift.stats;

import org.apache.commons.math3.stat.inference.TTest;

/**
 * Paired t-test of two measurements of the same items: the one-sample t-test of the differences
 * {@code d_i = a_i − b_i} against 0, df = n − 1. Commons Math ({@link TTest#pairedT}, {@link TTest#pairedTTest})
 * gives t and the two-sided p-value; the one-sided ones follow from the sign of t as in {@link WelchTest}: for
 * H1 "mean(a − b) &gt; 0", {@code p = p2/2} when t &gt; 0 and {@code 1 − p2/2} otherwise.
 *
 * <p>When every difference is the same (no spread: e.g. the same model on both sides) t and p are NaN.
 */
public final class PairedTTest {
    private PairedTTest() {}

    /**
     * @param n               number of pairs
     * @param meanA           mean of a
     * @param meanB           mean of b
     * @param meanDifference  mean of a − b
     * @param t               t statistic of the differences
     * @param df              n − 1
     * @param p               p-value for {@code alternative}
     * @param pTwoSided       the two-sided p-value Commons Math returns
     */
    public record Result(int n, double meanA, double meanB, double meanDifference, double t, double df, double p,
                         double pTwoSided, WelchTest.Alternative alternative) {}

    /** {@code alternative} is about mean(a − b): LESS (&lt; 0), GREATER (&gt; 0) or TWO_SIDED. */
    public static Result test(double[] a, double[] b, WelchTest.Alternative alternative) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("a paired t-test needs as many values on both sides, got "
                    + a.length + " and " + b.length);
        }
        if (a.length < 2) {
            throw new IllegalArgumentException("a paired t-test needs at least 2 pairs, got " + a.length);
        }
        int n = a.length;
        double meanA = 0;
        double meanB = 0;
        double meanD = 0;
        for (int i = 0; i < n; i++) {
            meanA += a[i];
            meanB += b[i];
            meanD += a[i] - b[i];
        }
        meanA /= n;
        meanB /= n;
        meanD /= n;
        double t;
        double twoSided;
        if (noSpread(a, b)) {
            t = Double.NaN;
            twoSided = Double.NaN;
        } else {
            TTest tTest = new TTest();
            t = tTest.pairedT(a, b);
            twoSided = tTest.pairedTTest(a, b);
        }
        double p = switch (alternative) {
            case TWO_SIDED -> twoSided;
            case GREATER -> t > 0 ? twoSided / 2 : 1 - twoSided / 2;
            case LESS -> t < 0 ? twoSided / 2 : 1 - twoSided / 2;
        };
        return new Result(n, meanA, meanB, meanD, t, n - 1, p, twoSided, alternative);
    }

    /** H1: mean(a − b) &gt; 0. */
    public static Result greater(double[] a, double[] b) {
        return test(a, b, WelchTest.Alternative.GREATER);
    }

    private static boolean noSpread(double[] a, double[] b) {
        double first = a[0] - b[0];
        for (int i = 1; i < a.length; i++) {
            if (a[i] - b[i] != first) {
                return false;
            }
        }
        return true;
    }
}
