/**
 * Training on the model engine: the AdamW optimiser ({@link io.github.instructshift.training.AdamW}),
 * a resumable training loop ({@link io.github.instructshift.training.Trainer}), held-out evaluation
 * ({@link io.github.instructshift.training.Evaluation}) and the build of the embedded model-organism
 * pair ({@link io.github.instructshift.training.OrganismBuild}) from the data that
 * {@link io.github.instructshift.organism} prepares.
 *
 * <p>Depends on {@code model} and {@code organism}; nothing depends on it but the command line.
 */
package io.github.instructshift.training;
