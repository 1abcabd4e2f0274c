/**
 * What the notebooks call: everything between the analysis packages and a notebook cell, so that a
 * notebook stays a short list of calls and every number it shows is computed (and tested) here.
 *
 * <p>Owns: the notebooks' one configuration ({@link io.github.instructshift.report.NotebookConfig}:
 * environment variables over an optional properties file over the embedded default pair, with the
 * {@link io.github.instructshift.report.Profile} that picks the analyses' settings), the deviations from the
 * paper a run states ({@link io.github.instructshift.report.Deviations}), live progress of long cells
 * ({@link io.github.instructshift.report.Progress}), the opened
 * model pair ({@link io.github.instructshift.report.ModelPair}, checked for one architecture and one
 * tokenizer vocabulary, with its weight change per layer,
 * {@link io.github.instructshift.report.WeightChange}), figure export
 * ({@link io.github.instructshift.report.Figures}: XChart charts or Java2D
 * {@link io.github.instructshift.report.Drawing}s as PNG and SVG, Tablesaw
 * tables as CSV at full precision and shown to 4 significant digits
 * ({@link io.github.instructshift.report.Tables}), tablesaw-jsplot figures as standalone HTML with plotly.js inlined from a
 * checksum-pinned npm tarball, {@link io.github.instructshift.report.PlotlyJs}; the value a chart cell
 * shows is its PNG that is also the interactive chart, {@link io.github.instructshift.report.InteractiveChart}), heat maps of attribution
 * results and head changes ({@link io.github.instructshift.report.Heatmaps}), the prompt sets and the
 * three findings run on the pair ({@link io.github.instructshift.report.EvalPrompts},
 * {@link io.github.instructshift.report.PairAttribution}, {@link io.github.instructshift.report.PaperTables},
 * {@link io.github.instructshift.report.HeadsRun}, {@link io.github.instructshift.report.FfnRun}), their
 * charts ({@link io.github.instructshift.report.Charts}) and the suite's summary
 * ({@link io.github.instructshift.report.Findings}); and a perturbed copy of a checkpoint as a stand-in
 * tuned model for development ({@link io.github.instructshift.report.PerturbedCheckpoint}).
 *
 * <p>Depends on the analysis packages and {@code model}; nothing depends on it. Kernel-neutral: no
 * class here needs the project's Jupyter kernel, so the notebooks also run under IJava.
 */
package io.github.instructshift.report;
