/**
 * Training on the model engine: the AdamW optimiser ({@link io.github.instructshift.training.AdamW}),
 * a resumable training loop ({@link io.github.instructshift.training.Trainer}), held-out evaluation
 * ({@link io.github.instructshift.training.Evaluation}) and the build of the embedded model-organism
 * pair ({@link io.github.instructshift.training.OrganismBuild}) from the data that
 * {@link io.github.instructshift.organism} prepares: its fine-tune limits (learning-rate and token ratios,
 * text mixed into tuning, weight drift {@link io.github.instructshift.training.WeightDrift}, perplexity),
 * the three findings on the built pair with their power, and the model cards.
 *
 * <p>Depends on {@code model}, {@code organism}, {@code vectors}, {@code stats} and, for Findings 2 and 3,
 * on {@code report}'s runs (so the cards and the notebooks report one computation); nothing depends on it
 * but the command line.
 */
package io.github.instructshift.training;
