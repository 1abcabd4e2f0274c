package io.github.instructshift.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Statistical power of the tests the reproduction runs. The model pair is tiny, so a finding that is
 * "not significant" means little unless we also say how likely the test was to detect the paper's
 * effect at the n we have; each finding reports n, the effect size and this power next to its p-value.
 *
 * <p>Power is estimated by a seeded Monte Carlo simulation of the <em>exact</em> test the project runs
 * (same statistic, same dropping of undefined values, same decision rule), so it needs no
 * distributional shortcut and is deterministic given the seed ({@link java.util.Random}, whose
 * algorithm is fixed by the Java specification). Where a closed form is simple, an analytic
 * approximation is offered too, mainly as a cross-check.
 */
public final class PowerAnalysis {
    private PowerAnalysis() {}

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /**
     * A power estimate and what it was computed for, ready for scores.json.
     *
     * @param test        which test ("welch-t", "verb-share-welch", "two-proportion-z", ...)
     * @param effect      the effect size assumed: Cohen's d for the t-test, a difference of rates otherwise
     * @param n1          size of the first group (the one expected to be larger)
     * @param n2          size of the second group
     * @param alpha       significance level
     * @param power       probability that the test detects the effect
     * @param simulations Monte Carlo runs; 0 for an analytic value
     * @param seed        the simulation's seed (0 for an analytic value)
     * @param settings    further settings of the simulated design (rates, heads per group, alternative, ...)
     */
    public record Power(String test, double effect, int n1, int n2, double alpha, double power, int simulations,
                        long seed, Map<String, Object> settings) {
        public Power {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        /** Monte Carlo standard error of {@link #power()}, sqrt(p(1-p)/simulations); 0 when analytic. */
        public double standardError() {
            return simulations == 0 ? 0 : Math.sqrt(power * (1 - power) / simulations);
        }

        /** Fields in a fixed order with snake_case keys, for JSON; {@code settings} come last. */
        public LinkedHashMap<String, Object> asMap() {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("test", test);
            m.put("effect", effect);
            m.put("n1", n1);
            m.put("n2", n2);
            m.put("alpha", alpha);
            m.put("power", power);
            m.put("simulations", simulations);
            m.put("seed", seed);
            m.put("standard_error", standardError());
            m.putAll(settings);
            return m;
        }
    }

    /**
     * Cohen's d with the pooled standard deviation: (mean(a) − mean(b)) / s_p, where
     * s_p² = ((n_a−1)s_a² + (n_b−1)s_b²) / (n_a+n_b−2). Lets a caller take the effect size from the
     * paper's own numbers.
     */
    public static double cohensD(double[] a, double[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        atLeast("a.length", a.length, 2);
        atLeast("b.length", b.length, 2);
        double pooled = ((a.length - 1) * StatUtils.variance(a) + (b.length - 1) * StatUtils.variance(b))
                / (a.length + b.length - 2);
        if (!(pooled > 0)) {
            throw new IllegalArgumentException("a and b have no spread (pooled SD is 0): Cohen's d is undefined");
        }
        return (StatUtils.mean(a) - StatUtils.mean(b)) / Math.sqrt(pooled);
    }

    /**
     * Power of {@link WelchTest#test} with the given alternative when a ~ N(d, 1) (n1 values) and
     * b ~ N(0, 1) (n2 values): the share of simulations with p &lt; alpha. With d &gt; 0, GREATER and
     * TWO_SIDED have power; LESS is then the wrong direction and rejects less than alpha.
     */
    public static Power welchPower(double effectSizeD, int n1, int n2, double alpha,
                                   WelchTest.Alternative alternative, int simulations, long seed) {
        finite("effectSizeD", effectSizeD);
        atLeast("n1", n1, 2);
        atLeast("n2", n2, 2);
        checkAlpha(alpha);
        Objects.requireNonNull(alternative, "alternative");
        atLeast("simulations", simulations, 1);
        Random rng = new Random(seed);
        double[] a = new double[n1];
        double[] b = new double[n2];
        int detected = 0;
        for (int s = 0; s < simulations; s++) {
            for (int i = 0; i < n1; i++) {
                a[i] = effectSizeD + rng.nextGaussian();
            }
            for (int i = 0; i < n2; i++) {
                b[i] = rng.nextGaussian();
            }
            double p = WelchTest.test(a, b, alternative).p();
            if (p < alpha) {
                detected++;
            }
        }
        return new Power("welch-t", effectSizeD, n1, n2, alpha, (double) detected / simulations, simulations, seed,
                Map.of("alternative", alternative.name()));
    }

    /**
     * Analytic approximation of {@link #welchPower}: a central t with n1+n2−2 degrees of freedom shifted by
     * the noncentrality δ = d·sqrt(n1·n2/(n1+n2)). Within about 0.01 of the exact (noncentral t) power for
     * equal variances and moderate n.
     */
    public static Power welchPowerApprox(double effectSizeD, int n1, int n2, double alpha,
                                         WelchTest.Alternative alternative) {
        finite("effectSizeD", effectSizeD);
        atLeast("n1", n1, 2);
        atLeast("n2", n2, 2);
        checkAlpha(alpha);
        Objects.requireNonNull(alternative, "alternative");
        TDistribution t = new TDistribution(null, n1 + n2 - 2);
        double delta = effectSizeD * Math.sqrt((double) n1 * n2 / (n1 + n2));
        double power = switch (alternative) {
            case TWO_SIDED -> {
                double c = t.inverseCumulativeProbability(1 - alpha / 2);
                yield 1 - t.cumulativeProbability(c - delta) + t.cumulativeProbability(-c - delta);
            }
            case GREATER -> 1 - t.cumulativeProbability(t.inverseCumulativeProbability(1 - alpha) - delta);
            case LESS -> t.cumulativeProbability(-t.inverseCumulativeProbability(1 - alpha) - delta);
        };
        return new Power("welch-t-approx", effectSizeD, n1, n2, alpha, power, 0, 0,
                Map.of("alternative", alternative.name()));
    }

    /**
     * Power of the paper's Finding 2 statistic as {@code heads.VerbShift} computes it for one layer group.
     * Each of {@code headsPerGroup} heads is, per verb and independently, tied with probability
     * {@code tieRate}; an untied head goes up (tuned count &gt; base) with probability
     * {@code instructionUpRate} for an instruction verb, {@code generalUpRate} for a general verb. A verb's
     * share is up/untied, a verb with no untied head is dropped, and the mean shares are compared by
     * Welch's two-sided t-test (commons-math {@code TTest.tTest}). A run detects the effect when
     * p &lt; alpha and the instruction mean is the larger; an undefined p (fewer than two shares on a
     * side, or no spread on either) is not a detection.
     */
    public static Power verbSharePower(int instructionVerbs, int generalVerbs, int headsPerGroup, double tieRate,
                                       double instructionUpRate, double generalUpRate, double alpha,
                                       int simulations, long seed) {
        atLeast("instructionVerbs", instructionVerbs, 2);
        atLeast("generalVerbs", generalVerbs, 2);
        atLeast("headsPerGroup", headsPerGroup, 1);
        rate("tieRate", tieRate);
        rate("instructionUpRate", instructionUpRate);
        rate("generalUpRate", generalUpRate);
        checkAlpha(alpha);
        atLeast("simulations", simulations, 1);
        Random rng = new Random(seed);
        double[] a = new double[instructionVerbs];
        double[] b = new double[generalVerbs];
        TTest tTest = new TTest();
        int detected = 0;
        for (int s = 0; s < simulations; s++) {
            int na = shares(rng, a, headsPerGroup, tieRate, instructionUpRate);
            int nb = shares(rng, b, headsPerGroup, tieRate, generalUpRate);
            if (na < 2 || nb < 2) {
                continue;
            }
            double[] x = Arrays.copyOf(a, na);
            double[] y = Arrays.copyOf(b, nb);
            double p;
            try {
                p = tTest.tTest(x, y);
            } catch (MathIllegalArgumentException e) {
                p = Double.NaN;            // no spread on either side: t is undefined, as in VerbShift.welch
            }
            if (p < alpha && StatUtils.mean(x) > StatUtils.mean(y)) {   // NaN < alpha is false
                detected++;
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("heads_per_group", headsPerGroup);
        settings.put("tie_rate", tieRate);
        settings.put("instruction_up_rate", instructionUpRate);
        settings.put("general_up_rate", generalUpRate);
        settings.put("alternative", WelchTest.Alternative.TWO_SIDED.name());
        return new Power("verb-share-welch", instructionUpRate - generalUpRate, instructionVerbs, generalVerbs,
                alpha, (double) detected / simulations, simulations, seed, settings);
    }

    /** Fills the front of {@code out} with the defined shares of one simulated verb list; returns how many. */
    private static int shares(Random rng, double[] out, int heads, double tieRate, double upRate) {
        int defined = 0;
        for (int v = 0; v < out.length; v++) {
            int untied = 0;
            int up = 0;
            for (int h = 0; h < heads; h++) {
                if (rng.nextDouble() < tieRate) {
                    continue;
                }
                untied++;
                if (rng.nextDouble() < upRate) {
                    up++;
                }
            }
            if (untied > 0) {
                out[defined++] = (double) up / untied;
            }
        }
        return defined;
    }

    /**
     * Power of the two-sided pooled two-proportion z-test when X1 ~ Bin(n1, p1) and X2 ~ Bin(n2, p2):
     * z = (p̂1 − p̂2) / sqrt(p̂(1−p̂)(1/n1 + 1/n2)) with p̂ = (X1+X2)/(n1+n2), detected when
     * 2(1 − Φ(|z|)) &lt; alpha. A run whose pooled proportion is 0 or 1 (z undefined) is not a detection.
     */
    public static Power twoProportionPower(double p1, double p2, int n1, int n2, double alpha, int simulations,
                                           long seed) {
        rate("p1", p1);
        rate("p2", p2);
        atLeast("n1", n1, 2);
        atLeast("n2", n2, 2);
        checkAlpha(alpha);
        atLeast("simulations", simulations, 1);
        Random rng = new Random(seed);
        int detected = 0;
        for (int s = 0; s < simulations; s++) {
            int x1 = binomial(rng, n1, p1);
            int x2 = binomial(rng, n2, p2);
            double pooled = (double) (x1 + x2) / (n1 + n2);
            double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
            if (!(se > 0)) {
                continue;
            }
            double z = ((double) x1 / n1 - (double) x2 / n2) / se;
            double p = 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));
            if (p < alpha) {
                detected++;
            }
        }
        return new Power("two-proportion-z", p1 - p2, n1, n2, alpha, (double) detected / simulations, simulations,
                seed, proportions(p1, p2));
    }

    /**
     * Normal-approximation power of the same test: with p̄ = (n1p1+n2p2)/(n1+n2),
     * se0 = sqrt(p̄(1−p̄)(1/n1+1/n2)) under H0 and se1 = sqrt(p1(1−p1)/n1 + p2(1−p2)/n2),
     * power = Φ((|p1−p2| − z·se0)/se1) + Φ((−|p1−p2| − z·se0)/se1), z = Φ⁻¹(1−alpha/2).
     */
    public static Power twoProportionPowerApprox(double p1, double p2, int n1, int n2, double alpha) {
        rate("p1", p1);
        rate("p2", p2);
        atLeast("n1", n1, 2);
        atLeast("n2", n2, 2);
        checkAlpha(alpha);
        double diff = Math.abs(p1 - p2);
        double bar = (n1 * p1 + n2 * p2) / (n1 + n2);
        double se0 = Math.sqrt(bar * (1 - bar) * (1.0 / n1 + 1.0 / n2));
        double se1 = Math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        double power;
        if (!(se1 > 0)) {
            power = diff > 0 ? 1 : 0;      // both rates are 0 or 1: no sampling noise
        } else {
            double z = STANDARD_NORMAL.inverseCumulativeProbability(1 - alpha / 2);
            power = STANDARD_NORMAL.cumulativeProbability((diff - z * se0) / se1)
                    + STANDARD_NORMAL.cumulativeProbability((-diff - z * se0) / se1);
        }
        return new Power("two-proportion-z-approx", p1 - p2, n1, n2, alpha, power, 0, 0, proportions(p1, p2));
    }

    private static Map<String, Object> proportions(double p1, double p2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p1", p1);
        m.put("p2", p2);
        m.put("alternative", WelchTest.Alternative.TWO_SIDED.name());
        return m;
    }

    private static int binomial(Random rng, int n, double p) {
        int x = 0;
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() < p) {
                x++;
            }
        }
        return x;
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    private static void rate(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    private static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
    }

    private static void finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
    }
}
