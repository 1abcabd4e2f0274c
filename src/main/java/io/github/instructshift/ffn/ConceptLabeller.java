package io.github.instructshift.ffn;

import java.util.List;

/**
 * Names the concept a component's words share and classifies it by task and linguistic level.
 * Implementations never throw for one component's failure: they return an
 * {@link ConceptLabel.Status#UNLABELLED} label that says why, so a long run is never lost.
 */
public interface ConceptLabeller {

    /** Short id recorded with every label, e.g. {@code openai}. */
    String name();

    /** The model (or lexicon version) behind the labels. */
    String model();

    /** A line for the output that says what these labels are (and, for stand-ins, what they are not). */
    String notice();

    /** Labels one component from the words shown to the labeller, best first, in run {@code seed}. */
    ConceptLabel label(List<String> words, long seed);
}
