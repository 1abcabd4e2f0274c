/**
 * Finding 1 of the paper, instruction attribution, downstream of the raw gradient×input matrix:
 * per-response-token normalisation into levels, importance density of each prompt token, the
 * instruction score of a prompt, locating the instruction sentences among the prompt tokens, the
 * {@link io.github.instructshift.attribution.AttributionResult} record (show, save, load, aggregate),
 * a resumable {@link io.github.instructshift.attribution.ResultStore} (results checked when read), one writer per
 * output folder ({@link io.github.instructshift.attribution.OutputLock}), what a run's results depend on
 * ({@link io.github.instructshift.attribution.CheckpointFingerprint}), and Tables 1 and 2
 * ({@link io.github.instructshift.attribution.InstructionTables}). Computing raw matrices from a model
 * ({@code GradientAttributor}) lives here too but belongs to the model side, as does the whole pipeline
 * over prompt sets: prompts with their instruction spans ({@link io.github.instructshift.attribution.AttributionPrompt},
 * {@link io.github.instructshift.attribution.PromptFiles}), one prompt under one model
 * ({@link io.github.instructshift.attribution.PromptAttributor}), a resumable run into a store
 * ({@link io.github.instructshift.attribution.AttributionRun}) and its base-vs-tuned summary
 * ({@link io.github.instructshift.attribution.AttributionSummary}). Paired runs force one model's stored
 * response through the other (teacher forcing: {@code PromptAttributor.force}, a forced {@code AttributionRun},
 * stored responses read back into ids by {@link io.github.instructshift.attribution.PieceIds}) and compare the
 * same responses under both models ({@code AttributionSummary.paired}, a paired t-test).
 */
package io.github.instructshift.attribution;
