package io.github.instructshift.stats;

/**
 * Size, mean and standard deviation of a group of values. {@code std} is the population standard
 * deviation (divisor n, numpy's default), which is what the paper's tables report;
 * {@link #sampleStd()} gives the n-1 version.
 */
public record GroupSummary(int n, double mean, double std) {

    public static GroupSummary of(double[] values) {
        int n = values.length;
        if (n == 0) {
            return new GroupSummary(0, Double.NaN, Double.NaN);
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return new GroupSummary(n, mean, Math.sqrt(ss / n));
    }

    public double sampleStd() {
        return n < 2 ? Double.NaN : std * Math.sqrt(n / (n - 1.0));
    }
}
