/**
 * Small statistics helpers on Apache Commons Math: group summaries and Welch's unequal-variance t-test
 * with one-sided p-values.
 */
package io.github.instructshift.stats;
