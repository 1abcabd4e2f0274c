/**
 * Finding 3 of Wu et al. (NAACL 2024): the concepts stored in the feed-forward blocks and whether
 * instruction tuning rotates them toward user tasks.
 *
 * <p>Owns: the per-layer PCA of the FFN value vectors ({@link io.github.instructshift.ffn.FfnPca}),
 * the projection of components onto vocabulary words ({@link io.github.instructshift.ffn.WordProjector}),
 * pluggable concept labelling ({@link io.github.instructshift.ffn.ConceptLabeller}: an
 * OpenAI-compatible chat labeller following the paper's three questions and an offline lexicon
 * stand-in), the share statistics of the paper's Table/Figure 3
 * ({@link io.github.instructshift.ffn.ConceptShares}) and a subspace rotation measure that goes beyond
 * the paper ({@link io.github.instructshift.ffn.SubspaceRotation}). Depends on {@code model} only
 * through {@link io.github.instructshift.model.ModelWeights} and
 * {@link io.github.instructshift.model.TextTokenizer}.
 */
package io.github.instructshift.ffn;
