package io.github.instructshift.stats;

import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Welch's t-test (unequal variances) of two independent samples. Commons Math returns the two-sided
 * p-value; the one-sided ones follow from the sign of t: for H1 "mean(a) &lt; mean(b)",
 * {@code p = p2/2} when t &lt; 0 and {@code 1 - p2/2} otherwise.
 */
public final class WelchTest {
    private WelchTest() {}

    /** Which alternative hypothesis about mean(a) − mean(b). */
    public enum Alternative { LESS, GREATER, TWO_SIDED }

    /** t statistic, Welch–Satterthwaite degrees of freedom and p-value. */
    public record Result(double t, double df, double p, Alternative alternative) {}

    public static Result test(double[] a, double[] b, Alternative alternative) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least 2 values per group, got "
                    + a.length + " and " + b.length);
        }
        TTest tTest = new TTest();
        double t = tTest.t(a, b);
        double twoSided = tTest.tTest(a, b);
        double p = switch (alternative) {
            case TWO_SIDED -> twoSided;
            case LESS -> t < 0 ? twoSided / 2 : 1 - twoSided / 2;
            case GREATER -> t > 0 ? twoSided / 2 : 1 - twoSided / 2;
        };
        return new Result(t, degreesOfFreedom(a, b), p, alternative);
    }

    /** H1: mean(a) &lt; mean(b). */
    public static Result less(double[] a, double[] b) {
        return test(a, b, Alternative.LESS);
    }

    public static double degreesOfFreedom(double[] a, double[] b) {
        double va = StatUtils.variance(a) / a.length;
        double vb = StatUtils.variance(b) / b.length;
        return (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
    }
}
