package io.github.instructshift.ffn;

/** A label of component {@code rank} (1-based) of {@code layer} of {@code model}. */
public record LabelRecord(String model, int layer, int rank, ConceptLabel label) {}
