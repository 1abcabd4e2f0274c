/**
 * Finding 2 of Wu et al.: self-attention heads read as word–word relations, from the weights alone.
 *
 * <p>Owns: the word list and per-model word embeddings ({@link io.github.instructshift.heads.WordFrequencies},
 * {@link io.github.instructshift.heads.WordTokens}), the relatedness test between words
 * ({@link io.github.instructshift.heads.Relatedness}, {@link io.github.instructshift.heads.WordVectorFile}),
 * the norm-folded per-head projections and their energies ({@link io.github.instructshift.heads.FoldedHeads}),
 * the layer-streaming pair extraction ({@link io.github.instructshift.heads.HeadScanner}), the
 * base-vs-tuned verb statistics ({@link io.github.instructshift.heads.VerbShift},
 * {@link io.github.instructshift.heads.Verbs}), how much tuning moved each head's bilinear form
 * ({@link io.github.instructshift.heads.HeadChange}) and the facade that ties them into tables
 * ({@link io.github.instructshift.heads.HeadsAnalysis}, {@link io.github.instructshift.heads.HeadsReport}),
 * and a benchmark on random models of any shape ({@link io.github.instructshift.heads.HeadsBenchmark}).
 *
 * <p>Depends only on {@code model}'s {@link io.github.instructshift.model.ModelWeights} and
 * {@link io.github.instructshift.model.TextTokenizer}; never forms a |V|×|V| matrix and reads one
 * layer's weights at a time.
 */
package io.github.instructshift.heads;
