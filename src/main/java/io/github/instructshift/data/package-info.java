/**
 * Reading the paper's prompt sets and released results: {@code FinalDataset.tsv} (prompts and the
 * human-marked instruction fragments), {@code AnnotatedDataset.tsv} (generated responses with
 * instruction-following ratings), the authors' per-prompt attribution pickles, and the prompt-set
 * classification of prompt IDs. Everything here is plain data; no model is touched.
 */
package io.github.instructshift.data;
