/**
 * Small statistics helpers on Apache Commons Math: group summaries, Welch's unequal-variance t-test
 * ({@link io.github.instructshift.stats.WelchTest}) and the paired t-test
 * ({@link io.github.instructshift.stats.PairedTTest}), with one-sided p-values.
 */
package io.github.instructshift.stats;
