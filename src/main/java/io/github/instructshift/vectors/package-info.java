/**
 * Word vectors computed from a corpus, independent of any model under study.
 *
 * <p>Owns: {@link io.github.instructshift.vectors.PpmiVectors}, which turns the organism's pretraining
 * paragraphs into PPMI/SVD word vectors (the stand-in for GloVe's co-occurrence statistics in Finding 2's
 * relatedness test) and writes them in GloVe's text format, the one
 * {@link io.github.instructshift.heads.WordVectorFile} reads.
 *
 * <p>Plain Java and Commons Math only: sparse co-occurrence counts, a randomized truncated SVD, no
 * |V|×|V| dense matrix.
 */
package io.github.instructshift.vectors;
