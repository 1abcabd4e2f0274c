/**
 * Small statistics helpers on Apache Commons Math: group summaries, Welch's unequal-variance t-test
 * ({@link io.github.instructshift.stats.WelchTest}) and the paired t-test
 * ({@link io.github.instructshift.stats.PairedTTest}), with one-sided p-values.
 * {@link io.github.instructshift.stats.PowerAnalysis} gives, by seeded simulation of the exact test run,
 * the power to detect the paper's effect size with the n a finding has.
 */
package io.github.instructshift.stats;
